#!/usr/bin/env bash
# Runs every test: installs missing system packages, validates protocol/openapi.yaml,
# builds, runs `swift test`, runs the sync, conflict and permission suites again with every
# test server on PostgreSQL (a real server the tests start), runs two instances on
# PostgreSQL behind nginx with one killed mid-sync (scripts/cluster-demo.sh), fuzzes the
# server from its OpenAPI spec (scripts/fuzz-api.sh), runs the bounded fault suite (scripts/faults.sh), the front end in a real browser
# (scripts/ui-tests.sh), then the deterministic simulation: CRM_SIM_SEEDS seeds
# (default 10,000) of the release build, and its negative control (a broken memo merge
# that must be caught).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_require_packages
# The protocol's OpenAPI document must stay valid.
python3 -m pip install -q openapi-spec-validator >/dev/null 2>&1 || true
python3 -m openapi_spec_validator protocol/openapi.yaml
swift build --build-tests
# One PostgreSQL for every test process of this run.
source scripts/pg-for-tests.sh
swift test
# The same suites on the PostgreSQL store (CRM_TEST_STORE=postgres; ADR 0008, 0009).
CRM_TEST_STORE=postgres swift test --skip-build --filter "SyncEngineTests|ConflictTests"
# Two instances on PostgreSQL behind nginx (deploy/nginx-crm.conf), one killed mid-sync.
bash scripts/cluster-demo.sh
# Hostile input: schemathesis with every check against a real server, bounded examples.
bash scripts/fuzz-api.sh --examples "${CRM_FUZZ_EXAMPLES:-30}"
# Faults: bounded runs of every nemesis against real processes (docs/reliability.md).
bash scripts/faults.sh
# The front end in a real browser (chromium, Playwright).
bash scripts/ui-tests.sh
seeds="${CRM_SIM_SEEDS:-10000}"
swift build -c release --product crm-sim
.build/release/crm-sim --seeds "$seeds"
.build/release/crm-sim --seeds "$seeds" --broken-merge --expect-failure

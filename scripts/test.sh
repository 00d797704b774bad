#!/usr/bin/env bash
# Runs every test: installs missing system packages, validates protocol/openapi.yaml,
# builds, runs `swift test`, then the deterministic simulation: CRM_SIM_SEEDS seeds
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
swift test
seeds="${CRM_SIM_SEEDS:-10000}"
swift build -c release --product crm-sim
.build/release/crm-sim --seeds "$seeds"
.build/release/crm-sim --seeds "$seeds" --broken-merge --expect-failure

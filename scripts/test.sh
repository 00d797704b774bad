#!/usr/bin/env bash
# Runs every test: installs missing system packages, builds, runs `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_require_packages
swift build --build-tests
swift test

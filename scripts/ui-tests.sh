#!/usr/bin/env bash
# The front end in a real browser: Debian's chromium driven by Playwright for Python
# (scripts/ui-tests/test_ui.py), against a real crm-server and two `crm ui` workstations.
#   scripts/ui-tests.sh [--screenshots DIR]   (screenshots of the main pages, three languages)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_install_missing chromium fonts-noto-cjk
python3 -c 'import playwright' 2>/dev/null || python3 -m pip install -q playwright >/dev/null 2>&1
if [ "${1:-}" = "--screenshots" ]; then export CRM_UI_SCREENSHOTS="$(realpath -m "$2")"; fi
swift build --product crm >&2
swift build --product crm-server >&2
python3 scripts/ui-tests/test_ui.py "$(swift build --show-bin-path)"

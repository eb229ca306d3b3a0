#!/usr/bin/env bash
# Install jicai with its test extra into .venv and run the whole test suite.
#   bash scripts/test.sh [pytest args]
set -euo pipefail
source "$(dirname "$0")/_venv.sh" "[test]"
cd "$ROOT"
exec python -m pytest -q "$@"

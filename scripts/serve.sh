#!/usr/bin/env bash
# Install jicai into .venv and start the add-in server (xlwings Server) on 127.0.0.1:8000.
#   bash scripts/serve.sh [--port 8000]
set -euo pipefail
source "$(dirname "$0")/_venv.sh" ""
cd "$ROOT"
exec jicai serve "$@"

# Sourced by the other scripts: a project-local virtual environment with jicai installed.
# Needs only Python 3.11+ and pip; re-running is cheap (pip skips what is installed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="${JICAI_VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
EXTRAS="${1:-}"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT${EXTRAS}" 2>&1 | grep -v "^WARNING: Location" || true
export PATH="$VENV/bin:$PATH"
export XLWINGS_LICENSE_KEY="${XLWINGS_LICENSE_KEY:-noncommercial}"

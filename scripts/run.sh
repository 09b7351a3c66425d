#!/usr/bin/env bash
# Installs Oracle Trader into .venv (creating it) and starts the dashboard; extra flags go to main.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/python main.py "$@"

#!/usr/bin/env bash
# Installs everything the tests need into .venv (creating it), then runs the linter and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"

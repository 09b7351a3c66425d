#!/usr/bin/env bash
# Installs everything the tests need (Debian packages for the browser and native-window tests, Python packages
# into .venv), then runs the linter and the whole test suite. This is exactly what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo")
# chromium: browser tests (Playwright drives it; no browser download). The rest: the native window (pywebview
# with GTK/WebKit) under a virtual X display, and the tools that find and photograph it. Pango: weasyprint's PDF
# reports; poppler-utils: pdftotext, with which a test reads a report's PDF back. postgresql: the server the store's
# tests start on a free port (tests/postgres.py; the Debian service itself is not used); redis-server: the same for
# the split roles' tests (tests/redis_server.py); nginx: DEPLOY.md's reverse proxy, run by tests/test_deploy_doc.py.
packages=(chromium xvfb xdotool x11-utils imagemagick gir1.2-webkit2-4.1 libgirepository1.0-dev libcairo2-dev
          pkg-config gcc libpango-1.0-0 libpangoft2-1.0-0 poppler-utils postgresql redis-server nginx)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}"
fi
source scripts/venv.sh
.venv/bin/python -m pip install --quiet -e '.[test,native]'
# the static checks (the same as .pre-commit-config.yaml): lint, formatting, the layers' import contracts, types
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/lint-imports
.venv/bin/python -m mypy
# missing tools fail the run instead of skipping tests
export ORACLE_REQUIRE_BROWSER=1 ORACLE_REQUIRE_NATIVE=1 ORACLE_REQUIRE_POSTGRES=1 ORACLE_REQUIRE_REDIS=1
# every test (pass e.g. -m "not slow" for the quick inner loop); coverage includes the app's own subprocesses
exec .venv/bin/python -m pytest --cov --cov-report=term "$@"

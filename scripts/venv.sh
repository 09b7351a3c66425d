#!/usr/bin/env bash
# Sourced by run.sh and test.sh: makes sure .venv exists (installing Debian's python3-venv if needed).
set -euo pipefail
if [ ! -x .venv/bin/python ]; then
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    echo "Installing python3-venv (Debian/Ubuntu) so a virtual environment can be created..."
    SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo")
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv
  fi
  python3 -m venv .venv
fi

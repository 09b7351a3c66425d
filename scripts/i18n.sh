#!/usr/bin/env bash
# The message catalogs: extract every marked string into the template, update each language's .po from it (no
# fuzzy matching: a changed message is new and needs its translation), regenerate the en_XA pseudo-locale, and
# compile the .mo files the app loads (committed: tests/test_i18n_catalogs.py checks they match the .po files).
#   bash scripts/i18n.sh            extract, update, pseudo-locale, compile
#   bash scripts/i18n.sh init LANG  start a new language's catalog (then translate it and run this again)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
PYTHON=${PYTHON:-.venv/bin/python}
LOCALES=oracle_ui/i18n/locales
POT=$LOCALES/messages.pot
"$PYBABEL" extract -F babel.cfg -o "$POT" --add-location=file --sort-output -c TRANSLATORS: -s \
  --project='Oracle Trader' --copyright-holder='Oracle Trader contributors' --msgid-bugs-address='' -w 120 \
  oracle_ui pages components
if [ "${1:-}" = init ]; then
  "$PYBABEL" init -i "$POT" -d "$LOCALES" -l "$2" -w 120
fi
"$PYBABEL" update -i "$POT" -d "$LOCALES" --no-fuzzy-matching --ignore-obsolete -w 120
"$PYTHON" scripts/pseudo_locale.py "$POT" "$LOCALES/en_XA/LC_MESSAGES/messages.po"
"$PYBABEL" compile -d "$LOCALES" --statistics

#!/usr/bin/env bash
# Rebuild oracle_ui/web/css/tailwind.css after changing Tailwind classes in pages/ or components/: the utilities
# the pages use, built ahead of time instead of by NiceGUI's in-browser Tailwind (which compiled them on every
# page load and re-scanned the page on every DOM change). Needs Node.js and npm; 4.1.13 is the Tailwind that
# NiceGUI 3.18's in-browser build uses, so the pages look the same.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
npm install --silent --prefix "$WORK" @tailwindcss/cli@4.1.13 tailwindcss@4.1.13 >/dev/null
cat > "$WORK/input.css" <<CSS
@import "tailwindcss" source(none);
@source "$ROOT/pages";
@source "$ROOT/components";
@source "$ROOT/oracle_ui/web";
@source not "$ROOT/components/vendor";
@custom-variant dark (&:where(body.body--dark, body.body--dark *));
CSS
"$WORK/node_modules/.bin/tailwindcss" -i "$WORK/input.css" -o "$ROOT/oracle_ui/web/css/tailwind.css" --minify

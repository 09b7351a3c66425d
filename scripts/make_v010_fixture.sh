#!/usr/bin/env bash
# Rebuild tests/data/oracle-0.1.0.db with version 0.1.0's own code (commit afecc26): the sim feed trades at
# 3000x for RUN_S seconds, the 0.1.0 CLI adds the operator 'alice', SIGTERM stops the server, VACUUM shrinks it.
# Needs no extra packages: 0.1.0 runs with this project's virtualenv (PYTHON, default .venv/bin/python).
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
python=${PYTHON:-$repo/.venv/bin/python}
run_s=${RUN_S:-10}
password='alice-fixture-0.1.0'  # tests/test_migrations.py logs in with it
src=$(mktemp -d)
data=$(mktemp -d)
trap 'rm -rf "$src" "$data"' EXIT
git -C "$repo" archive afecc26 | tar -x -C "$src"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$src"
for name in $(env | grep -o '^ORACLE_[A-Z_]*'); do unset "$name"; done  # 0.1.0's defaults (autostart on)
export ORACLE_DATA_DIR=$data PYTHONPATH=$src
"$python" main.py --no-show --port "$port" --speed 3000 >"$data/server.log" 2>&1 &
server=$!
sleep "$run_s"
printf '%s\n' "$password" | "$python" -m oracle_ui.cli users add alice --role operator --password-stdin --data-dir "$data"
kill -TERM "$server"
wait "$server" || true
"$python" - "$data/oracle.db" <<'PY'
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
db.execute('VACUUM')
closed = db.execute("SELECT count(*), sum(pnl) FROM trades WHERE status != 'OPEN'").fetchone()
print('closed trades:', closed, 'candles:', db.execute('SELECT count(*) FROM candles').fetchone()[0],
      'events:', db.execute('SELECT count(*) FROM events').fetchone()[0],
      'users:', db.execute('SELECT name, role FROM users').fetchall())
db.close()
if not closed[0]:
    sys.exit('no closed trades: run longer (RUN_S)')
PY
cp "$data/oracle.db" "$repo/tests/data/oracle-0.1.0.db"
ls -l "$repo/tests/data/oracle-0.1.0.db"

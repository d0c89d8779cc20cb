#!/usr/bin/env bash
# Stops the server started by deploy/up.sh, then MariaDB and Redis.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pid_file=.stack/huicai.pid
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  kill -TERM "$(cat "$pid_file")"
  for _ in $(seq 150); do kill -0 "$(cat "$pid_file")" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pid_file"
  echo "down: server stopped"
fi
bash deploy/stack.sh stop

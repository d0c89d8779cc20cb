#!/usr/bin/env bash
# The chaos run (docs/chaos.md): builds huicai_chaos and the service binaries, starts the stack
# of this checkout, gives the run a fresh database of its own (huicai_chaos) and Redis logical
# database 3, migrates it, and runs N cycles of traffic, faults and invariant checks.
#
#   tests/chaos/run.sh --cycles 50 --seed 20261206      the documented run
#   tests/chaos/run.sh --cycles 3 --seed 1 --ops 20     the short version the suite runs
#
# Environment: HUICAI_MYSQL_PORT, HUICAI_REDIS_PORT (the stack's), HUICAI_CHAOS_BASE_PORT
# (default 28400: the services listen on +1 ordering, +2 settlement, +3 aidstats),
# HUICAI_BUILD_DIR (default <repo>/build), CHAOS_NO_BUILD=1 (use the binaries as they are).
# Service logs go to <build>/chaos/. Exit code: 0 when no invariant was violated.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${HUICAI_BUILD_DIR:-$repo/build}"

export HUICAI_ENV=development
export HUICAI_MYSQL_DATABASE=huicai_chaos
export HUICAI_REDIS_DATABASE=3
export HUICAI_ACCESS_TOKEN_TTL_SECONDS=86400
# The run kills MariaDB and Redis on purpose: give clients a short fuse.
export HUICAI_MYSQL_CONNECT_TIMEOUT_SECONDS=2 HUICAI_REDIS_COMMAND_TIMEOUT_MS=1000

if [ -z "${CHAOS_NO_BUILD:-}" ]; then
  bash "$repo/deploy/build.sh" huicai huicai-ordering huicai-settlement huicai-aidstats \
    huicai_chaos >/dev/null
fi
mkdir -p "$build/chaos"
bash "$repo/deploy/stack.sh" start >/dev/null
bash "$repo/deploy/stack.sh" reset-db >/dev/null 2>&1
bash "$repo/deploy/stack.sh" start --migrate "$build/services/all_in_one/huicai" >/dev/null 2>&1
"$build/services/all_in_one/huicai" config >/dev/null  # fails early on a bad environment

exec "$build/tests/chaos/huicai_chaos" --build "$build" --logs "$build/chaos" "$@"

#!/usr/bin/env bash
# Benchmark (not a test): the effect of MariaDB settings on the fixed order baseline
# (`order_placement_tool baseline`, the minimal order-shaped transaction; no Huicai server runs).
# For every setting it alternates A (the stack's value) and B (the alternative) ROUNDS times (3),
# DURATION seconds (5) each at CONNS connections (16), changing the setting with SET GLOBAL
# through the stack's superuser socket, and prints the rates and the ratio B/A of the medians.
# Alternating in one run means other load on the machine affects both sides alike. The stack's
# value is restored at the end of each setting.
# Settings MariaDB reads only at start (RESTART_SETTINGS) are measured the same way with a restart
# of the stack's MariaDB before every run (HUICAI_MYSQL_EXTRA_OPTIONS of deploy/stack.sh; the data
# stays) and a warm-up run of WARMUP seconds (3) after it, so a cold buffer pool does not count.
#
#   tests/bench/mysql_tuning.sh [build-dir]
#   DURATION=10 ROUNDS=5 CONNS=64 tests/bench/mysql_tuning.sh build
#   ONLY=restart tests/bench/mysql_tuning.sh build      (only the restart-only settings; or live)
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
source "$(dirname "$0")/order_fixture.sh"
start_stack
SOCKET=${HUICAI_STACK_DIR:-$ROOT/.stack}/mysql/mysqld.sock
root_sql() { mariadb --no-defaults --protocol=socket --socket="$SOCKET" -u "$(id -un)" -N -B -e "$1"; }
make_catalog
BASE=$(account_base)

# name | A (stack) | B
SETTINGS=(
  "innodb_flush_log_at_trx_commit|1|2"
  "innodb_flush_log_at_trx_commit|1|0"
  "innodb_snapshot_isolation|ON|OFF"
  "innodb_buffer_pool_size|536870912|134217728"
)
# innodb_log_file_size is measured with restarts (below): a SET GLOBAL resize runs in the
# background for a while and disturbs the runs next to it.
# name | A (stack) | B, set at start
RESTART_SETTINGS=(
  "innodb_log_file_size|64M|512M"
  "innodb_log_file_size|64M|16M"
  "innodb_flush_method|O_DIRECT|fsync"
  "innodb_buffer_pool_size|512M|64M"
)
WARMUP=${WARMUP:-3}
ONLY=${ONLY:-all}
RUN=0
run_baseline() {  # [run number] prints orders per second; a fresh account (idempotency keys) per run
  "$TOOL" baseline "$CONNS" "$DURATION" "$((BASE + ${1:-$RUN}))" "$SKU_FILE" | sed -E 's/.*"orders_per_second":([0-9.]+).*/\1/'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-32s %-10s %-10s %-28s %-28s %s\n' setting A B "A orders/s" "B orders/s" "B/A (medians)"
report() {  # <name> <A> <B> <rates A> <rates B>
  local ma mb
  ma=$(median <<<"$4"); mb=$(median <<<"$5")
  printf '%-32s %-10s %-10s %-28s %-28s %.2f\n' "$1" "$2" "$3" "$4" "$5" \
    "$(awk -v a="$ma" -v b="$mb" 'BEGIN { print b / a }')"
}
# Restarts the stack's MariaDB with `--<name>=<value>` (no value: the stack's own settings).
restart_with() {
  HUICAI_MYSQL_EXTRA_OPTIONS=${1:+--$1} "$ROOT/deploy/stack.sh" restart-mysql >/dev/null
}
run_warm() {  # a warm-up run (run number RUN - 1), then the measured one (RUN)
  DURATION=$WARMUP run_baseline $((RUN - 1)) >/dev/null; run_baseline "$RUN"
}
[[ "$ONLY" == restart ]] && SETTINGS=()
[[ "$ONLY" == live ]] && RESTART_SETTINGS=()
for entry in "${SETTINGS[@]}"; do
  IFS='|' read -r NAME A B <<<"$entry"
  ORIGINAL=$(root_sql "SELECT @@GLOBAL.$NAME")
  RATES_A=""; RATES_B=""
  for _ in $(seq "$ROUNDS"); do
    root_sql "SET GLOBAL $NAME = $A"; RUN=$((RUN + 1)); RATES_A+="$(run_baseline) "
    root_sql "SET GLOBAL $NAME = $B"; RUN=$((RUN + 1)); RATES_B+="$(run_baseline) "
  done
  root_sql "SET GLOBAL $NAME = $ORIGINAL"
  report "$NAME" "$A" "$B" "$RATES_A" "$RATES_B"
done
for entry in "${RESTART_SETTINGS[@]}"; do
  IFS='|' read -r NAME A B <<<"$entry"
  RATES_A=""; RATES_B=""
  for _ in $(seq "$ROUNDS"); do
    restart_with ""; RUN=$((RUN + 2)); RATES_A+="$(run_warm) "
    restart_with "$NAME=$B"; RUN=$((RUN + 2)); RATES_B+="$(run_warm) "
  done
  restart_with ""
  report "$NAME (restart)" "$A" "$B" "$RATES_A" "$RATES_B"
done
echo "$CONNS connections, $DURATION s per run, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$SKU_FILE"

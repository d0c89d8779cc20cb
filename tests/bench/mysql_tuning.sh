#!/usr/bin/env bash
# Benchmark (not a test): the effect of MariaDB settings on the fixed order baseline
# (`order_placement_tool baseline`, the minimal order-shaped transaction; no Huicai server runs).
# For every setting it alternates A (the stack's value) and B (the alternative) ROUNDS times (3),
# DURATION seconds (5) each at CONNS connections (16), changing the setting with SET GLOBAL
# through the stack's superuser socket, and prints the rates and the ratio B/A of the medians.
# Alternating in one run means other load on the machine affects both sides alike. Only settings
# MariaDB 10.11 can change while running are measured; the stack's value is restored at the end.
#
#   tests/bench/mysql_tuning.sh [build-dir]
#   DURATION=10 ROUNDS=5 CONNS=64 tests/bench/mysql_tuning.sh build
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
source "$(dirname "$0")/order_fixture.sh"
"$ROOT/deploy/stack.sh" start --migrate "$HUICAI" >/dev/null 2>&1
SOCKET=${HUICAI_STACK_DIR:-$ROOT/.stack}/mysql/mysqld.sock
root_sql() { mariadb --no-defaults --protocol=socket --socket="$SOCKET" -u "$(id -un)" -N -B -e "$1"; }
make_catalog
BASE=$(( ($(date +%s) % 100000) * 10000 + RANDOM % 1000 * 10 ))

# name | A (stack) | B
SETTINGS=(
  "innodb_flush_log_at_trx_commit|1|2"
  "innodb_flush_log_at_trx_commit|1|0"
  "innodb_snapshot_isolation|ON|OFF"
  "innodb_buffer_pool_size|536870912|134217728"
)
# innodb_log_file_size is left out: a SET GLOBAL resize runs in the background for a while and
# disturbs the runs next to it; compare it across restarts instead.
RUN=0
run_baseline() {  # prints orders per second; a fresh account (idempotency keys) per run
  "$TOOL" baseline "$CONNS" "$DURATION" "$((BASE + RUN))" "$SKU_FILE" | sed -E 's/.*"orders_per_second":([0-9.]+).*/\1/'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-32s %-10s %-10s %-28s %-28s %s\n' setting A B "A orders/s" "B orders/s" "B/A (medians)"
for entry in "${SETTINGS[@]}"; do
  IFS='|' read -r NAME A B <<<"$entry"
  ORIGINAL=$(root_sql "SELECT @@GLOBAL.$NAME")
  RATES_A=""; RATES_B=""
  for _ in $(seq "$ROUNDS"); do
    root_sql "SET GLOBAL $NAME = $A"; RUN=$((RUN + 1)); RATES_A+="$(run_baseline) "
    root_sql "SET GLOBAL $NAME = $B"; RUN=$((RUN + 1)); RATES_B+="$(run_baseline) "
  done
  root_sql "SET GLOBAL $NAME = $ORIGINAL"
  MA=$(median <<<"$RATES_A"); MB=$(median <<<"$RATES_B")
  printf '%-32s %-10s %-10s %-28s %-28s %.2f\n' "$NAME" "$A" "$B" "$RATES_A" "$RATES_B" \
    "$(awk -v a="$MA" -v b="$MB" 'BEGIN { print b / a }')"
done
echo "$CONNS connections, $DURATION s per run, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$SKU_FILE"

#!/usr/bin/env bash
# Benchmark aid (not a test): what one order costs in CPU, not in wall time (which a shared
# machine distorts). Places the same 2-line personal orders as order_placement.sh through
# `huicai serve` with wrk at CONNS connections (16) for SECONDS_MEASURED seconds (10) after a WARMUP
# seconds (2) warm-up, counts the orders in the database, waits until their events are drained (relay and consumers included), then prints
# per order: the CPU time of the server, of MariaDB and of wrk (from /proc, user + system), and
# MariaDB's statements (Questions) and commits.
#
# PROFILER=callgrind runs the server under `valgrind --tool=callgrind` with instrumentation on
# only for the measured orders and prints the server's instructions (Ir) per order, the top
# functions (inclusive) and keeps the profile (callgrind_annotate it); the CPU times are then
# those of valgrind, not of the server. PROFILER=perf samples the server with `perf record -g`
# (software clock; no hardware counters needed) and prints the top symbols.
#
#   tests/bench/order_profile.sh [build-dir]
#   SECONDS_MEASURED=60 CONNS=16 PROFILER=callgrind tests/bench/order_profile.sh build
set -euo pipefail
BUILD=${1:-build}
DURATION=${SECONDS_MEASURED:-10}
WARMUP=${WARMUP:-2}
CONNS=${CONNS:-16}
PROFILER=${PROFILER:-none}
source "$(dirname "$0")/order_fixture.sh"
start_stack
MYSQLD=$(cat "${HUICAI_STACK_DIR:-$ROOT/.stack}/mysql/mysqld.pid")
make_catalog
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/huicai-profile-XXXX)}

case "$PROFILER" in
  callgrind)
    SERVER_WRAPPER="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$OUT_DIR/callgrind.out.%p"
    WAIT_SECONDS=120 ;;
  none | perf) ;;
  *) echo "PROFILER is none, callgrind or perf" >&2; exit 1 ;;
esac
start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT

LUA=$(mktemp /tmp/huicai-bench-XXXX.lua)
write_order_lua "$SKU_FILE" "$LUA"
BASE=$(account_base)
place() {  # <account> <seconds> <label>
  BENCH_TOKEN=$("$TOOL" token "$1") BENCH_KEY_PREFIX="$S-$3" \
    /usr/bin/time -f "%U %S" -o "$OUT_DIR/wrk.time" \
    wrk -t2 -c"$CONNS" -d"$2s" -s "$LUA" "http://127.0.0.1:$PORT" >"$OUT_DIR/wrk.$3.txt"
  drain
}
place "$BASE" "$WARMUP" warmup

ACCOUNT=$((BASE + 1))
Q0=$(status_value Questions); C0=$(status_value Com_commit)
sql "SHOW GLOBAL STATUS" >"$OUT_DIR/status.http.0"
S0=$(cpu_ticks "$SERVER"); M0=$(cpu_ticks "$MYSQLD")
case "$PROFILER" in
  callgrind) callgrind_control -i on "$SERVER" >/dev/null ;;
  perf) perf record -g -e cpu-clock -p "$SERVER" -o "$OUT_DIR/perf.data" >/dev/null 2>&1 &
        PERF=$!
        perf record -g -e cpu-clock -p "$MYSQLD" -o "$OUT_DIR/perf.mysqld.data" >/dev/null 2>&1 &
        PERF_MYSQLD=$! ;;
esac
# Lock waits while the orders run: every 0.2 s, which statement waits for which
# (information_schema.INNODB_LOCK_WAITS needs PROCESS: read through the stack's superuser socket).
SOCKET=${HUICAI_STACK_DIR:-$ROOT/.stack}/mysql/mysqld.sock
(
  while :; do
    mariadb --no-defaults --protocol=socket --socket="$SOCKET" -u "$(id -un)" -N -B -e "
      SELECT LEFT(REGEXP_REPLACE(COALESCE(r.trx_query, '(between statements)'), '[[:space:]]+', ' '), 70),
             LEFT(REGEXP_REPLACE(COALESCE(b.trx_query, '(between statements)'), '[[:space:]]+', ' '), 70)
      FROM information_schema.INNODB_LOCK_WAITS w
      JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
      JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id" 2>/dev/null || true
    sleep 0.2
  done
) >"$OUT_DIR/lock_waits.txt" &
SAMPLER=$!
place "$ACCOUNT" "$DURATION" measured
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true
case "$PROFILER" in
  callgrind) callgrind_control -d "$SERVER" >/dev/null; callgrind_control -i off "$SERVER" >/dev/null ;;
  perf) kill -INT "$PERF" "$PERF_MYSQLD"; wait "$PERF" "$PERF_MYSQLD" || true ;;
esac
S1=$(cpu_ticks "$SERVER"); M1=$(cpu_ticks "$MYSQLD")
Q1=$(status_value Questions); C1=$(status_value Com_commit)
sql "SHOW GLOBAL STATUS" >"$OUT_DIR/status.http.1"
N=$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = $ACCOUNT")
NON2XX=$(awk '/Non-2xx/ {print $5}' "$OUT_DIR/wrk.measured.txt"); NON2XX=${NON2XX:-0}
HZ=$(getconf CLK_TCK)
read -r WU WS <"$OUT_DIR/wrk.time"
echo "orders placed: $N (non-2xx answers: $NON2XX), $CONNS connections, profiler: $PROFILER"
awk -v n="$N" -v hz="$HZ" -v s=$((S1 - S0)) -v m=$((M1 - M0)) -v w="$WU" -v ws="$WS" \
  -v q=$((Q1 - Q0)) -v c=$((C1 - C0)) 'BEGIN {
    printf "CPU us/order: server %.0f  mariadb %.0f  wrk %.0f\n", s / hz / n * 1e6, m / hz / n * 1e6, (w + ws) / n * 1e6
    printf "statements/order %.1f  commits/order %.2f\n", q / n, c / n }'
if [[ "$PROFILER" == callgrind ]]; then
  PROFILE=$(ls -t "$OUT_DIR"/callgrind.out.* | head -1)
  IR=$(callgrind_annotate "$PROFILE" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "server instructions (Ir) per order: $((IR / N))   profile: $PROFILE"
  callgrind_annotate --inclusive=yes "$PROFILE" 2>/dev/null | sed -n '/^Ir/,$p' | head -60 || true
fi
if [[ "$PROFILER" == perf ]]; then
  for data in perf.data perf.mysqld.data; do
    echo "--- $data: top symbols (self)"
    perf report -i "$OUT_DIR/$data" --no-children -g none --stdio --sort dso,symbol 2>/dev/null |
      grep -v '^#' | grep '%' | cut -c1-150 | head -40 || true
  done
fi
# The fixed baseline (order_placement_tool baseline) for as long, the server stopped: MariaDB's
# CPU per order when it executes only the minimal order-shaped transaction.
kill -STOP "$SERVER"
M0=$(cpu_ticks "$MYSQLD")
sql "SHOW GLOBAL STATUS" >"$OUT_DIR/status.baseline.0"
/usr/bin/time -f "%U %S" -o "$OUT_DIR/tool.time" \
  "$TOOL" baseline "$CONNS" "$DURATION" "$((BASE + 2))" "$SKU_FILE" >"$OUT_DIR/baseline.json"
M1=$(cpu_ticks "$MYSQLD")
sql "SHOW GLOBAL STATUS" >"$OUT_DIR/status.baseline.1"
kill -CONT "$SERVER"
BN=$(sed -E 's/.*"orders":([0-9]+).*/\1/' "$OUT_DIR/baseline.json")
read -r TU TS <"$OUT_DIR/tool.time"
awk -v n="$BN" -v hz="$HZ" -v m=$((M1 - M0)) -v t="$TU" -v ts="$TS" 'BEGIN {
  printf "baseline: %d orders; CPU us/order: tool %.0f  mariadb %.0f\n", n, (t + ts) / n * 1e6, m / hz / n * 1e6 }'
# What MariaDB did per order on each side: statement kinds (Com_*), row operations
# (Handler_*, Innodb_rows_*), bytes from the client, and the redo log's writes, bytes and
# fsyncs (a commit group shares one: fewer transactions waiting at once, more fsyncs per order),
# where they differ.
per_order() {  # <prefix> <orders>
  awk -v n="$2" 'NR == FNR { before[$1] = $2; next } { d = $2 - before[$1]; if (d > 0) printf "%s %.2f\n", $1, d / n }' \
    "$OUT_DIR/status.$1.0" "$OUT_DIR/status.$1.1" | grep -E '^(Com_|Handler_|Innodb_rows_|Bytes_received|Innodb_os_log_written|Innodb_log_writes|Innodb_data_fsyncs)' | sort
}
echo "per order, http vs baseline (status counters that differ):"
join -a1 -a2 -e 0 -o 0,1.2,2.2 <(per_order http "$N") <(per_order baseline "$BN") |
  awk '$2 != $3 { printf "  %-32s %8s %8s\n", $1, $2, $3 }'
echo "lock waits seen (samples every 0.2 s; waiting statement <TAB> blocking statement):"
sort "$OUT_DIR/lock_waits.txt" | uniq -c | sort -rn | head -8 || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$LUA" "$SKU_FILE"

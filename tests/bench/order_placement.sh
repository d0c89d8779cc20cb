#!/usr/bin/env bash
# Benchmark (not a timed test): HTTP order placement (2 lines from 2 suppliers, an employee's
# personal order, through `huicai serve` with wrk) against a FIXED baseline: the minimal
# order-shaped transaction sent straight to the same MariaDB as prepared statements through
# Connector/C++, one round trip each (idempotency row, 2 conditional stock UPDATEs, order,
# 2 fulfilments, 2 lines, history, outbox, one COMMIT: tests/bench/order_placement_tool.cpp
# `baseline`; it never calls ordering's code, so it does not follow what the service executes).
# Same concurrency and connections for both, in alternating rounds (ROUNDS, at least 3), at 16
# and 64 connections. During a baseline round the server is stopped (SIGSTOP) after its relay and
# consumers have drained the HTTP round's events, so its background workers are quiet.
#
# Rates count only 201s (orders committed, counted in the database); non-2xx answers are printed
# separately. Each ratio line also gives the CPU time spent per order on each side (HTTP: server,
# MariaDB and wrk until the round's events are drained; baseline: the tool and MariaDB) and their
# ratio: on a CPU-bound machine the rates follow it, and it varies less than they do when other
# work shares the machine. For every HTTP round it also prints the SQL statements (Questions) and commits
# (Com_commit, Handler_commit) MariaDB executed per order, and the InnoDB row lock waits of the
# round (Innodb_row_lock_waits), from SHOW GLOBAL STATUS deltas taken from the start of the round
# until its events are drained (so the relay's and the consumers' work is counted too). After the rounds, a scarce-SKU round (64 connections ordering 2 SKUs of
# SCARCE units each) must sell exactly the stock and refuse the rest with 409. Then consistency
# checks over everything the run did. The load average is printed with the numbers: the machine
# may be shared.
#
#   tests/bench/order_placement.sh [build-dir]      (default: build; a Release build is best)
#   DURATION=10 ROUNDS=3 WARMUP=3 POOL_SIZE=16 tests/bench/order_placement.sh build-release
#
# SUPPLIERS suppliers (50) with SKUS_PER_SUPPLIER SKUs each (20), every order 1 unit of a random
# SKU of each of two different random suppliers, so orders rarely queue on the same stock row.
# Fixture: catalog rows inserted with the admin MySQL user (the bench's stage, like the
# integration tests; ordering never writes catalog tables), plus an ordering_stock row of
# STOCK units per SKU. Orders are placed by fresh account ids per round.
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}  # seconds of each path before the measured rounds (0 = none)
SCARCE=${SCARCE:-300}
(( ROUNDS >= 3 )) || { echo "ROUNDS must be at least 3" >&2; exit 1; }
source "$(dirname "$0")/order_fixture.sh"

start_stack
MYSQLD=$(cat "${HUICAI_STACK_DIR:-$ROOT/.stack}/mysql/mysqld.pid")
HZ=$(getconf CLK_TCK)
TIMES=$(mktemp /tmp/huicai-bench-XXXX.times)
# CPU seconds (user + system) that /usr/bin/time wrote to $TIMES.
timed_seconds() { awk '{print $1 + $2}' "$TIMES"; }

# --- fixture -------------------------------------------------------------------------------
make_catalog
echo "$SUPPLIERS suppliers x $SKUS_PER_SUPPLIER SKUs = $SKU_COUNT SKUs, $STOCK units each; 2 lines from 2 suppliers per order"
BASE=$(account_base)
ACCOUNTS=()

# --- the server ------------------------------------------------------------------------------
start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT

LUA=$(mktemp /tmp/huicai-bench-XXXX.lua)
write_order_lua "$SKU_FILE" "$LUA"
HTTP_ACCOUNTS=()
# --- warm-up, not measured: both paths once at 16 connections, so that neither's first round
# pays for what is cold after a start (the server's pricing cache and prepared statements,
# MariaDB's pages of this run's SKUs). Its orders are checked with the others at the end.
if (( WARMUP > 0 )); then
  ACCOUNT=$((BASE + 997)); ACCOUNTS+=("$ACCOUNT"); HTTP_ACCOUNTS+=("$ACCOUNT")
  BENCH_TOKEN=$("$TOOL" token "$ACCOUNT") BENCH_KEY_PREFIX="$S-warmup" \
    wrk -t2 -c16 -d"${WARMUP}s" -s "$LUA" "http://127.0.0.1:$PORT" >/dev/null
  drain
  ACCOUNT=$((BASE + 998)); ACCOUNTS+=("$ACCOUNT")
  kill -STOP "$SERVER"
  "$TOOL" baseline 16 "$WARMUP" "$ACCOUNT" "$SKU_FILE" >/dev/null
  kill -CONT "$SERVER"
fi
printf '%-5s %-5s %-8s %9s %9s %9s %8s %10s %9s %9s %10s\n' round conns path orders/s p50_ms p99_ms non2xx stmts/order commits h_commits lock_waits
declare -A MIN_RATIO
for ROUND in $(seq "$ROUNDS"); do
  for CONNS in 16 64; do
    # HTTP: wrk (2 threads on this 2-core machine), a fresh buyer per round.
    ACCOUNT=$((BASE + ROUND * 1000 + CONNS)); ACCOUNTS+=("$ACCOUNT"); HTTP_ACCOUNTS+=("$ACCOUNT")
    Q0=$(status_value Questions); C0=$(status_value Com_commit); H0=$(status_value Handler_commit)
    W0=$(status_value Innodb_row_lock_waits)
    TOKEN=$("$TOOL" token "$ACCOUNT")
    SERVER_T0=$(cpu_ticks "$SERVER"); MYSQLD_T0=$(cpu_ticks "$MYSQLD")
    T0=$(date +%s.%N)
    OUT=$(BENCH_TOKEN=$TOKEN BENCH_KEY_PREFIX="$S-$ROUND-$CONNS" /usr/bin/time -f "%U %S" -o "$TIMES" \
      wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$LUA" "http://127.0.0.1:$PORT")
    T1=$(date +%s.%N)
    drain
    HTTP_TICKS=$(( $(cpu_ticks "$SERVER") - SERVER_T0 + $(cpu_ticks "$MYSQLD") - MYSQLD_T0 ))
    HTTP_SECONDS=$(awk -v t="$HTTP_TICKS" -v hz="$HZ" -v w="$(timed_seconds)" 'BEGIN {print t / hz + w}')
    Q1=$(status_value Questions); C1=$(status_value Com_commit); H1=$(status_value Handler_commit)
    W1=$(status_value Innodb_row_lock_waits)
    P50=$(awk '$1 == "50%" {print $2}' <<<"$OUT")
    P99=$(awk '$1 == "99%" {print $2}' <<<"$OUT")
    NON2XX=$(awk '/Non-2xx/ {print $5}' <<<"$OUT"); NON2XX=${NON2XX:-0}
    CREATED=$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = $ACCOUNT")
    HTTP_RATE=$(awk -v n="$CREATED" -v a="$T0" -v b="$T1" 'BEGIN {printf "%.0f", n / (b - a)}')
    PER=$(awk -v q=$((Q1 - Q0)) -v c=$((C1 - C0)) -v h=$((H1 - H0)) -v w=$((W1 - W0)) -v n="$CREATED" \
      'BEGIN { if (n == 0) n = 1; printf "%10.1f %9.2f %9.2f %10d", q / n, c / n, h / n, w }')
    printf '%-5s %-5s %-8s %9s %9s %9s %8s %s\n' "$ROUND" "$CONNS" http "$HTTP_RATE" "$P50" "$P99" "$NON2XX" "$PER"

    # Baseline: same concurrency and connections, server stopped (its workers quiet).
    ACCOUNT=$((BASE + ROUND * 1000 + CONNS + 1)); ACCOUNTS+=("$ACCOUNT")
    kill -STOP "$SERVER"
    MYSQLD_T0=$(cpu_ticks "$MYSQLD")
    DIRECT=$(/usr/bin/time -f "%U %S" -o "$TIMES" "$TOOL" baseline "$CONNS" "$DURATION" "$ACCOUNT" "$SKU_FILE")
    BASE_SECONDS=$(awk -v t="$(( $(cpu_ticks "$MYSQLD") - MYSQLD_T0 ))" -v hz="$HZ" -v w="$(timed_seconds)" 'BEGIN {print t / hz + w}')
    kill -CONT "$SERVER"
    D_RATE=$(sed -E 's/.*"orders_per_second":([0-9.]+).*/\1/' <<<"$DIRECT")
    D_P50=$(sed -E 's/.*"p50_ms":([0-9.]+).*/\1/' <<<"$DIRECT")
    D_P99=$(sed -E 's/.*"p99_ms":([0-9.]+).*/\1/' <<<"$DIRECT")
    D_ERR=$(sed -E 's/.*"errors":([0-9]+).*/\1/' <<<"$DIRECT")
    printf '%-5s %-5s %-8s %9.0f %9s %9s %8s\n' "$ROUND" "$CONNS" baseline "$D_RATE" "${D_P50}ms" "${D_P99}ms" "$D_ERR"
    RATIO=$(awk -v h="$HTTP_RATE" -v d="$D_RATE" 'BEGIN {printf "%.2f", h / d}')
    D_ORDERS=$(sed -E 's/.*"orders":([0-9]+).*/\1/' <<<"$DIRECT")
    CPU=$(awk -v hs="$HTTP_SECONDS" -v hn="$CREATED" -v bs="$BASE_SECONDS" -v bn="$D_ORDERS" 'BEGIN {
      if (hn == 0) hn = 1; if (bn == 0) bn = 1; h = hs / hn * 1e6; b = bs / bn * 1e6
      printf "CPU per order: http %.0f us, baseline %.0f us (baseline/http %.2f)", h, b, b / h }')
    echo "                     ratio http/baseline: $RATIO   $CPU   (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    if [[ -z "${MIN_RATIO[$CONNS]:-}" ]] || awk -v r="$RATIO" -v m="${MIN_RATIO[$CONNS]}" 'BEGIN {exit !(r < m)}'; then
      MIN_RATIO[$CONNS]=$RATIO
    fi
  done
done
echo "lowest ratio: ${MIN_RATIO[16]} at 16 connections, ${MIN_RATIO[64]} at 64 (acceptance: >= 0.8 in every round)"

# --- scarce SKUs: stock runs out -------------------------------------------------------------
SCARCE_SKUS=$(sql "SELECT GROUP_CONCAT(sku_id ORDER BY sku_id) FROM (SELECT MIN(st.sku_id) AS sku_id FROM ordering_stock st WHERE st.supplier_id IN ($SUPPLIER_IDS) GROUP BY st.supplier_id ORDER BY st.supplier_id LIMIT 2) two")
SCARCE_FILE=$(mktemp /tmp/huicai-bench-XXXX.skus)
sql "SELECT p.supplier_id, s.id FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE s.id IN ($SCARCE_SKUS) ORDER BY p.supplier_id" >"$SCARCE_FILE"
# Start the scarce SKUs over with SCARCE units: earlier rounds' orders on them stay reserved or
# sold, so the scarce round's own account is the one that must get exactly SCARCE orders.
SCARCE_BEFORE=$(sql "SELECT GROUP_CONCAT(CONCAT(sku_id, ':', available + reserved + sold)) FROM ordering_stock WHERE sku_id IN ($SCARCE_SKUS)")
sql "UPDATE ordering_stock SET available = $SCARCE WHERE sku_id IN ($SCARCE_SKUS)"
write_order_lua "$SCARCE_FILE" "$LUA"
ACCOUNT=$((BASE + 999)); SCARCE_ACCOUNT=$ACCOUNT; ACCOUNTS+=("$ACCOUNT")
OUT=$(BENCH_TOKEN=$("$TOOL" token "$ACCOUNT") BENCH_KEY_PREFIX="$S-scarce" \
  wrk -t2 -c64 -d5s -s "$LUA" "http://127.0.0.1:$PORT")
drain
SCARCE_NON2XX=$(awk '/Non-2xx/ {print $5}' <<<"$OUT"); SCARCE_NON2XX=${SCARCE_NON2XX:-0}
SCARCE_CREATED=$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = $ACCOUNT")
echo "scarce round: 2 SKUs x $SCARCE units, 64 connections, 5 s: $SCARCE_CREATED orders (201), $SCARCE_NON2XX refused (non-2xx)"

# --- consistency -----------------------------------------------------------------------------
IN=$(IFS=,; echo "${ACCOUNTS[*]}")
FAIL=0
check() { if [[ "$2" == "$3" ]]; then echo "ok    $1 ($2)"; else echo "FAIL  $1: $2 != $3"; FAIL=1; fi; }
STOCK_ROWS="ordering_stock st WHERE st.supplier_id IN ($SUPPLIER_IDS)"
check "every other SKU: available + reserved + sold = initial ($((SKU_COUNT - 2)) SKUs)" \
  "$(sql "SELECT COUNT(*) FROM $STOCK_ROWS AND st.sku_id NOT IN ($SCARCE_SKUS) AND st.available + st.reserved + st.sold = $STOCK")" "$((SKU_COUNT - 2))"
check "scarce SKUs: sold out, nothing oversold" \
  "$(sql "SELECT COUNT(*) FROM ordering_stock WHERE sku_id IN ($SCARCE_SKUS) AND available = 0")" 2
check "scarce round: exactly $SCARCE orders (each takes 1 unit of both SKUs)" "$SCARCE_CREATED" "$SCARCE"
check "scarce round: the rest refused" "$(( SCARCE_NON2XX > 0 ))" 1
check "every SKU: reserved = quantity on open orders" \
  "$(sql "SELECT COUNT(*) FROM $STOCK_ROWS AND st.reserved = COALESCE((SELECT open.quantity FROM (SELECT l.sku_id, SUM(l.quantity) AS quantity FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE o.buyer_account_id IN ($IN) AND o.status = 'pending_payment' GROUP BY l.sku_id) open WHERE open.sku_id = st.sku_id), 0)")" "$SKU_COUNT"
check "units sold or reserved = units on the run's orders" \
  "$(sql "SELECT COALESCE(SUM(st.reserved + st.sold), 0) FROM $STOCK_ROWS")" \
  "$(sql "SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE o.buyer_account_id IN ($IN)")"
check "every order's 2 lines are from 2 different suppliers" \
  "$(sql "SELECT COUNT(DISTINCT f.order_id) FROM ordering_fulfilments f JOIN ordering_orders o ON o.id = f.order_id WHERE o.buyer_account_id IN ($IN)")" \
  "$(sql "SELECT COUNT(*) FROM (SELECT f.order_id FROM ordering_fulfilments f JOIN ordering_orders o ON o.id = f.order_id WHERE o.buyer_account_id IN ($IN) GROUP BY f.order_id HAVING COUNT(DISTINCT f.supplier_id) = 2) two")"
check "Σ order totals = Σ line totals" \
  "$(sql "SELECT COALESCE(SUM(total_fen), 0) FROM ordering_orders WHERE buyer_account_id IN ($IN)")" \
  "$(sql "SELECT COALESCE(SUM(l.line_total_fen), 0) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE o.buyer_account_id IN ($IN)")"
check "Σ fulfilment subtotals = Σ order totals" \
  "$(sql "SELECT COALESCE(SUM(f.subtotal_fen), 0) FROM ordering_fulfilments f JOIN ordering_orders o ON o.id = f.order_id WHERE o.buyer_account_id IN ($IN)")" \
  "$(sql "SELECT COALESCE(SUM(total_fen), 0) FROM ordering_orders WHERE buyer_account_id IN ($IN)")"
check "every order has 2 fulfilments and 2 lines" \
  "$(sql "SELECT COUNT(*) * 2 FROM ordering_orders WHERE buyer_account_id IN ($IN)")" \
  "$(sql "SELECT COUNT(*) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE o.buyer_account_id IN ($IN)")"
HTTP_IN=$(IFS=,; echo "${HTTP_ACCOUNTS[*]},$SCARCE_ACCOUNT")
check "one order_placed event per HTTP order id" \
  "$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id IN ($HTTP_IN)")" \
  "$(sql "SELECT COUNT(*) FROM (SELECT o.id FROM ordering_orders o JOIN ordering_outbox x ON x.aggregate_id = CAST(o.id AS CHAR) AND x.event_type = 'ordering.order_placed.v1' WHERE o.buyer_account_id IN ($HTTP_IN) GROUP BY o.id HAVING COUNT(*) = 1) once")"
check "every idempotency row of the run completed" \
  "$(sql "SELECT COUNT(*) FROM ordering_idempotency_keys WHERE account_id IN ($IN,$SCARCE_ACCOUNT) AND status <> 'completed'")" 0
check "one idempotency row per order" \
  "$(sql "SELECT COUNT(*) FROM ordering_idempotency_keys WHERE account_id IN ($IN,$SCARCE_ACCOUNT) AND response_status = 201")" \
  "$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id IN ($IN,$SCARCE_ACCOUNT)")"
echo "(scarce SKUs before the scarce round, total units: $SCARCE_BEFORE)"
rm -f "$LUA" "$SKU_FILE" "$SCARCE_FILE" "$TIMES"
exit $FAIL

#!/usr/bin/env bash
# Benchmark (not a timed test): order placement (2 lines from 2 suppliers, an employee's personal
# order) through HTTP with wrk at 16 and 64 connections, beside the same SQL transaction run
# directly against MariaDB at the same concurrency (tests/bench/order_placement_tool.cpp runs
# ordering's own place_order() through a pool of that many connections). Prints orders/s, p50,
# p99 and the ratio, then checks that stock and order totals are consistent.
#
#   tests/bench/order_placement.sh [build-dir]      (default: build; a Release build is best)
#   DURATION=20 POOL_SIZE=16 tests/bench/order_placement.sh build-release
#   MODE=hot tests/bench/order_placement.sh           (every order on the same two SKUs)
#
# MODE=spread (default): SUPPLIERS suppliers (50) with SKUS_PER_SUPPLIER SKUs each (20), every
# order 1 unit of a random SKU of each of two different random suppliers, so orders rarely queue
# on the same stock row. MODE=hot: two suppliers with one SKU each, every order on both, so all
# orders queue on two stock rows (the rate is then bounded by that row-lock queue).
# Fixture: catalog rows inserted with the admin MySQL user (the bench's stage, like the
# integration tests; ordering never writes catalog tables), plus an ordering_stock row of
# STOCK units per SKU. Orders are placed by fresh account ids. The direct baseline runs the same
# transaction on the same SKU choice (order_placement_tool reads the SKU list this script writes).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HUICAI="$BUILD/services/all_in_one/huicai"
TOOL="$BUILD/services/ordering/order_placement_tool"
DURATION=${DURATION:-15}
PORT=${PORT:-18090}
POOL_SIZE=${POOL_SIZE:-16}
MODE=${MODE:-spread}
case "$MODE" in
  spread) SUPPLIERS=${SUPPLIERS:-50}; SKUS_PER_SUPPLIER=${SKUS_PER_SUPPLIER:-20}; STOCK=1000000 ;;
  hot) SUPPLIERS=2; SKUS_PER_SUPPLIER=1; STOCK=10000000 ;;
  *) echo "MODE must be spread or hot" >&2; exit 1 ;;
esac
(( SUPPLIERS >= 2 && SKUS_PER_SUPPLIER >= 1 )) || { echo "need SUPPLIERS >= 2, SKUS_PER_SUPPLIER >= 1" >&2; exit 1; }
# Its own database (provisioned and migrated by stack.sh like the demo's), so benchmark suppliers,
# SKUs and tens of thousands of orders never show up in the demo (huicai) or the tests' database.
export HUICAI_MYSQL_DATABASE=${HUICAI_MYSQL_DATABASE:-huicai_bench}
MYSQL=(mysql -h127.0.0.1 -P"${HUICAI_MYSQL_PORT:-13306}" -uhuicai_admin -phuicai-admin-dev "$HUICAI_MYSQL_DATABASE" -N -B)
for binary in "$HUICAI" "$TOOL"; do
  [[ -x "$binary" ]] || { echo "missing $binary: ninja -C $BUILD huicai order_placement_tool" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

"$ROOT/deploy/stack.sh" start --migrate "$HUICAI" >/dev/null 2>&1

# --- fixture -------------------------------------------------------------------------------
S="b$(( $(date +%s) % 100000000 ))$(( RANDOM % 100 ))"
sql() { "${MYSQL[@]}" -e "$1"; }
insert() { sql "$1; SELECT LAST_INSERT_ID();"; }
COUNTY=$(insert "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES ('$S', '压测县$S', '陕西省', '榆林市', 'designated')")
CATEGORY=$(insert "INSERT INTO catalog_categories (code, name, path) VALUES ('$S', '压测$S', '/$S/')")
# Suppliers, then products and SKUs, each kind in one multi-row INSERT (named by run suffix).
VALUES=()
for i in $(seq "$SUPPLIERS"); do
  VALUES+=("($COUNTY, '压测合作社$i-$S', 'cooperative', 'active', '李四', '13900000000')")
done
sql "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, contact_phone) VALUES $(IFS=,; echo "${VALUES[*]}")"
SUPPLIER_IDS=$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM catalog_suppliers WHERE county_id = $COUNTY")
VALUES=()
for SUPPLIER in ${SUPPLIER_IDS//,/ }; do
  for k in $(seq "$SKUS_PER_SUPPLIER"); do
    VALUES+=("($SUPPLIER, $COUNTY, $CATEGORY, '压测小米$k-$SUPPLIER-$S', 'listed')")
  done
done
sql "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) VALUES $(IFS=,; echo "${VALUES[*]}")"
# Prices 15.50-44.49 yuan, varying per product.
sql "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) SELECT id, '标准装', '袋', 500, 1550 + id % 2900 FROM catalog_products WHERE county_id = $COUNTY"
sql "INSERT INTO ordering_stock (sku_id, supplier_id, available) SELECT s.id, p.supplier_id, $STOCK FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $COUNTY"
SKU_FILE=$(mktemp /tmp/huicai-bench-XXXX.skus)
sql "SELECT p.supplier_id, s.id FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $COUNTY ORDER BY p.supplier_id, s.id" >"$SKU_FILE"
SKU_COUNT=$(wc -l <"$SKU_FILE")
echo "mode $MODE: $SUPPLIERS suppliers x $SKUS_PER_SUPPLIER SKUs = $SKU_COUNT SKUs, $STOCK units each; 2 lines from 2 suppliers per order"
BASE=$(( ($(date +%s) % 100000) * 10000 + RANDOM % 1000 * 10 ))
ACCOUNTS=()

# --- the server ------------------------------------------------------------------------------
LOG=$(mktemp /tmp/huicai-bench-XXXX.log)
HUICAI_HTTP_PORT=$PORT HUICAI_ACCESS_LOG=false HUICAI_MYSQL_POOL_SIZE=$POOL_SIZE \
  HUICAI_ORDER_SWEEP_INTERVAL_MS=0 HUICAI_ORDER_PLACEMENTS_PER_MINUTE=0 "$HUICAI" serve >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

LUA=$(mktemp /tmp/huicai-bench-XXXX.lua)
# The SKU list as a Lua table of per-supplier arrays.
SKU_TABLE=$(awk 'BEGIN { printf "{" } $1 != last { if (NR > 1) printf "},"; printf "{"; last = $1; sep = "" } { printf "%s%s", sep, $2; sep = "," } END { print "}}" }' "$SKU_FILE")
cat >"$LUA" <<LUA
-- Each request a fresh Idempotency-Key: thread id + counter (+ run suffix), and 1 unit of a
-- random SKU of each of two different random suppliers (the same choice as the direct tool).
local skus = $SKU_TABLE
local counter = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) math.randomseed(tid * 7919 + os.time()) end
function request()
  counter = counter + 1
  local first = math.random(#skus)
  local second = (first + math.random(#skus - 1) - 1) % #skus + 1
  local a = skus[first][math.random(#skus[first])]
  local b = skus[second][math.random(#skus[second])]
  return wrk.format("POST", "/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
    ["Idempotency-Key"] = "$S-" .. tid .. "-" .. counter,
  }, '{"fund_plan":"personal","lines":[{"sku_id":' .. a .. ',"quantity":1},{"sku_id":' .. b .. ',"quantity":1}]}')
end
LUA

printf '%-6s %-11s %10s %9s %9s %7s\n' conns path orders/s p50_ms p99_ms errors
declare -A RATE
for CONNS in 16 64; do
  # HTTP: wrk (2 threads on this 2-core machine), a fresh buyer per run.
  ACCOUNT=$((BASE + CONNS)); ACCOUNTS+=("$ACCOUNT")
  OUT=$(BENCH_TOKEN=$("$TOOL" token "$ACCOUNT") wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$LUA" "http://127.0.0.1:$PORT")
  HTTP_RATE=$(awk '/Requests\/sec/ {print $2}' <<<"$OUT")
  P50=$(awk '$1 == "50%" {print $2}' <<<"$OUT")
  P99=$(awk '$1 == "99%" {print $2}' <<<"$OUT")
  NON2XX=$(awk '/Non-2xx/ {print $5}' <<<"$OUT"); NON2XX=${NON2XX:-0}
  CREATED=$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = $ACCOUNT")
  printf '%-6s %-11s %10s %9s %9s %7s   (%s orders created)\n' "$CONNS" http "$HTTP_RATE" "$P50" "$P99" "$NON2XX" "$CREATED"
  # Direct: the same transaction, same concurrency, no HTTP.
  ACCOUNT=$((BASE + CONNS + 1)); ACCOUNTS+=("$ACCOUNT")
  DIRECT=$("$TOOL" direct "$CONNS" "$DURATION" "$ACCOUNT" "$SKU_FILE")
  D_RATE=$(sed -E 's/.*"orders_per_second":([0-9.]+).*/\1/' <<<"$DIRECT")
  D_P50=$(sed -E 's/.*"p50_ms":([0-9.]+).*/\1/' <<<"$DIRECT")
  D_P99=$(sed -E 's/.*"p99_ms":([0-9.]+).*/\1/' <<<"$DIRECT")
  D_ERR=$(sed -E 's/.*"errors":([0-9]+).*/\1/' <<<"$DIRECT")
  printf '%-6s %-11s %10s %9s %9s %7s\n' "$CONNS" direct "$D_RATE" "${D_P50}ms" "${D_P99}ms" "$D_ERR"
  RATE[$CONNS]=$(awk -v h="$HTTP_RATE" -v d="$D_RATE" 'BEGIN {printf "%.2f", h / d}')
  echo "       ratio http/direct at $CONNS connections: ${RATE[$CONNS]}"
done

# --- consistency -----------------------------------------------------------------------------
IN=$(IFS=,; echo "${ACCOUNTS[*]}")
FAIL=0
check() { if [[ "$2" == "$3" ]]; then echo "ok    $1 ($2)"; else echo "FAIL  $1: $2 != $3"; FAIL=1; fi; }
STOCK_ROWS="ordering_stock st WHERE st.supplier_id IN ($SUPPLIER_IDS)"
check "every SKU: available + reserved + sold = initial ($SKU_COUNT SKUs)" \
  "$(sql "SELECT COUNT(*) FROM $STOCK_ROWS AND st.available + st.reserved + st.sold = $STOCK")" "$SKU_COUNT"
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
check "one order_placed event per order" \
  "$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id IN ($IN)")" \
  "$(sql "SELECT COUNT(*) FROM ordering_outbox x JOIN ordering_orders o ON x.aggregate_id = CAST(o.id AS CHAR) WHERE o.buyer_account_id IN ($IN) AND x.event_type = 'ordering.order_placed.v1'")"
rm -f "$LUA" "$SKU_FILE"
exit $FAIL

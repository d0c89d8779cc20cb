#!/usr/bin/env bash
# Benchmark (not a timed test): a holiday morning (春节, 扶贫日 on 17 October, 中秋) when
# employees all shop at once. DURATION seconds (60) at CONNS connections (64), each one employee
# repeating a visit through `huicai serve` (tests/bench/holiday_peak_tool.cpp): browse with varied
# queries, a product page, 2 SKUs into the cart, the cart, order the cart, payment intent, sandbox
# confirm, and the channel's signed callback (its delivery worker sends the same callback too).
# Prints per route the rate of 2xx answers, p50 and p99 latency and the 4xx / 5xx counts, then the
# consistency checks; exits 1 when any 5xx was answered or a check fails. The load average is
# printed with the numbers: the machine may be shared.
#
#   tests/bench/holiday_peak.sh [build-dir]
#   DURATION=20 CONNS=32 tests/bench/holiday_peak.sh build
#
# Catalog: order_fixture.sh's (SUPPLIERS x SKUS_PER_SUPPLIER SKUs of STOCK units, CERTIFIED).
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-60}
CONNS=${CONNS:-64}
source "$(dirname "$0")/order_fixture.sh"
PEAK_TOOL="$BUILD/tests/holiday_peak_tool"
[[ -x "$PEAK_TOOL" ]] || { echo "missing $PEAK_TOOL: deploy/build.sh holiday_peak_tool" >&2; exit 1; }

start_stack
make_catalog
PEAK_SKUS=$(mktemp /tmp/huicai-bench-XXXX.skus)
sql "SELECT p.supplier_id, s.id, p.id FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $COUNTY ORDER BY p.supplier_id, s.id" >"$PEAK_SKUS"
# Search queries: words of the run's titles ('压测小米<k>-<supplier>-<suffix>': CJK unigrams and
# bigrams, numbers), the suffix, and words of the demo catalog or of nothing.
TERMS=$(mktemp /tmp/huicai-bench-XXXX.terms)
{
  printf '%s\n' 小米 压测 压测小米 测小 米 "$S" 苹果 核桃 红枣 茶叶 不存在的商品
  for k in $(seq "$SKUS_PER_SUPPLIER"); do echo "小米 $k"; done
} >"$TERMS"
echo "$SUPPLIERS suppliers x $SKUS_PER_SUPPLIER SKUs = $SKU_COUNT SKUs, $STOCK units each; $CONNS employees for $DURATION s"

BASE=$(account_base)
export HUICAI_PAYMENT_SANDBOX=true HUICAI_PAYMENT_REQUESTS_PER_MINUTE=0
start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -f "$SKU_FILE" "$PEAK_SKUS" "$TERMS"' EXIT

# The bench's answers are no sample of the API contract (tests/contract): record none.
OUT=$(HUICAI_CONTRACT_LOG_DIR="" "$PEAK_TOOL" "$PORT" "$DURATION" "$CONNS" "$BASE" "$PEAK_SKUS" "$TERMS")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$OUT"
echo "load average: $LOAD"

# Let the relay, the consumers and the callback deliveries finish.
drain
for _ in $(seq 600); do
  [[ $(sql "SELECT COUNT(*) FROM ordering_callback_deliveries WHERE status = 'pending'") == 0 ]] && break
  sleep 0.1
done

# --- consistency -----------------------------------------------------------------------------
ACCOUNTS="o.buyer_account_id BETWEEN $BASE AND $((BASE + CONNS - 1))"
FAIL=0
check() { if [[ "$2" == "$3" ]]; then echo "ok    $1 ($2)"; else echo "FAIL  $1: $2 != $3"; FAIL=1; fi; }
SERVER_ERRORS=$(sed -nE 's/^5xx: ([0-9]+).*/\1/p' <<<"$OUT")
check "no 5xx answer" "$SERVER_ERRORS" 0
ORDERS=$(sql "SELECT COUNT(*) FROM ordering_orders o WHERE $ACCOUNTS")
PAID=$(sql "SELECT COUNT(*) FROM ordering_orders o WHERE $ACCOUNTS AND o.status = 'paid'")
echo "orders placed: $ORDERS, of them paid: $PAID"
STOCK_ROWS="ordering_stock st WHERE st.supplier_id IN ($SUPPLIER_IDS)"
# Units per SKU on the run's orders in the statuses $1 (only the run's buyers order its SKUs).
units_by_sku() { echo "SELECT l.sku_id, SUM(l.quantity) AS quantity FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE $ACCOUNTS AND o.status IN ($1) GROUP BY l.sku_id"; }
check "every SKU: available + reserved + sold = initial" \
  "$(sql "SELECT COUNT(*) FROM $STOCK_ROWS AND st.available + st.reserved + st.sold = $STOCK")" "$SKU_COUNT"
# Stock stays reserved until the supplier ships (paid orders included); nothing ships here.
check "every SKU: reserved = quantity on orders placed or paid" \
  "$(sql "SELECT COUNT(*) FROM $STOCK_ROWS AND st.reserved = COALESCE((SELECT q.quantity FROM ($(units_by_sku "'pending_payment', 'paid'")) q WHERE q.sku_id = st.sku_id), 0)")" "$SKU_COUNT"
check "every SKU: nothing sold (sold counts shipped units)" \
  "$(sql "SELECT COUNT(*) FROM $STOCK_ROWS AND st.sold = 0")" "$SKU_COUNT"
check "one order_placed event per order id" "$ORDERS" \
  "$(sql "SELECT COUNT(*) FROM (SELECT o.id FROM ordering_orders o JOIN ordering_outbox x ON x.aggregate_id = CAST(o.id AS CHAR) AND x.event_type = 'ordering.order_placed.v1' WHERE $ACCOUNTS GROUP BY o.id HAVING COUNT(*) = 1) once")"
check "one order_paid event per paid order (callbacks applied once)" "$PAID" \
  "$(sql "SELECT COUNT(*) FROM (SELECT o.id FROM ordering_orders o JOIN ordering_outbox x ON x.aggregate_id = CAST(o.id AS CHAR) AND x.event_type = 'ordering.order_paid.v1' WHERE $ACCOUNTS GROUP BY o.id HAVING COUNT(*) = 1) once")"
check "one succeeded payment per paid order" "$PAID" \
  "$(sql "SELECT COUNT(*) FROM ordering_payments p JOIN ordering_orders o ON o.id = p.order_id WHERE $ACCOUNTS AND p.status = 'succeeded'")"
check "every idempotency row of the run completed" \
  "$(sql "SELECT COUNT(*) FROM ordering_idempotency_keys WHERE account_id BETWEEN $BASE AND $((BASE + CONNS - 1)) AND status <> 'completed'")" 0
check "one stored 201 per order" "$ORDERS" \
  "$(sql "SELECT COUNT(*) FROM ordering_idempotency_keys WHERE account_id BETWEEN $BASE AND $((BASE + CONNS - 1)) AND response_status = 201 AND idempotency_key NOT LIKE '%-pay'")"
check "Σ order totals = Σ line totals" \
  "$(sql "SELECT COALESCE(SUM(o.total_fen), 0) FROM ordering_orders o WHERE $ACCOUNTS")" \
  "$(sql "SELECT COALESCE(SUM(l.line_total_fen), 0) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE $ACCOUNTS")"
check "events drained (outbox published)" \
  "$(sql "SELECT COUNT(*) FROM ordering_outbox WHERE published_at IS NULL")" 0
exit $FAIL

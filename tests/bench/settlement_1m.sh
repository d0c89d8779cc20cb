#!/usr/bin/env bash
# Benchmark (not a timed test): settlement over LINES order lines (1,000,000): statement
# generation (settlement's generate_statements, tests/bench/settlement_statements_bench.cpp) and a
# full reconciliation (`huicai reconcile`), each under /usr/bin/time -v (wall time, peak RSS),
# side by side with a FIXED baseline in the same run: a bare SQL GROUP BY over the same rows with
# the mariadb client (what the supplier totals cost when nothing else is checked or written).
# Reconciliation is timed twice: as the command runs it (its sides on separate connections at
# once) and with `--connections 1` (one after another, as the HTTP endpoint runs them): the
# second is the work done, the first the wait. Generation has a second reference, the bare write
# of one item row per fulfilment as the design before ADR 0026 did (see WRITE_FLOOR).
#
#   tests/bench/settlement_1m.sh [build-dir]         (default: build)
#   LINES=200000 RUNS=3 tests/bench/settlement_1m.sh
#
# The rows are written with INSERT ... SELECT from MariaDB's sequence engine (seq_1_to_N), not
# through HTTP: LINES/4 paid unit orders of 4 lines, 2 fulfilments per order (500 suppliers in 9
# counties), all accepted, with the ledger postings ordering's events would have made (order_paid,
# acceptance) and settlement's fulfilment rows, so reconciliation must come out exact. Its own
# database (huicai_settle_bench), dropped and migrated at the start. The load average is printed
# with the numbers: the machine may be shared, timings are noisy; the ratios are what to read.
set -euo pipefail
export HUICAI_ENV=development
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HUICAI="$BUILD/services/all_in_one/huicai"
TOOL="$BUILD/tests/bench/settlement_statements_bench"
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
(( LINES % 4 == 0 && LINES >= 4000 )) || { echo "LINES must be a multiple of 4, at least 4000" >&2; exit 1; }
for binary in "$HUICAI" "$TOOL"; do
  [[ -x "$binary" ]] || { echo "missing $binary: ninja -C $BUILD huicai settlement_statements_bench" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is not installed (Debian package: time)" >&2; exit 1; }
export HUICAI_MYSQL_DATABASE=huicai_settle_bench
MYSQL=(mysql -h127.0.0.1 -P"${HUICAI_MYSQL_PORT:-13306}" -uhuicai_admin -phuicai-admin-dev)
sql() { "${MYSQL[@]}" -N -B "$HUICAI_MYSQL_DATABASE" -e "$1"; }

"${MYSQL[@]}" -e "DROP DATABASE IF EXISTS $HUICAI_MYSQL_DATABASE" 2>/dev/null || true
"$ROOT/deploy/stack.sh" start --migrate "$HUICAI" >/dev/null 2>&1

# --- the rows ------------------------------------------------------------------------------
ORDERS=$(( LINES / 4 ))
FULFILMENTS=$(( LINES / 2 ))
# Amount of line k of order n; the order's total; a fulfilment f's order, supplier, county and
# subtotal (f odd: lines 1-2 of order (f+1)/2, f even: lines 3-4); paid in November 2026.
line() { echo "(1000 + ((7 * ($1) + 13 * ($2)) % 5000))"; }
TOTAL="($(line seq 1) + $(line seq 2) + $(line seq 3) + $(line seq 4))"
F_ORDER="((seq + 1) DIV 2)"
F_HALF="(1 - seq % 2)"
F_SUPPLIER="(1 + seq % 500)"
F_COUNTY="(1 + (1 + seq % 500) % 9)"
F_SUBTOTAL="($(line "$F_ORDER" "2 * $F_HALF + 1") + $(line "$F_ORDER" "2 * $F_HALF + 2"))"
PAID="(TIMESTAMP('2026-11-01 02:00:00') + INTERVAL (%s %% 28) DAY)"
ORDER_PAID=$(printf "$PAID" seq)
F_PAID=$(printf "$PAID" "$F_ORDER")
echo "generating $LINES order lines ($ORDERS orders, $FULFILMENTS fulfilments) ..."
started=$(date +%s)
sql "SET unique_checks = 0;
INSERT INTO ordering_orders (id, buyer_account_id, buyer_kind, unit_id, unit_path, status,
  fund_plan, total_fen, budget_fen, budget_year, line_count, created_at, updated_at, paid_at)
SELECT seq, seq, 'unit', 1, '/1/', 'completed', 'unit_budget', $TOTAL, $TOTAL, 2026, 4,
  $ORDER_PAID, $ORDER_PAID, $ORDER_PAID FROM seq_1_to_$ORDERS;
INSERT INTO ordering_fulfilments (id, order_id, supplier_id, county_id, status, subtotal_fen,
  accepted_fen, accepted_at)
SELECT seq, $F_ORDER, $F_SUPPLIER, $F_COUNTY, 'accepted', $F_SUBTOTAL, $F_SUBTOTAL,
  $F_PAID + INTERVAL 1 HOUR FROM seq_1_to_$FULFILMENTS;
INSERT INTO ordering_order_lines (id, order_id, fulfilment_id, sku_id, product_id, supplier_id,
  county_id, category_id, product_title, quantity, unit_price_fen, line_total_fen, certified)
SELECT seq, n, f, 1, 1, 1 + f % 500, 1 + (1 + f % 500) % 9, 1, '压测小米', 1, amount, amount, 1
FROM (SELECT seq, (seq + 3) DIV 4 AS n, 2 * ((seq + 3) DIV 4) - 1 + ((seq - 1) % 4 >= 2) AS f,
  $(line "(seq + 3) DIV 4" "(seq - 1) % 4 + 1") AS amount FROM seq_1_to_$LINES) AS l;
INSERT INTO settlement_accounts (id, code, kind, fund_source, unit_id)
VALUES (1, 'fund:unit_budget:unit:1', 'fund_source', 'unit_budget', 1);
INSERT INTO settlement_accounts (id, code, kind, supplier_id, county_id)
SELECT 1 + seq, CONCAT('payable_unaccepted:supplier:', seq), 'payable_unaccepted', seq,
  1 + seq % 9 FROM seq_1_to_500
UNION ALL SELECT 501 + seq, CONCAT('payable_due:supplier:', seq), 'payable_due', seq,
  1 + seq % 9 FROM seq_1_to_500;
INSERT INTO settlement_postings (id, kind, reference_id, order_id, occurred_at)
SELECT seq, 'order_paid', seq, seq, $ORDER_PAID FROM seq_1_to_$ORDERS;
INSERT INTO settlement_postings (id, kind, reference_id, order_id, fulfilment_id, occurred_at)
SELECT $ORDERS + seq, 'acceptance', seq, $F_ORDER, seq, $F_PAID + INTERVAL 1 HOUR
FROM seq_1_to_$FULFILMENTS;
INSERT INTO settlement_entries (posting_id, account_id, side, amount_fen)
SELECT seq, 1, 'D', $TOTAL FROM seq_1_to_$ORDERS;
INSERT INTO settlement_entries (posting_id, account_id, side, amount_fen, supplier_id, county_id)
SELECT $F_ORDER, 1 + $F_SUPPLIER, 'C', $F_SUBTOTAL, $F_SUPPLIER, $F_COUNTY
FROM seq_1_to_$FULFILMENTS;
INSERT INTO settlement_entries (posting_id, account_id, side, amount_fen, supplier_id, county_id)
SELECT $ORDERS + seq, 1 + $F_SUPPLIER, 'D', $F_SUBTOTAL, $F_SUPPLIER, $F_COUNTY
FROM seq_1_to_$FULFILMENTS;
INSERT INTO settlement_entries (posting_id, account_id, side, amount_fen, supplier_id, county_id)
SELECT $ORDERS + seq, 501 + $F_SUPPLIER, 'C', $F_SUBTOTAL, $F_SUPPLIER, $F_COUNTY
FROM seq_1_to_$FULFILMENTS;
INSERT INTO settlement_fulfilments (fulfilment_id, order_id, supplier_id, county_id, unit_id,
  buyer_kind, paid_fen, paid_at, accepted_fen, accepted_at, accepted_seq, due_date)
SELECT seq, $F_ORDER, $F_SUPPLIER, $F_COUNTY, 1, 'unit', $F_SUBTOTAL, $F_PAID, $F_SUBTOTAL,
  $F_PAID + INTERVAL 1 HOUR, $ORDERS + seq, DATE($F_PAID + INTERVAL 9 HOUR) + INTERVAL 60 DAY
FROM seq_1_to_$FULFILMENTS;
ANALYZE TABLE ordering_orders, ordering_order_lines, settlement_entries, settlement_postings,
  settlement_fulfilments, settlement_accounts;" >/dev/null
echo "generated in $(( $(date +%s) - started )) s: $(sql "SELECT COUNT(*) FROM ordering_settlement_lines") lines, $(sql "SELECT COUNT(*) FROM settlement_entries") ledger entries"

# --- measurements --------------------------------------------------------------------------
# Runs a command under /usr/bin/time -v; prints "<wall seconds> <peak RSS KiB>".
measure() {
  local report
  report=$(mktemp)
  /usr/bin/time -v -o "$report" "$@" >/dev/null
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
              /Maximum resident set size/ { rss = $2 }
              END { printf "%.3f %d\n", wall, rss }' "$report"
  rm -f "$report"
}
BASELINE_RECONCILE="SELECT l.supplier_id, MIN(l.county_id), SUM(l.line_total_fen - l.refunded_fen) FROM ordering_settlement_lines l GROUP BY l.supplier_id"
# The same GROUP BY with the join order reconciliation's ordering side uses (the lines in their
# own order, each order by its key): printed beside the baseline so the ratio is not read as
# more than it is (the baseline keeps the optimizer's own plan, as before).
BASELINE_STRAIGHT="SELECT STRAIGHT_JOIN l.supplier_id, MIN(l.county_id), SUM(l.line_total_fen - l.refunded_fen) FROM ordering_settlement_lines l GROUP BY l.supplier_id"
BASELINE_STATEMENTS="SELECT f.supplier_id, MIN(f.county_id), SUM(f.accepted_fen), COUNT(*) FROM settlement_fulfilments f WHERE f.accepted_at IS NOT NULL GROUP BY f.supplier_id"
# A month's first generation: no statement yet.
reset_statements() {
  sql "TRUNCATE settlement_statements;"
}
# A second reference for generation, beside the GROUP BY: what the design before ADR 0026 could
# not go below, writing one item row per fulfilment: INSERT ... SELECT of every accepted
# fulfilment into an empty copy of the 0402 items table (same columns and indexes), no
# statements, no checks. Generation now writes one row per supplier instead.
WRITE_FLOOR="CREATE TABLE bench_items_floor LIKE settlement_statement_items_0402;
INSERT INTO bench_items_floor (statement_id, item_kind, source_id, order_id, fulfilment_id,
  amount_fen, occurred_at, due_date) SELECT f.supplier_id, 'acceptance', f.fulfilment_id,
  f.order_id, f.fulfilment_id, f.accepted_fen, f.accepted_at, f.due_date
FROM settlement_fulfilments f WHERE f.accepted_at IS NOT NULL;"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %-28s %10s %12s %8s\n' run measurement wall_s peak_rss_kib ratio
for run in $(seq "$RUNS"); do
  read -r base_wall base_rss < <(measure "${MYSQL[@]}" -N -B "$HUICAI_MYSQL_DATABASE" -e "$BASELINE_RECONCILE")
  read -r straight_wall straight_rss < <(measure "${MYSQL[@]}" -N -B "$HUICAI_MYSQL_DATABASE" -e "$BASELINE_STRAIGHT")
  read -r rec_wall rec_rss < <(measure "$HUICAI" reconcile)
  read -r one_wall one_rss < <(measure "$HUICAI" reconcile --connections 1)
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "baseline GROUP BY lines" "$base_wall" "$base_rss" 1.00
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "GROUP BY lines, lines first" "$straight_wall" "$straight_rss" "$(ratio "$straight_wall" "$base_wall")"
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "huicai reconcile" "$rec_wall" "$rec_rss" "$(ratio "$rec_wall" "$base_wall")"
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "reconcile --connections 1" "$one_wall" "$one_rss" "$(ratio "$one_wall" "$base_wall")"
  reset_statements
  read -r sbase_wall sbase_rss < <(measure "${MYSQL[@]}" -N -B "$HUICAI_MYSQL_DATABASE" -e "$BASELINE_STATEMENTS")
  read -r gen_wall gen_rss < <(measure "$TOOL" 2026-11-01)
  # The next month's generation with November's statements in place: each supplier's new items
  # are read as ranges after its held region (none here), not by walking its history.
  read -r next_wall next_rss < <(measure "$TOOL" 2026-12-01)
  sql "DROP TABLE IF EXISTS bench_items_floor"
  read -r floor_wall floor_rss < <(measure "${MYSQL[@]}" -N -B "$HUICAI_MYSQL_DATABASE" -e "$WRITE_FLOOR")
  sql "DROP TABLE bench_items_floor"
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "baseline GROUP BY accepted" "$sbase_wall" "$sbase_rss" 1.00
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "statement generation" "$gen_wall" "$gen_rss" "$(ratio "$gen_wall" "$sbase_wall")"
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "next month's generation" "$next_wall" "$next_rss" "$(ratio "$next_wall" "$sbase_wall")"
  printf '%-5s %-28s %10s %12s %8s\n' "$run" "item rows (0402 design)" "$floor_wall" "$floor_rss" "$(ratio "$floor_wall" "$sbase_wall")"
done
# With the statements in place, reconciliation must still be exact (statements = accepted).
"$HUICAI" reconcile | tail -1
echo "statements: $(sql "SELECT COUNT(*), SUM(item_count), SUM(amount_fen) FROM settlement_statements") (count, items, fen); ordering net: $(sql "SELECT SUM(line_total_fen - refunded_fen) FROM ordering_settlement_lines") fen"
# The statements' items as every reader sees them (the predicate view), against their totals.
echo "statement items by the view: $(sql "SELECT COUNT(*), SUM(amount_fen) FROM settlement_statement_items") (items, fen)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

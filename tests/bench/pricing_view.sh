#!/usr/bin/env bash
# Benchmark (not a timed test): the order path's pricing read with holiday campaigns
# (catalog_sku_pricing as 0320 re-creates it, LEFT JOIN of the SKU's campaign row whose window
# holds now) against a BASELINE in the same script: the same view as 0310 defined it (no
# campaign columns), created here as bench_pricing_0310 from the 0310 migration's text.
# Straight on MariaDB (no HTTP, no C++), so the numbers isolate the view: N lookups of 2 random
# SKUs each, inside a stored procedure, in alternating rounds (ROUNDS, at least 3). Each lookup
# aggregates every column ordering reads (so the certificate subqueries and the campaign join
# run), as a prepared statement like ordering's. Prints µs per lookup and handler reads per
# lookup (SHOW SESSION STATUS deltas), with the load average: the machine may be shared.
#
#   HUICAI_MYSQL_PORT=23306 tests/bench/pricing_view.sh
#   N=20000 ROUNDS=3 SUPPLIERS=50 SKUS_PER_SUPPLIER=20 tests/bench/pricing_view.sh
#
# Fixture (its own database huicai_bench, like the order benchmarks): SUPPLIERS x
# SKUS_PER_SUPPLIER listed SKUs, half the products and suppliers certified, and campaign rows
# for CAMPAIGN_SHARE % of the SKUs (default 50): of those, a third in an active window, a third
# ended, a third upcoming, so the join finds, skips past and skips ahead.
set -euo pipefail
N=${N:-20000}
ROUNDS=${ROUNDS:-3}
SUPPLIERS=${SUPPLIERS:-50}
SKUS_PER_SUPPLIER=${SKUS_PER_SUPPLIER:-20}
CAMPAIGN_SHARE=${CAMPAIGN_SHARE:-50}
(( ROUNDS >= 3 )) || { echo "ROUNDS must be at least 3" >&2; exit 1; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DB=${HUICAI_MYSQL_DATABASE:-huicai_bench}
MYSQL=(mysql -h127.0.0.1 -P"${HUICAI_MYSQL_PORT:-13306}" -uhuicai_admin -phuicai-admin-dev "$DB" -N -B)
sql() { "${MYSQL[@]}" -e "$1"; }
insert() { sql "$1; SELECT LAST_INSERT_ID();"; }
sql "SELECT 1 FROM catalog_campaign_skus LIMIT 0" ||
  { echo "database $DB is not migrated to 0320: deploy/stack.sh start --migrate <huicai>" >&2; exit 1; }

# --- fixture -------------------------------------------------------------------------------
S="p$(( $(date +%s) % 100000000 ))$(( RANDOM % 100 ))"
COUNTY=$(insert "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES ('$S', '定价县$S', '陕西省', '榆林市', 'designated')")
CATEGORY=$(insert "INSERT INTO catalog_categories (code, name, path) VALUES ('$S', '定价$S', '/$S/')")
values=()
for i in $(seq "$SUPPLIERS"); do values+=("($COUNTY, '定价合作社$i-$S', 'cooperative', 'active', '李四', '13900000000')"); done
sql "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, contact_phone) VALUES $(IFS=,; echo "${values[*]}")"
sql "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) SELECT s.id, $COUNTY, $CATEGORY, CONCAT('定价小米', n.k, '-', s.id), 'listed' FROM catalog_suppliers s JOIN (SELECT seq AS k FROM seq_1_to_$SKUS_PER_SUPPLIER) n WHERE s.county_id = $COUNTY"
sql "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) SELECT id, '标准装', '袋', 500, 1550 + id % 2900 FROM catalog_products WHERE county_id = $COUNTY"
sql "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, county_id, valid_from, valid_to) SELECT CONCAT('$S-P', id), '认定机构', 'product', id, county_id, CURRENT_DATE - INTERVAL 30 DAY, CURRENT_DATE + INTERVAL 300 DAY FROM catalog_products WHERE county_id = $COUNTY AND id % 2 = 0"
sql "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, county_id, valid_from, valid_to) SELECT CONCAT('$S-S', id), '认定机构', 'supplier', id, county_id, CURRENT_DATE - INTERVAL 30 DAY, CURRENT_DATE + INTERVAL 200 DAY FROM catalog_suppliers WHERE county_id = $COUNTY AND id % 2 = 1"
for edge in active ended upcoming; do
  case $edge in
    active) window="UTC_TIMESTAMP(6) - INTERVAL 1 DAY, UTC_TIMESTAMP(6) + INTERVAL 1 DAY"; pick=0 ;;
    ended) window="UTC_TIMESTAMP(6) - INTERVAL 9 DAY, UTC_TIMESTAMP(6) - INTERVAL 2 DAY"; pick=1 ;;
    upcoming) window="UTC_TIMESTAMP(6) + INTERVAL 2 DAY, UTC_TIMESTAMP(6) + INTERVAL 9 DAY"; pick=2 ;;
  esac
  CAMPAIGN=$(insert "INSERT INTO catalog_campaigns (code, name, kind, starts_at, ends_at) VALUES ('$S-$edge', '压测$edge', 'other', $window)")
  sql "INSERT INTO catalog_campaign_skus (campaign_id, sku_id, product_id, base_price_fen, price_fen, stock_cap, starts_at, ends_at) SELECT c.id, s.id, s.product_id, s.price_fen, s.price_fen - 100, 1000, c.starts_at, c.ends_at FROM catalog_campaigns c JOIN catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE c.id = $CAMPAIGN AND p.county_id = $COUNTY AND s.id % 100 < $CAMPAIGN_SHARE AND s.id % 3 = $pick"
done
RANGE=$(sql "SELECT MIN(s.id), MAX(s.id) FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $COUNTY")
read -r LO HI <<<"$RANGE"
echo "$(( SUPPLIERS * SKUS_PER_SUPPLIER )) SKUs ($LO-$HI), campaign rows: $(sql "SELECT COUNT(*) FROM catalog_campaign_skus WHERE sku_id BETWEEN $LO AND $HI"); $N lookups of 2 SKUs per round"

# --- the baseline view (0310's text under another name) and the lookup loop -------------------
sed -n '/^CREATE OR REPLACE/,$p' "$ROOT/db/migrations/0310_catalog_sku_pricing_view.sql" |
  sed 's/VIEW catalog_sku_pricing AS/VIEW bench_pricing_0310 AS/' | "${MYSQL[@]}"
COLUMNS="SUM(price_fen + product_id + supplier_id + county_id + category_id + net_weight_grams + is_orderable), MAX(product_title), MAX(sku_spec), MAX(sale_unit), MAX(product_certificate), MAX(supplier_certificate)"
sql "DROP PROCEDURE IF EXISTS bench_pricing"
"${MYSQL[@]}" <<SQL
DELIMITER //
CREATE PROCEDURE bench_pricing(IN with_campaign INT, IN n INT, IN lo BIGINT, IN hi BIGINT)
BEGIN
  DECLARE i INT DEFAULT 0;
  IF with_campaign = 1 THEN
    PREPARE lookup FROM 'SELECT $COLUMNS, SUM(COALESCE(campaign_id, 0) + COALESCE(campaign_price_fen, 0) + COALESCE(campaign_stock_cap, 0)) INTO @a, @b, @c, @d, @e, @f, @g FROM catalog_sku_pricing WHERE sku_id IN (?, ?)';
  ELSE
    PREPARE lookup FROM 'SELECT $COLUMNS, 0 INTO @a, @b, @c, @d, @e, @f, @g FROM bench_pricing_0310 WHERE sku_id IN (?, ?)';
  END IF;
  WHILE i < n DO
    SET @x = lo + FLOOR(RAND() * (hi - lo + 1));
    SET @y = lo + FLOOR(RAND() * (hi - lo + 1));
    EXECUTE lookup USING @x, @y;
    SET i = i + 1;
  END WHILE;
  DEALLOCATE PREPARE lookup;
END//
DELIMITER ;
SQL
# Answers agree where no campaign applies (a sanity check of the baseline).
DIFF=$(sql "SELECT COUNT(*) FROM catalog_sku_pricing n JOIN bench_pricing_0310 o ON o.sku_id = n.sku_id WHERE n.sku_id BETWEEN $LO AND $HI AND (n.price_fen <> o.price_fen OR NOT (n.product_certificate <=> o.product_certificate) OR NOT (n.supplier_certificate <=> o.supplier_certificate))")
ACTIVE=$(sql "SELECT COUNT(*) FROM catalog_sku_pricing WHERE sku_id BETWEEN $LO AND $HI AND campaign_id IS NOT NULL")
echo "views disagree on $DIFF SKUs (must be 0); $ACTIVE SKUs priced by an active campaign now"

round() {  # with_campaign -> "µs_per_lookup handler_reads_per_lookup"
  "${MYSQL[@]}" -e "
    SELECT SUM(VARIABLE_VALUE) INTO @r0 FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME LIKE 'HANDLER_READ%';
    SET @t0 = SYSDATE(6);
    CALL bench_pricing($1, $N, $LO, $HI);
    SELECT SUM(VARIABLE_VALUE) INTO @r1 FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME LIKE 'HANDLER_READ%';
    SELECT ROUND(TIMESTAMPDIFF(MICROSECOND, @t0, SYSDATE(6)) / $N, 1), ROUND((@r1 - @r0) / $N, 2);"
}
printf '%-6s %-22s %12s %16s %s\n' round view us/lookup handler_reads load
for r in $(seq "$ROUNDS"); do
  read -r base_us base_reads <<<"$(round 0)"
  printf '%-6s %-22s %12s %16s %s\n' "$r" "0310 (baseline)" "$base_us" "$base_reads" "$(cut -d' ' -f1-3 /proc/loadavg)"
  read -r new_us new_reads <<<"$(round 1)"
  printf '%-6s %-22s %12s %16s %s\n' "$r" "0320 (campaigns)" "$new_us" "$new_reads" "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "       ratio 0320/0310: $(awk -v a="$new_us" -v b="$base_us" 'BEGIN{printf "%.2f", a/b}') time, $(awk -v a="$new_reads" -v b="$base_reads" 'BEGIN{printf "%.2f", a/b}') handler reads"
done
sql "DROP PROCEDURE IF EXISTS bench_pricing; DROP VIEW IF EXISTS bench_pricing_0310"

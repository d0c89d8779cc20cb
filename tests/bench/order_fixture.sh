# shellcheck shell=bash
# Shared by the order benchmarks (sourced, not run): settings, the catalog fixture, the server,
# waiting for its events to drain. The sourcing script sets `set -euo pipefail` and BUILD.
#
# Fixture: SUPPLIERS suppliers (50) with SKUS_PER_SUPPLIER SKUs each (20) of one county and
# category named by the run suffix S, inserted with the admin MySQL user (the bench's stage, like
# the integration tests; ordering never writes catalog tables), plus an ordering_stock row of
# STOCK units per SKU. SKU_FILE lists "<supplier_id> <sku_id>" per line. With CERTIFIED=1 (the
# default; aid products are certified), every other product has a product-scope certification
# valid today and an expired one, and every other supplier a supplier-scope one valid today, so
# pricing reads certifications as it does in production.

# The local stack's built-in secrets: a benchmark runs against it, never against production.
export HUICAI_ENV=development
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HUICAI="$BUILD/services/all_in_one/huicai"
TOOL=${TOOL:-"$BUILD/services/ordering/order_placement_tool"}  # a sourcing script may name its own
PORT=${PORT:-18090}
POOL_SIZE=${POOL_SIZE:-16}
SUPPLIERS=${SUPPLIERS:-50}
SKUS_PER_SUPPLIER=${SKUS_PER_SUPPLIER:-20}
STOCK=${STOCK:-1000000}
CERTIFIED=${CERTIFIED:-1}
(( SUPPLIERS >= 2 && SKUS_PER_SUPPLIER >= 1 )) || { echo "need SUPPLIERS >= 2, SKUS_PER_SUPPLIER >= 1" >&2; exit 1; }
# Its own database (provisioned and migrated by stack.sh like the demo's), so benchmark suppliers,
# SKUs and tens of thousands of orders never show up in the demo (huicai) or the tests' database;
# and its own Redis database: on the demo's (0), a benchmark server's consumer groups, which have
# the demo's names, would take the running demo's events and apply them to the benchmark's
# database (and the demo's would apply the benchmark's events to the demo).
export HUICAI_MYSQL_DATABASE=${HUICAI_MYSQL_DATABASE:-huicai_bench}
export HUICAI_REDIS_DATABASE=${HUICAI_REDIS_DATABASE:-2}
MYSQL=(mysql -h127.0.0.1 -P"${HUICAI_MYSQL_PORT:-13306}" -uhuicai_admin -phuicai-admin-dev "$HUICAI_MYSQL_DATABASE" -N -B)
# Redis's application user (the default user is off); the password goes through the environment.
export REDISCLI_AUTH=${HUICAI_REDIS_PASSWORD:-huicai-redis-dev}
REDIS=(redis-cli -h 127.0.0.1 -p "${HUICAI_REDIS_PORT:-16379}" --user "${HUICAI_REDIS_USER:-huicai}" -n "$HUICAI_REDIS_DATABASE")
for binary in "$HUICAI" "$TOOL"; do
  [[ -x "$binary" ]] || { echo "missing $binary: ninja -C $BUILD huicai order_placement_tool" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

sql() { "${MYSQL[@]}" -e "$1"; }
insert() { sql "$1; SELECT LAST_INSERT_ID();"; }
status_value() { sql "SHOW GLOBAL STATUS LIKE '$1'" | awk '{print $2}'; }

# Creates the catalog and stock of the run; sets S, COUNTY, CATEGORY, SUPPLIER_IDS, SKU_FILE,
# SKU_COUNT.
make_catalog() {
  S="b$(( $(date +%s) % 100000000 ))$(( RANDOM % 100 ))"
  COUNTY=$(insert "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES ('$S', '压测县$S', '陕西省', '榆林市', 'designated')")
  CATEGORY=$(insert "INSERT INTO catalog_categories (code, name, path) VALUES ('$S', '压测$S', '/$S/')")
  # Suppliers, then products and SKUs, each kind in one multi-row INSERT (named by run suffix).
  local values=() supplier i k
  for i in $(seq "$SUPPLIERS"); do
    values+=("($COUNTY, '压测合作社$i-$S', 'cooperative', 'active', '李四', '13900000000')")
  done
  sql "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, contact_phone) VALUES $(IFS=,; echo "${values[*]}")"
  SUPPLIER_IDS=$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM catalog_suppliers WHERE county_id = $COUNTY")
  values=()
  for supplier in ${SUPPLIER_IDS//,/ }; do
    for k in $(seq "$SKUS_PER_SUPPLIER"); do
      values+=("($supplier, $COUNTY, $CATEGORY, '压测小米$k-$supplier-$S', 'listed')")
    done
  done
  sql "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) VALUES $(IFS=,; echo "${values[*]}")"
  # Prices 15.50-44.49 yuan, varying per product.
  sql "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) SELECT id, '标准装', '袋', 500, 1550 + id % 2900 FROM catalog_products WHERE county_id = $COUNTY"
  if [[ "$CERTIFIED" == 1 ]]; then
    sql "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, county_id, valid_from, valid_to) SELECT CONCAT('$S-P', id), '压测认定机构', 'product', id, county_id, CURRENT_DATE - INTERVAL 30 DAY, CURRENT_DATE + INTERVAL 300 DAY FROM catalog_products WHERE county_id = $COUNTY AND id % 2 = 0"
    sql "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, county_id, valid_from, valid_to) SELECT CONCAT('$S-X', id), '压测认定机构', 'product', id, county_id, CURRENT_DATE - INTERVAL 400 DAY, CURRENT_DATE - INTERVAL 35 DAY FROM catalog_products WHERE county_id = $COUNTY AND id % 2 = 0"
    sql "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, county_id, valid_from, valid_to) SELECT CONCAT('$S-S', id), '压测认定机构', 'supplier', id, county_id, CURRENT_DATE - INTERVAL 30 DAY, CURRENT_DATE + INTERVAL 200 DAY FROM catalog_suppliers WHERE county_id = $COUNTY AND id % 2 = 1"
  fi
  sql "INSERT INTO ordering_stock (sku_id, supplier_id, available) SELECT s.id, p.supplier_id, $STOCK FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $COUNTY"
  SKU_FILE=$(mktemp /tmp/huicai-bench-XXXX.skus)
  sql "SELECT p.supplier_id, s.id FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $COUNTY ORDER BY p.supplier_id, s.id" >"$SKU_FILE"
  SKU_COUNT=$(wc -l <"$SKU_FILE")
}

# Starts `huicai serve` on PORT in the background (prefixed by the words of SERVER_WRAPPER, e.g.
# valgrind), sets SERVER and LOG, and waits until /healthz answers (at most WAIT_SECONDS, 10).
start_server() {
  LOG=$(mktemp /tmp/huicai-bench-XXXX.log)
  HUICAI_HTTP_PORT=$PORT HUICAI_ACCESS_LOG=false HUICAI_MYSQL_POOL_SIZE=$POOL_SIZE \
    HUICAI_ORDER_SWEEP_INTERVAL_MS=0 HUICAI_ORDER_PLACEMENTS_PER_MINUTE=0 \
    ${SERVER_WRAPPER:-} "$HUICAI" serve >"$LOG" 2>&1 &
  SERVER=$!
  local tries=$(( ${WAIT_SECONDS:-10} * 10 ))
  for _ in $(seq "$tries"); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not answer on port $PORT; its log:" >&2
  tail -20 "$LOG" >&2
  exit 1
}

# Starts the local stack (idempotent) and applies pending migrations. The benchmark database
# keeps what earlier runs wrote, like a production database that has grown: on an empty one,
# the aid feed's p99 was 20-50 % worse in rounds 2 and 3 (tables growing from nothing; which
# cost it is was not found out), and that is not the state the system runs in.
start_stack() { "$ROOT/deploy/stack.sh" start --migrate "$HUICAI" >/dev/null 2>&1; }

# A base for the run's account ids (fresh buyers, hence fresh idempotency keys, per run).
account_base() { echo $(( ($(date +%s) % 100000) * 10000 + RANDOM % 1000 * 10 )); }

# Writes to file $2 the wrk script of the benchmark order: each request a fresh Idempotency-Key
# (BENCH_KEY_PREFIX + thread id + counter), 1 unit of a random SKU of each of two different random
# suppliers of SKU file $1 (the same choice as the baseline), a personal order of BENCH_TOKEN.
write_order_lua() {
  cat >"$2" <<LUA
local skus = $(lua_skus "$1")
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
    ["Idempotency-Key"] = os.getenv("BENCH_KEY_PREFIX") .. "-" .. tid .. "-" .. counter,
  }, '{"fund_plan":"personal","lines":[{"sku_id":' .. a .. ',"quantity":1},{"sku_id":' .. b .. ',"quantity":1}]}')
end
LUA
}

# The SKU list of file $1 as a Lua table of per-supplier arrays.
lua_skus() { awk 'BEGIN { printf "{" } $1 != last { if (NR > 1) printf "},"; printf "{"; last = $1; sep = "" } { printf "%s%s", sep, $2; sep = "," } END { print "}}" }' "$1"; }

# Waits until the server's relay has published everything and the consumer groups of the ordering
# stream have nothing pending or unread (at most DRAIN_SECONDS, 120).
drain() {
  local tries=$(( ${DRAIN_SECONDS:-120} * 10 )) unpublished lag
  for _ in $(seq "$tries"); do
    unpublished=$(sql "SELECT COUNT(*) FROM ordering_outbox WHERE published_at IS NULL")
    # Behind = entries pending, or a group whose last delivered id is not the stream's last id.
    # (Redis's own `lag` is not used: it drifts once consumers take entries over with XCLAIM.)
    last=$("${REDIS[@]}" XINFO STREAM 'huicai:{ordering}:events' 2>/dev/null |
      awk 'prev == "last-generated-id" { print $1 } { prev = $1 }')
    lag=$("${REDIS[@]}" XINFO GROUPS 'huicai:{ordering}:events' 2>/dev/null |
      awk -v last="$last" 'prev == "pending" { sum += $1 }
        prev == "last-delivered-id" && $1 != last { sum += 1 } { prev = $1 } END { print sum + 0 }')
    [[ "$unpublished" == 0 && "$lag" == 0 ]] && return 0
    sleep 0.1
  done
  echo "warning: events not drained after ${DRAIN_SECONDS:-120} s" >&2
}

# CPU time (user + system) of process $1 and its threads so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

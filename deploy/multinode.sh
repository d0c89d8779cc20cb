#!/usr/bin/env bash
# Huicai on several nodes, on one machine (loopback only): MariaDB as a 3-node Galera cluster,
# Redis with a replica, two instances of every service (each instance on "its" Galera node with
# the other two as fallbacks, HUICAI_MYSQL_FALLBACK_HOSTS) behind the nginx gateway of
# deploy/nginx. `run` drives the order workload through the gateway, stops a Galera node and a
# service instance mid-run and checks the invariants afterwards (docs/scale-out.md, "Multi-node
# run"). Everything runs as this user's own processes under .multinode/ of the checkout.
#
#   deploy/multinode.sh run [--short]   up, workload, faults, checks, down; exit 0 = all passed
#   deploy/multinode.sh up | down | status
#
# Settings (environment, defaults in brackets):
#   HUICAI_BUILD_DIR [<checkout>/build]       where the huicai binaries are
#   HUICAI_MULTINODE_DIR [<checkout>/.multinode]
#   HUICAI_MULTINODE_BASE_PORT [HUICAI_MYSQL_PORT rounded down to 100, plus 100: 13400]
#       the 100 ports from there: Galera nodes +11..+13 (MySQL), +21..+23 (group communication),
#       +31..+33 (IST), +41..+43 (SST); Redis +51 (primary), +52 (replica); services +61..+70;
#       gateway +80
#   MULTINODE_THREADS [16]                    client threads of the workload
#   MULTINODE_RATE_SECONDS [30, short 8]      each throughput phase (1 instance, 2 instances)
#   MULTINODE_FAULT_SECONDS [90, short 30]    the phase with the faults
#   MULTINODE_KEEP [0]                        1: `run` leaves the cluster up afterwards
#   MULTINODE_WRITERS [spread]                spread: instance k writes to node k (the others
#       its fallbacks), so Galera certifies real conflicts, and `run` stops node 2; one: every
#       instance writes to node 1 (fallbacks 2, 3), and `run` stops node 1
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# live_pid, wait_exit and the MariaDB set-up this script shares with deploy/stack.sh.
source "$root/deploy/mariadb_server.sh"
build=${HUICAI_BUILD_DIR:-$root/build}
dir=${HUICAI_MULTINODE_DIR:-$root/.multinode}
mysql_port_hint=${HUICAI_MYSQL_PORT:-13306}
base=${HUICAI_MULTINODE_BASE_PORT:-$((mysql_port_hint / 100 * 100 + 100))}
threads=${MULTINODE_THREADS:-16}
writers=${MULTINODE_WRITERS:-spread}
case $writers in one) fault_node=1 ;; spread) fault_node=2 ;; *) echo "MULTINODE_WRITERS: one or spread" >&2; exit 2 ;; esac
# Every process below gets its settings from this script alone, not from the caller's shell
# (a test runner's HUICAI_MYSQL_DATABASE or HUICAI_REDIS_DATABASE would split the cluster).
for variable in $(compgen -e | grep '^HUICAI_' || true); do
  case $variable in HUICAI_BUILD_DIR | HUICAI_MULTINODE_*) ;; *) unset "$variable" ;; esac
done
export HUICAI_ENV=development # the cluster runs with the local stack's built-in secrets
database=huicai
admin_user=huicai_admin admin_password=huicai-admin-dev
app_user=huicai app_password=huicai-dev
redis_user=huicai redis_password=huicai-redis-dev
services=(identity catalog ordering settlement aidstats)
galera=/usr/lib/galera/libgalera_smm.so
os_user=$(id -un)

node_port() { echo $((base + 10 + $1)); }
gcomm_port() { echo $((base + 20 + $1)); }
redis_primary=$((base + 51))
redis_replica=$((base + 52))
gateway_port=$((base + 80))
# Instance 1 or 2 of service number i (0-based in $services).
service_port() { echo $((base + 61 + 2 * $1 + $2 - 1)); }

say() { echo "multinode: $*"; }
fail() {
  echo "multinode: error: $*" >&2
  exit 1
}

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local limit=$1 waited=0
  shift
  until "$@" >/dev/null 2>&1; do
    ((waited >= limit * 10)) && return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

stop_pid_file() {
  local file=$1 what=$2 pid
  pid=$(live_pid "$file") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_exit "$pid" 60 || fail "$what (pid $pid) did not stop within 60 s"
  say "$what stopped"
}

# ---------------------------------------------------------------- Galera

node_dir() { echo "$dir/galera$1"; }
node_sql() {
  local node=$1
  shift
  mariadb --no-defaults --protocol=socket --socket="$(node_dir "$node")/mysqld.sock" -u "$os_user" "$@"
}
node_answers() { node_sql "$1" -N -B -e "SELECT 1" >/dev/null 2>&1; }
node_state() { node_sql "$1" -N -B -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2; }
node_synced() { [ "$(node_state "$1")" = Synced ]; }
cluster_size() { node_sql "$1" -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2; }

write_node_config() {
  local n=$1 d members=
  d=$(node_dir "$n")
  for m in 1 2 3; do members+="${members:+,}127.0.0.1:$(gcomm_port "$m")"; done
  mariadb_write_config "$d" "$(node_port "$n")" 128M 48M 300
  cat >>"$d/my.cnf" <<EOF
# deploy/multinode.sh: Galera node $n of 3 on loopback. Row events, interleaved AUTO_INCREMENT
# (wsrep_auto_increment_control, the default), every node takes writes; conflicting
# transactions fail certification with 1213 at COMMIT, which the services' pool retries.
binlog_format = ROW
innodb_autoinc_lock_mode = 2
wsrep_on = ON
wsrep_provider = $galera
wsrep_cluster_name = huicai
wsrep_cluster_address = gcomm://$members
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(gcomm_port "$n")
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$((base + 30 + n));gcache.size=128M"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$((base + 40 + n))
wsrep_slave_threads = 2
EOF
}

# start_node N [bootstrap]
start_node() {
  local n=$1 bootstrap=${2:-} d
  d=$(node_dir "$n")
  mkdir -p "$d"
  if live_pid "$d/mysqld.pid" >/dev/null && node_answers "$n"; then return 0; fi
  write_node_config "$n"
  mariadb_install "$d" || fail "mariadb-install-db for node $n failed (see $d/install.log)"
  # Run as root, the rsync daemon of a state transfer (even an IST, which rsyncs a marker file
  # into the joiner's datadir) drops to `nobody`: the datadir itself must be writable by it.
  if [ "$(id -u)" = 0 ]; then chown nobody "$d/data"; fi
  local extra=()
  [ -n "$bootstrap" ] && extra=(--wsrep-new-cluster)
  mariadb_launch "$d" "${extra[@]}"
  if ! wait_for 120 node_synced "$n"; then
    tail -n 30 "$d/mariadb.err" >&2
    fail "Galera node $n did not reach Synced within 120 s"
  fi
  say "Galera node $n synced on 127.0.0.1:$(node_port "$n") (cluster size $(cluster_size "$n"))"
}

stop_node() { stop_pid_file "$(node_dir "$1")/mysqld.pid" "Galera node $1"; }

# A new cluster: node 1 is created, provisioned and migrated alone, stopped, and its data
# directory copied to nodes 2 and 3, so all three start at the same state (uuid:seqno in
# grastate.dat) and join by IST (nothing to send) instead of a full copy. A full rsync SST
# cannot work when this runs as root: rsync's daemon drops to `nobody`, who may not write the
# joiner's existing files. A node that only missed writes, like node 2 in `run`, catches up by
# IST from the others' gcache.
create_cluster() {
  start_node 1 bootstrap
  provision
  (cd "$root" && HUICAI_MYSQL_PORT=$(node_port 1) HUICAI_MYSQL_DATABASE=$database \
    "$build/services/all_in_one/huicai" migrate --dir "$root/db/migrations" >"$dir/migrate.log" 2>&1) ||
    fail "migration failed (see $dir/migrate.log)"
  stop_node 1
  # MariaDB keeps the replication position in InnoDB, not in grastate.dat (seqno -1 there);
  # --wsrep-recover reads it, and every copy gets it written into its grastate.dat, or a
  # joiner would not know its state and ask for a full transfer.
  local d position n
  d=$(node_dir 1)
  mariadbd --defaults-file="$d/my.cnf" --user="$os_user" --wsrep-recover \
    --log-error="$d/recover.log" >/dev/null 2>&1 || true
  position=$(sed -n 's/.*WSREP: Recovered position: \([0-9a-f-]*:[0-9]*\).*/\1/p' "$d/recover.log" | tail -n 1)
  [ -n "$position" ] || fail "could not recover node 1's position (see $d/recover.log)"
  for n in 1 2 3; do
    if ((n > 1)); then
      mkdir -p "$(node_dir "$n")"
      cp -a "$d/data" "$(node_dir "$n")/data"
      # gvwstate.dat names node 1's own identity in the group: never copied.
      rm -f "$(node_dir "$n")/data/gvwstate.dat"
    fi
    cat >"$(node_dir "$n")/data/grastate.dat" <<EOF
# GALERA saved state
version: 2.1
uuid:    ${position%:*}
seqno:   ${position##*:}
safe_to_bootstrap: $((n == 1 ? 1 : 0))
EOF
  done
}

provision() {
  node_sql 1 <<EOF
CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$app_user'@'127.0.0.1' IDENTIFIED BY '$app_password';
CREATE USER IF NOT EXISTS '$admin_user'@'127.0.0.1' IDENTIFIED BY '$admin_password';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$database\`.* TO '$app_user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$database\`.* TO '$admin_user'@'127.0.0.1';
EOF
}

# ---------------------------------------------------------------- Redis

redis_dir() { echo "$dir/redis-$1"; }
# The script's own administrative user (INFO, WAIT, XLEN on both servers).
redis_admin() { REDISCLI_AUTH=multinode-admin redis-cli -h 127.0.0.1 -p "$1" --user multinode "${@:2}"; }

start_redis() {
  local role=$1 port=$2 d
  d=$(redis_dir "$role")
  mkdir -p "$d"
  if live_pid "$d/redis.pid" >/dev/null; then return 0; fi
  (umask 077 && cat >"$d/redis.conf" <<EOF
# Written by deploy/multinode.sh: the $role.
bind 127.0.0.1
port $port
protected-mode yes
# Off, with permissions: the append-only file is replayed as the default user (deploy/stack.sh).
user default off ~* &* +@all -@admin -@dangerous
user $redis_user on >$redis_password ~* &* +@all -@admin -@dangerous
user replication on >multinode-replication +psync +replconf +ping
user multinode on >multinode-admin ~* &* +@all
daemonize no
pidfile $d/redis.pid
logfile $d/redis.log
dir $d
appendonly yes
appendfsync everysec
save ""
EOF
  )
  if [ "$role" = replica ]; then
    cat >>"$d/redis.conf" <<EOF
replicaof 127.0.0.1 $redis_primary
masteruser replication
masterauth multinode-replication
replica-read-only yes
EOF
  fi
  setsid redis-server "$d/redis.conf" </dev/null >>"$d/redis.out" 2>&1 &
  wait_for 30 redis_admin "$port" ping || fail "Redis $role did not answer on $port"
  say "Redis $role on 127.0.0.1:$port"
}

replica_linked() { redis_admin "$redis_replica" info replication | grep -q '^master_link_status:up'; }

# ---------------------------------------------------------------- services and gateway

instance_dir() { echo "$dir/services/$1-$2"; }

# MULTINODE_WRITERS=one: every instance uses node 1 (fallbacks 2, 3); spread: instance 1 node 1
# (fallbacks 2, 3), instance 2 node 2 (fallbacks 3, 1).
start_instance() {
  local i=$1 k=$2 name=${services[$1]} d port node fallbacks=
  d=$(instance_dir "$name" "$k")
  mkdir -p "$d"
  live_pid "$d/pid" >/dev/null && return 0
  port=$(service_port "$i" "$k")
  node=1
  [ "$writers" = spread ] && node=$k
  for m in $(((node % 3) + 1)) $((((node + 1) % 3) + 1)); do
    fallbacks+="${fallbacks:+,}127.0.0.1:$(node_port "$m")"
  done
  (
    cd "$d"
    HUICAI_HTTP_ADDRESS=127.0.0.1 HUICAI_HTTP_PORT=$port HUICAI_HTTP_WORKERS=1 \
      HUICAI_MYSQL_HOST=127.0.0.1 HUICAI_MYSQL_PORT=$(node_port "$node") \
      HUICAI_MYSQL_FALLBACK_HOSTS=$fallbacks HUICAI_MYSQL_DATABASE=$database \
      HUICAI_REDIS_HOST=127.0.0.1 HUICAI_REDIS_PORT=$redis_primary \
      HUICAI_TRUSTED_PROXIES=127.0.0.1 HUICAI_ACCESS_LOG=false \
      HUICAI_PAYMENT_SANDBOX=true \
      HUICAI_PAYMENT_SANDBOX_CALLBACK_URL=http://127.0.0.1:$gateway_port/v1/payments/callbacks/sandbox \
      HUICAI_ORDER_PLACEMENTS_PER_MINUTE=0 HUICAI_PAYMENT_REQUESTS_PER_MINUTE=0 \
      setsid "$build/services/$name/huicai-$name" serve </dev/null >"$d/out" 2>"$d/log" &
    echo $! >"$d/pid"
  )
}

instance_ready() { curl -fsS "http://127.0.0.1:$(service_port "$1" "$2")/readyz"; }

stop_instance() { stop_pid_file "$(instance_dir "${services[$1]}" "$2")/pid" "${services[$1]} instance $2"; }

# write_upstreams INSTANCES: the gateway's pools with the first INSTANCES instances of each.
write_upstreams() {
  local count=$1 i k
  {
    echo "# Written by deploy/multinode.sh: $count instance(s) of every service."
    for i in "${!services[@]}"; do
      echo "upstream huicai_${services[$i]} {"
      for k in $(seq "$count"); do
        echo "  server 127.0.0.1:$(service_port "$i" "$k") max_fails=3 fail_timeout=10s;"
      done
      echo "  keepalive 64;"
      echo "}"
    done
  } >"$dir/gateway/conf/huicai-upstreams.conf"
}

start_gateway() {
  mkdir -p "$dir/gateway/conf" "$dir/gateway/prefix"
  live_pid "$dir/gateway/prefix/nginx.pid" >/dev/null && return 0
  cp "$root"/deploy/nginx/*.conf "$dir/gateway/conf/"
  sed -i "s/^  listen [0-9]* reuseport;/  listen 127.0.0.1:$gateway_port reuseport;/" "$dir/gateway/conf/huicai-gateway.conf"
  # The access log goes to a file here (the shipped config writes it to stdout for journald).
  sed -i "s|^access_log /dev/stdout huicai_json;|access_log access.log huicai_json;|" "$dir/gateway/conf/huicai-gateway.conf"
  sed -i "s/^worker_processes auto;/worker_processes 1;/" "$dir/gateway/conf/nginx.conf"
  write_upstreams 2
  nginx -p "$dir/gateway/prefix/" -e "$dir/gateway/error.log" -c "$dir/gateway/conf/nginx.conf" \
    2>>"$dir/gateway/error.log" || fail "nginx did not start (see $dir/gateway/error.log)"
  wait_for 10 curl -fsS "http://127.0.0.1:$gateway_port/healthz" || fail "the gateway does not answer"
  say "gateway on 127.0.0.1:$gateway_port"
}

# Points the gateway's pools at 1 or 2 instances and waits until the old workers are gone.
gateway_instances() {
  write_upstreams "$1"
  kill -HUP "$(cat "$dir/gateway/prefix/nginx.pid")"
  local master
  master=$(cat "$dir/gateway/prefix/nginx.pid")
  # After a reload the master has exactly one (new) worker again.
  sleep 0.5
  wait_for 20 bash -c "[ \$(pgrep -c -P $master) -le 1 ]" || say "warning: old gateway workers still draining"
}

# ---------------------------------------------------------------- up / down

up() {
  for binary in huicai:all_in_one/huicai order_placement_tool:ordering/order_placement_tool; do
    [ -x "$build/services/${binary#*:}" ] || fail "missing $build/services/${binary#*:}: bash deploy/build.sh"
  done
  for name in "${services[@]}"; do
    [ -x "$build/services/$name/huicai-$name" ] || fail "missing huicai-$name: bash deploy/build.sh"
  done
  [ -f "$galera" ] || fail "$galera is missing: apt-get install galera-4 rsync (deploy/install.sh)"
  command -v rsync >/dev/null || fail "rsync is missing (Galera's SST): apt-get install rsync"
  mkdir -p "$dir"
  local started=$SECONDS
  if [ ! -d "$(node_dir 1)/data/mysql" ]; then create_cluster; fi
  if ! node_answers 1 && ! node_answers 2 && ! node_answers 3; then
    # The whole cluster is down: the node stopped last (safe_to_bootstrap) starts it again.
    local first=1 n
    for n in 1 2 3; do
      grep -qs '^safe_to_bootstrap: 1' "$(node_dir "$n")/data/grastate.dat" && first=$n
    done
    start_node "$first" bootstrap
  fi
  for n in 1 2 3; do start_node "$n"; done
  start_redis primary "$redis_primary"
  start_redis replica "$redis_replica"
  wait_for 30 replica_linked || fail "the Redis replica did not link to the primary"
  (cd "$root" && HUICAI_MYSQL_PORT=$(node_port 1) HUICAI_MYSQL_DATABASE=$database \
    "$build/services/all_in_one/huicai" migrate --dir "$root/db/migrations" >>"$dir/migrate.log" 2>&1) ||
    fail "migration failed (see $dir/migrate.log)"
  for i in "${!services[@]}"; do
    for k in 1 2; do start_instance "$i" "$k"; done
  done
  for i in "${!services[@]}"; do
    for k in 1 2; do
      wait_for 60 instance_ready "$i" "$k" ||
        fail "${services[$i]} instance $k not ready (see $(instance_dir "${services[$i]}" "$k")/log)"
    done
  done
  say "10 service instances ready"
  start_gateway
  say "up in $((SECONDS - started)) s"
}

down() {
  if [ -f "$dir/gateway/prefix/nginx.pid" ]; then stop_pid_file "$dir/gateway/prefix/nginx.pid" gateway; fi
  for i in "${!services[@]}"; do
    for k in 1 2; do stop_instance "$i" "$k"; done
  done
  for role in replica primary; do stop_pid_file "$(redis_dir "$role")/redis.pid" "Redis $role"; done
  # The last node to stop is the one that bootstraps the next start (safe_to_bootstrap).
  for n in 3 2 1; do stop_node "$n"; done
}

status() {
  local n i k
  for n in 1 2 3; do
    if node_answers "$n"; then say "Galera node $n: $(node_state "$n"), cluster size $(cluster_size "$n")"; else say "Galera node $n: down"; fi
  done
  redis_admin "$redis_primary" ping >/dev/null 2>&1 && say "Redis primary up" || say "Redis primary down"
  replica_linked 2>/dev/null && say "Redis replica linked" || say "Redis replica not linked"
  for i in "${!services[@]}"; do
    for k in 1 2; do
      instance_ready "$i" "$k" >/dev/null 2>&1 && say "${services[$i]} $k ready" || say "${services[$i]} $k down"
    done
  done
}

# ---------------------------------------------------------------- the run

sql() { node_sql "${node:-1}" -N -B "$database" -e "$1"; }

fixture() {
  # 20 suppliers x 5 SKUs in a county of the run's own; 1,000,000 units of each SKU, except the
  # first SKU of every supplier, which has 5 (so the run also sells SKUs out).
  local s=$1 county category
  county=$(sql "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES ('$s', '多节点县$s', '陕西省', '榆林市', 'designated') RETURNING id")
  category=$(sql "INSERT INTO catalog_categories (code, name, path) VALUES ('$s', '多节点$s', '/$s/') RETURNING id")
  local values=() i
  for i in $(seq 20); do values+=("($county, '多节点合作社$i-$s', 'cooperative', 'active', '李四', '13900000000')"); done
  sql "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, contact_phone) VALUES $(IFS=,; echo "${values[*]}")"
  sql "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) SELECT s.id, $county, $category, CONCAT('多节点小米', n.k, '-', s.id), 'listed' FROM catalog_suppliers s JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) n WHERE s.county_id = $county"
  sql "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) SELECT id, '标准装', '袋', 500, 1550 + id % 2900 FROM catalog_products WHERE county_id = $county"
  sql "INSERT INTO ordering_stock (sku_id, supplier_id, available) SELECT s.id, p.supplier_id, IF(s.id = (SELECT MIN(s2.id) FROM catalog_skus s2 JOIN catalog_products p2 ON p2.id = s2.product_id WHERE p2.supplier_id = p.supplier_id), 5, 1000000) FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $county"
  sql "SELECT p.supplier_id, s.id FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $county ORDER BY p.supplier_id, s.id" >"$dir/run/skus"
  echo "$county"
}

# Waits until every outbox row is published and every consumer group has read and acknowledged
# everything (the settlement ledger and the aid totals have caught up), at most 120 s.
drained() {
  local unpublished=0 table lag
  for table in $(sql "SELECT table_name FROM information_schema.tables WHERE table_schema = '$database' AND table_name LIKE '%\\_outbox'"); do
    unpublished=$((unpublished + $(sql "SELECT COUNT(*) FROM $table WHERE published_at IS NULL")))
  done
  ((unpublished == 0)) || return 1
  # Payment callbacks the sandbox still owes (delivered through the gateway).
  (($(sql "SELECT COUNT(*) FROM ordering_callback_deliveries WHERE status = 'pending'") == 0)) || return 1
  lag=0
  for stream in $(redis_admin "$redis_primary" --scan --pattern 'huicai:{*}:events'); do
    lag=$((lag + $(redis_admin "$redis_primary" xinfo groups "$stream" |
      awk 'prev == "pending" || prev == "lag" { sum += $1 } { prev = $1 } END { print sum + 0 }')))
  done
  ((lag == 0))
}

# workload NAME SECONDS ACCOUNT PAY_EVERY [EVENT_FILE]: prints the workload's summary line.
workload() {
  local name=$1 seconds=$2 account=$3 pay_every=$4 events=${5:-} token
  token=$(HUICAI_MYSQL_PORT=$(node_port 1) "$build/services/ordering/order_placement_tool" token "$account")
  python3 "$root/deploy/multinode/workload.py" --gateway "127.0.0.1:$gateway_port" --token "$token" \
    --skus "$dir/run/skus" --seconds "$seconds" --threads "$threads" \
    --key-prefix "$run_id-$name" --pay-every "$pay_every" --event-file "$events" \
    --out "$dir/run/$name.json"
}

json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

failures=0
check() {
  if [ "$2" = "$3" ]; then echo "ok    $1 ($2)"; else echo "FAIL  $1: $2 != $3"; failures=$((failures + 1)); fi
}

run() {
  local rate_seconds=${MULTINODE_RATE_SECONDS:-30} fault_seconds=${MULTINODE_FAULT_SECONDS:-90}
  if [ "${1:-}" = --short ]; then
    rate_seconds=${MULTINODE_RATE_SECONDS:-8}
    fault_seconds=${MULTINODE_FAULT_SECONDS:-30}
  fi
  down >/dev/null
  rm -rf "$dir"
  # MULTINODE_KEEP=1 leaves the cluster running afterwards (to look around; `down` stops it).
  [ "${MULTINODE_KEEP:-0}" = 1 ] || trap 'down >/dev/null 2>&1 || true' EXIT
  up
  mkdir -p "$dir/run"
  run_id="m$(date +%s)"
  local county accounts base_account=$(( ($(date +%s) % 100000) * 100 + 7000000000 ))
  county=$(fixture "$run_id")
  say "fixture: county $county, $(wc -l <"$dir/run/skus") SKUs (20 of them with 5 units, the rest 1,000,000)"
  local initial
  initial=$(sql "SELECT SUM(available) FROM ordering_stock st JOIN catalog_skus s ON s.id = st.sku_id JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $county")

  # 1. Throughput through the gateway: one instance per service, then two. Orders only.
  gateway_instances 1
  say "phase 1: 1 instance per service, $rate_seconds s, $threads client threads"
  workload one "$rate_seconds" $((base_account + 1)) 0
  wait_for 120 drained || say "warning: events not drained after phase 1"
  gateway_instances 2
  say "phase 2: 2 instances per service, $rate_seconds s"
  workload two "$rate_seconds" $((base_account + 2)) 0
  wait_for 120 drained || say "warning: events not drained after phase 2"

  # 2. Faults: the Galera node instances write to (node 1; node 2 with MULTINODE_WRITERS=spread)
  # stopped at 1/3 of the phase, ordering's instance 2 at 2/3; every 3rd acknowledged order is
  # paid.
  say "phase 3: faults, $fault_seconds s (Galera node $fault_node stopped at 1/3, ordering instance 2 at 2/3)"
  local events=$dir/run/events
  : >"$events"
  workload faults "$fault_seconds" $((base_account + 3)) 3 "$events" &
  local client=$!
  sleep "$(awk -v s="$fault_seconds" 'BEGIN { print s / 3 }')"
  echo "$(date +%s.%N) galera node $fault_node stopped" >>"$events"
  stop_node "$fault_node"
  sleep "$(awk -v s="$fault_seconds" 'BEGIN { print s / 3 }')"
  echo "$(date +%s.%N) ordering instance 2 stopped" >>"$events"
  stop_instance 2 2
  wait "$client" || fail "the workload failed"

  # 3. The node rejoins (IST from the others), the events are consumed, then the checks.
  start_node "$fault_node"
  wait_for 180 drained || say "warning: events not drained after 180 s"
  node_sql 1 -e "SET GLOBAL wsrep_sync_wait = 1" # the checks read after every write of the run

  accounts="$((base_account + 1)),$((base_account + 2)),$((base_account + 3))"
  echo "--- invariants"
  local phase ids acked distinct_ids
  ids=$(python3 - "$dir/run" <<'PY'
import json, sys
keys, ids = {}, []
for phase in ("one", "two", "faults"):
    for o in json.load(open(f"{sys.argv[1]}/{phase}.json"))["orders"]:
        keys.setdefault(o["key"], set()).add(o["id"])
        ids.append(o["id"])
conflicting = sum(1 for v in keys.values() if len(v) > 1)
print(len(ids), len(set(ids)), conflicting, ",".join(map(str, sorted(set(ids)))) or "0")
PY
)
  read -r acked distinct_ids conflicting id_list <<<"$ids"
  check "every acknowledged order has its own id (no key acknowledged twice with two ids)" "$conflicting/$distinct_ids" "0/$acked"
  # The acknowledged ids in a temporary table (through stdin: there may be tens of thousands).
  {
    echo "CREATE TEMPORARY TABLE acked (id BIGINT PRIMARY KEY); INSERT INTO acked VALUES"
    echo "$id_list" | tr ',' '\n' | sed 's/^/(/; s/$/)/' | paste -sd,
    echo "; SELECT COUNT(*) FROM acked a JOIN ordering_orders o ON o.id = a.id WHERE o.buyer_account_id IN ($accounts);"
  } | node_sql 1 -N -B "$database" >"$dir/run/found"
  check "every acknowledged order is in the database (none lost)" "$(cat "$dir/run/found")" "$acked"
  local orders keys201
  orders=$(sql "SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id IN ($accounts)")
  keys201=$(sql "SELECT COUNT(*) FROM ordering_idempotency_keys WHERE account_id IN ($accounts) AND response_status = 201 AND idempotency_key NOT LIKE '%-pay'")
  check "one order per idempotency key, none twice (orders = keys answered 201)" "$orders" "$keys201"
  echo "      orders in the database: $orders, acknowledged: $acked (the difference: keys the client gave up on after $(json_field "$dir/run/faults.json" '["given_up"].__len__()') retries that ran out)"
  local stock_rows="ordering_stock st JOIN catalog_skus s ON s.id = st.sku_id JOIN catalog_products p ON p.id = s.product_id WHERE p.county_id = $county"
  check "stock never negative (SKUs with a negative bucket)" \
    "$(sql "SELECT COUNT(*) FROM $stock_rows AND (st.available < 0 OR st.reserved < 0 OR st.sold < 0)")" 0
  check "stock conserved: available + reserved + sold = units put in" \
    "$(sql "SELECT SUM(st.available + st.reserved + st.sold) FROM $stock_rows")" "$initial"
  check "units reserved or sold = units on the run's orders" \
    "$(sql "SELECT SUM(st.reserved + st.sold) FROM $stock_rows")" \
    "$(sql "SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE o.buyer_account_id IN ($accounts)")"
  check "SKUs of 5 units: never more than 5 taken" \
    "$(sql "SELECT COUNT(*) FROM $stock_rows AND st.available + st.reserved + st.sold = 5 AND st.reserved + st.sold > 5")" 0
  echo "      SKUs of 5 units sold out: $(sql "SELECT COUNT(*) FROM $stock_rows AND st.available + st.reserved + st.sold = 5 AND st.available = 0") of 20"
  check "Σ order totals = Σ line totals" \
    "$(sql "SELECT SUM(total_fen) FROM ordering_orders WHERE buyer_account_id IN ($accounts)")" \
    "$(sql "SELECT SUM(l.line_total_fen) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE o.buyer_account_id IN ($accounts)")"
  local paid
  paid=$(json_field "$dir/run/faults.json" '["paid"]')
  local paid_ids
  paid_ids=$(python3 -c "import json,sys; print(','.join(map(str, json.load(open(sys.argv[1]))['paid_order_ids'])) or '0')" "$dir/run/faults.json")
  check "every order paid through the sandbox is paid in ordering (callback applied once)" \
    "$(sql "SELECT COUNT(*) FROM ordering_orders WHERE id IN ($paid_ids) AND paid_at IS NOT NULL")" "$paid"
  if (cd "$root" && HUICAI_MYSQL_PORT=$(node_port 1) HUICAI_MYSQL_DATABASE=$database HUICAI_REDIS_PORT=$redis_primary \
    "$build/services/all_in_one/huicai" reconcile >"$dir/run/reconcile.out" 2>&1); then
    echo "ok    huicai reconcile exits 0 ($(tail -n 1 "$dir/run/reconcile.out"))"
  else
    echo "FAIL  huicai reconcile: $(tail -n 5 "$dir/run/reconcile.out")"
    failures=$((failures + 1))
  fi
  # Galera: node 2 caught up, every node holds the same orders and stock.
  check "Galera: 3 nodes synced after node $fault_node rejoined" "$(cluster_size 1)/$(node_state "$fault_node")" "3/Synced"
  local n sums=()
  for n in 1 2 3; do
    node_sql "$n" -e "SET SESSION wsrep_sync_wait = 1" >/dev/null
    sums+=("$(node_sql "$n" -N -B "$database" -e "SET SESSION wsrep_sync_wait = 1; SELECT CONCAT(COUNT(*), ':', SUM(total_fen)) FROM ordering_orders; SELECT SUM(available * 3 + reserved * 5 + sold * 7) FROM ordering_stock" | paste -sd/)")
  done
  check "Galera: the same orders and stock on every node" "${sums[1]}|${sums[2]}" "${sums[0]}|${sums[0]}"
  # Redis: the replica has every event the primary has.
  redis_admin "$redis_primary" wait 1 5000 >/dev/null
  local stream primary_len=0 replica_len=0
  for stream in $(redis_admin "$redis_primary" --scan --pattern 'huicai:{*}:events'); do
    primary_len=$((primary_len + $(redis_admin "$redis_primary" xlen "$stream")))
    replica_len=$((replica_len + $(redis_admin "$redis_replica" xlen "$stream")))
  done
  check "Redis: the replica holds every event of the primary (stream entries)" "$replica_len" "$primary_len"

  echo "--- numbers (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
  for phase in one two faults; do
    echo "$phase: $(json_field "$dir/run/$phase.json" '["orders_per_second"]') orders/s acknowledged through the gateway ($(json_field "$dir/run/$phase.json" '["acknowledged"]') in $(json_field "$dir/run/$phase.json" '["seconds"]') s, $threads client threads), retried answers $(json_field "$dir/run/$phase.json" '["open_answers"]'), refused $(json_field "$dir/run/$phase.json" '["refused"]')"
  done
  echo "ratio 2 instances / 1 instance: $(awk -v a="$(json_field "$dir/run/one.json" '["orders_per_second"]')" -v b="$(json_field "$dir/run/two.json" '["orders_per_second"]')" 'BEGIN { printf "%.2f", b / a }')"
  echo "stalls (longest time without an acknowledged order after the event; median gap $(json_field "$dir/run/faults.json" '["median_gap_seconds"]') s): $(json_field "$dir/run/faults.json" '["stalls"]')"
  echo "paid during the faults: $paid (failed: $(json_field "$dir/run/faults.json" '["pay_failed"]') $(json_field "$dir/run/faults.json" '["pay_refused"]'))"
  if ((failures)); then
    echo "multinode: $failures check(s) failed; logs under $dir" >&2
    return 1
  fi
  echo "multinode: all checks passed"
}

command=${1:-}
shift || true
case "$command" in
  up) up ;;
  down) down ;;
  status) status ;;
  run) run "$@" ;;
  *)
    sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
    [ -n "$command" ] && [ "$command" != help ] && exit 2
    exit 0
    ;;
esac

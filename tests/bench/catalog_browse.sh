#!/usr/bin/env bash
# Benchmark: the buyers' catalog page (20 items, one county, one category) from Huicai versus
# nginx serving the same response bytes from a static file (the limit of this machine).
#
#   tests/bench/catalog_browse.sh            starts the stack and a Release all-in-one app
#   HUICAI_BENCH_URL=http://127.0.0.1:8080 tests/bench/catalog_browse.sh   uses a running app
#
# Settings (environment, defaults in brackets):
#   HUICAI_BIN [build-release/services/all_in_one/huicai]  the all-in-one binary to start
#   HUICAI_BENCH_PORT [18090]   port for the started app     NGINX_BENCH_PORT [18091]
#   BENCH_DURATION [10s]        per wrk run                  BENCH_THREADS [2]
#   BENCH_COUNTY [1] (米脂县)    BENCH_CATEGORY_CODE [grain] (粮油 and its subtree)
#   HUICAI_HTTP_WORKERS [nproc]  worker processes of the started app (nginx runs one per core too)
#
#   BENCH_ROUNDS [3]            rounds per connection count (huicai then nginx in each)
#
# Prints, per round, requests/s, p50, p99 and each server's CPU time per request for 16 and 64
# connections, then the medians and the ratio Huicai / nginx.
# Everything it starts (app, nginx) it stops again; nothing runs as a daemon.
set -euo pipefail
# The local stack's built-in secrets: a benchmark runs against it, never against production.
export HUICAI_ENV=development

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${HUICAI_BIN:-$root/build-release/services/all_in_one/huicai}
app_port=${HUICAI_BENCH_PORT:-18090}
nginx_port=${NGINX_BENCH_PORT:-18091}
duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
county=${BENCH_COUNTY:-1}
category_code=${BENCH_CATEGORY_CODE:-grain}
work=$(mktemp -d /tmp/huicai-bench.XXXXXX)
app_pid=""
nginx_pid=""

cleanup() {
  if [ -n "$app_pid" ] && ! kill -0 "$app_pid" 2>/dev/null; then
    echo "bench: the app exited early; its log ends with:" >&2
    tail -20 "$work/app.log" >&2 || true
    app_pid=""
  fi
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "bench: $1 is not installed" >&2; exit 1; }; }
need wrk
need curl
need python3
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "bench: nginx is not installed" >&2; exit 1; }

wait_for() {  # url, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench: $1 did not answer" >&2
  return 1
}

if [ -n "${HUICAI_BENCH_URL:-}" ]; then
  base=$HUICAI_BENCH_URL
else
  [ -x "$bin" ] || { echo "bench: $bin not found; build it (cmake -B build-release -DCMAKE_BUILD_TYPE=Release && ninja -C build-release huicai) or set HUICAI_BIN" >&2; exit 1; }
  "$root/deploy/stack.sh" start --migrate "$bin" >/dev/null
  "$bin" seed >/dev/null 2>&1
  workers=${HUICAI_HTTP_WORKERS:-$(nproc)}
  HUICAI_HTTP_WORKERS=$workers HUICAI_HTTP_PORT=$app_port HUICAI_ACCESS_LOG=false \
    "$bin" serve >"$work/app.log" 2>&1 &
  app_pid=$!
  base=http://127.0.0.1:$app_port
  wait_for "$base/healthz" 30
fi

# A demo buyer signs in (docs/demo-accounts.md).
token=$(curl -fs -X POST "$base/v1/auth/login" -H 'content-type: application/json' \
  -d '{"login":"demo.buyer","password":"Huicai-demo-2026"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
category=$(curl -fs "$base/v1/categories" -H "authorization: Bearer $token" |
  python3 -c "import json,sys; print(next(c['id'] for c in json.load(sys.stdin)['items'] if c['code']=='$category_code'))")
path="/v1/products?county=$county&category=$category&limit=20"

# The same response bytes, once, into the file nginx serves.
mkdir -p "$work/www" "$work/logs"
curl -fs "$base$path" -H "authorization: Bearer $token" -o "$work/www/page.json"
# nginx workers may run as another user (nobody when started as root): let them read it.
chmod 755 "$work" "$work/www"
chmod 644 "$work/www/page.json"
items=$(python3 -c "import json; print(len(json.load(open('$work/www/page.json'))['items']))" )
bytes=$(wc -c <"$work/www/page.json")

cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location = /v1/products {
      default_type application/json;
      rewrite ^ /page.json break;
    }
  }
}
CONF
mkdir -p "$work/tmp"
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
wait_for "http://127.0.0.1:$nginx_port$path" 10

cat >"$work/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA

# CPU time (user + system, in clock ticks) used so far by a server: its root process and children.
cpu_ticks() {  # root-pid
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1"); do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)

# One wrk run -> "rps p50 p99 cpu_us_per_request" (cpu "-" when the server is not ours to watch).
measure() {  # url connections server-pid [lua]
  local script=() before after
  [ -n "${4:-}" ] && script=(-s "$4")
  [ -n "$3" ] && before=$(cpu_ticks "$3")
  wrk -t"$threads" -c"$2" -d"$duration" --latency "${script[@]}" "$1" >"$work/wrk.out"
  [ -n "$3" ] && after=$(cpu_ticks "$3")
  if grep -q "Non-2xx" "$work/wrk.out"; then
    echo "bench: non-2xx responses from $1:" >&2
    cat "$work/wrk.out" >&2
    exit 1
  fi
  awk -v before="${before:-}" -v after="${after:-}" -v hz="$ticks_per_second" '
    /requests in/ {requests=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {
      cpu = (before == "" || requests == 0) ? "-" : sprintf("%.1f", (after - before) / hz * 1e6 / requests)
      print rps, p50, p99, cpu
    }' "$work/wrk.out"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

rounds=${BENCH_ROUNDS:-3}
echo "page: $base$path  ($items items, $bytes bytes)"
echo "machine: $(nproc) cores; wrk -t$threads -d$duration on the same machine; huicai workers: ${workers:-(already running)}; nginx worker_processes auto"
echo "each round runs huicai then nginx back to back (the machine's speed drifts between runs);"
echo "cpu = the server's own CPU time (user + system, all its processes) per request"
printf '%-6s %-8s %-6s %12s %10s %10s %10s\n' round server conns requests/s p50 p99 cpu_us/req
for connections in 16 64; do
  : >"$work/ratios.$connections"
  : >"$work/huicai.$connections"
  : >"$work/nginx.$connections"
  for round in $(seq 1 "$rounds"); do
    # Warm both before measuring.
    wrk -t1 -c4 -d1s -s "$work/auth.lua" "$base$path" >/dev/null
    wrk -t1 -c4 -d1s "http://127.0.0.1:$nginx_port$path" >/dev/null
    read -r h_rps h_p50 h_p99 h_cpu < <(measure "$base$path" "$connections" "$app_pid" "$work/auth.lua")
    read -r n_rps n_p50 n_p99 n_cpu < <(measure "http://127.0.0.1:$nginx_port$path" "$connections" "$nginx_pid")
    printf '%-6s %-8s %-6s %12s %10s %10s %10s\n' "$round" huicai "$connections" "$h_rps" "$h_p50" "$h_p99" "$h_cpu"
    printf '%-6s %-8s %-6s %12s %10s %10s %10s\n' "$round" nginx "$connections" "$n_rps" "$n_p50" "$n_p99" "$n_cpu"
    echo "$h_rps" >>"$work/huicai.$connections"
    echo "$n_rps" >>"$work/nginx.$connections"
    python3 -c "print(f'{$h_rps/$n_rps:.2f}')" >>"$work/ratios.$connections"
  done
done
echo
echo "summary (median of $rounds rounds; ratio = median of the per-round ratios huicai / nginx)"
printf '%-6s %14s %14s %8s   %s\n' conns huicai_req/s nginx_req/s ratio per-round-ratios
for connections in 16 64; do
  printf '%-6s %14s %14s %8s   %s\n' "$connections" "$(median <"$work/huicai.$connections")" \
    "$(median <"$work/nginx.$connections")" "$(median <"$work/ratios.$connections")" \
    "$(tr '\n' ' ' <"$work/ratios.$connections")"
done

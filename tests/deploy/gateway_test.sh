#!/usr/bin/env bash
# The gateway in front of a real server: starts the all-in-one host (`huicai serve`, against the
# suite's MariaDB and Redis) on a free loopback port and nginx with deploy/nginx on another, every
# upstream pool pointing at that server, then sends requests through nginx and checks what a
# client and the service see: health, a catalog browse, a login, request-id propagation both
# ways, the body limit and the gateway's own problem+json answers.
#   tests/deploy/gateway_test.sh PATH_TO_HUICAI
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
huicai=${1:?usage: $0 PATH_TO_HUICAI}

scratch=$(mktemp -d)
server_pid=
nginx_prefix=$scratch/nginx/
cleanup() {
  if [ -f "$nginx_prefix/nginx.pid" ]; then kill -QUIT "$(cat "$nginx_prefix/nginx.pid")" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The server on a port of its own choosing; it prints the port once it listens.
HUICAI_HTTP_PORT=0 HUICAI_HTTP_ADDRESS=127.0.0.1 "$huicai" serve >"$scratch/server.out" 2>"$scratch/server.log" &
server_pid=$!
for _ in $(seq 300); do
  grep -q '^listening on ' "$scratch/server.out" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; echo "FAIL: server exited" >&2; exit 1; }
  sleep 0.1
done
server_port=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$scratch/server.out")
[ -n "$server_port" ] || { echo "FAIL: server did not report its port" >&2; exit 1; }

# The shipped configuration, with every pool pointing at the one server and a free port.
mkdir -p "$nginx_prefix" "$scratch/conf"
cp "$checkout"/deploy/nginx/*.conf "$scratch/conf/"
sed -i "s/server 127\.0\.0\.1:80[0-9][0-9] /server 127.0.0.1:$server_port /" "$scratch/conf/huicai-upstreams.conf"
if grep -q ':80[0-9][0-9] ' "$scratch/conf/huicai-upstreams.conf"; then
  echo "FAIL: an upstream pool was not redirected" >&2
  exit 1
fi
gateway_port=
for _ in 1 2 3 4 5; do
  port=$(free_port)
  sed -i "s/^  listen [0-9]* reuseport;/  listen 127.0.0.1:$port reuseport;/" "$scratch/conf/huicai-gateway.conf"
  if nginx -p "$nginx_prefix" -e "$scratch/nginx.err" -c "$scratch/conf/nginx.conf" >"$scratch/access.log" 2>>"$scratch/nginx.err"; then
    gateway_port=$port
    break
  fi
done
[ -n "$gateway_port" ] || { cat "$scratch/nginx.err" >&2; echo "FAIL: nginx did not start" >&2; exit 1; }
gateway=http://127.0.0.1:$gateway_port
for _ in $(seq 50); do curl -fsS "$gateway/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# curl wrapper: status line in $status, headers in $scratch/h, body in $scratch/b.
request() {
  status=$(curl -sS -o "$scratch/b" -D "$scratch/h" -w '%{http_code}' "$@")
}
header() { grep -i "^$1:" "$scratch/h" | tr -d '\r' | sed 's/^[^:]*: *//'; }
header_count() { grep -ci "^$1:" "$scratch/h" || true; }

# 1. The gateway's own health, with a generated request id.
request "$gateway/healthz"
[ "$status" = 200 ] || fail "GET /healthz through the gateway: $status"
[[ "$(header x-request-id)" =~ ^[0-9a-f]{32}$ ]] || fail "/healthz: no generated request id"

# 2. A login (identity's pool): tokens come back through the gateway.
request -H 'content-type: application/json' -H 'X-Request-Id: gateway-test-login-1' \
  --data '{"login":"demo.employee","password":"Huicai-demo-2026"}' "$gateway/v1/auth/login"
[ "$status" = 200 ] || fail "POST /v1/auth/login through the gateway: $status $(head -c 300 "$scratch/b")"
token=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$scratch/b")
[ -n "$token" ] || fail "login: no access token"

# 3. A catalog browse (signed in): same body as straight from the service, the client's request
# id kept in the answer (exactly once) and handed to the service (its access log names it).
request -H "Authorization: Bearer $token" -H 'X-Request-Id: gateway-test-browse-1' "$gateway/v1/products?limit=5"
[ "$status" = 200 ] || fail "GET /v1/products through the gateway: $status $(head -c 300 "$scratch/b")"
[ "$(header x-request-id)" = gateway-test-browse-1 ] || fail "browse: request id not kept: $(header x-request-id)"
[ "$(header_count x-request-id)" = 1 ] || fail "browse: $(header_count x-request-id) X-Request-Id headers"
cp "$scratch/b" "$scratch/through_gateway"
curl -sS -H "Authorization: Bearer $token" -o "$scratch/direct" "http://127.0.0.1:$server_port/v1/products?limit=5"
cmp -s "$scratch/through_gateway" "$scratch/direct" || fail "browse: body differs from the service's own"
grep -q '"items"' "$scratch/through_gateway" || fail "browse: no product list: $(head -c 300 "$scratch/through_gateway")"

# 4. A request id that is not plain text is replaced, not passed on.
request -H 'X-Request-Id: <script>alert(1)</script>' "$gateway/v1/counties"
[[ "$(header x-request-id)" =~ ^[0-9a-f]{32}$ ]] || fail "unsafe request id passed through: $(header x-request-id)"

# 5. Bodies over the limit stop at the gateway with a problem+json 413.
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$scratch/big"
request -H 'content-type: application/json' --data-binary @"$scratch/big" "$gateway/v1/auth/login"
[ "$status" = 413 ] || fail "2 MiB body: $status"
[ "$(header content-type)" = application/problem+json ] || fail "413 is not problem+json: $(header content-type)"

# 6. A path no service owns: problem+json 404 from the gateway, with a request id.
request "$gateway/v1/no-such-thing"
[ "$status" = 404 ] || fail "unknown path: $status"
grep -q '"status":404' "$scratch/b" || fail "unknown path: body $(cat "$scratch/b")"

# The service saw the ids the client sent through the gateway (its access log).
sleep 0.2
for id in gateway-test-browse-1 gateway-test-login-1; do
  grep -q "\"request_id\":\"$id\"" "$scratch/server.log" || fail "the service did not receive request id $id"
done

if ((failures)); then
  echo "--- nginx" >&2; cat "$scratch/nginx.err" >&2
  echo "--- server (last lines)" >&2; tail -n 20 "$scratch/server.log" >&2
  exit 1
fi
echo "gateway: health, browse, login, request ids, body limit and 404 through nginx on :$gateway_port to huicai on :$server_port"

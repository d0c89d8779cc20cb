#!/usr/bin/env bash
# `nginx -t` on the gateway configuration as shipped (deploy/nginx/nginx.conf and its includes),
# with a scratch runtime prefix; then on a copy with a planted error, which must fail.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/run" "$scratch/conf"

if ! nginx -t -q -p "$scratch/run/" -e stderr -c "$checkout/deploy/nginx/nginx.conf"; then
  echo "FAIL: nginx -t rejects deploy/nginx/nginx.conf" >&2
  exit 1
fi

cp "$checkout"/deploy/nginx/*.conf "$scratch/conf/"
echo 'location /planted { proxy_pass http://huicai_no_such_pool; include huicai-proxy.conf; }' \
  >>"$scratch/conf/huicai-routes.conf"
if nginx -t -q -p "$scratch/run/" -e stderr -c "$scratch/conf/nginx.conf" 2>/dev/null; then
  echo "FAIL: nginx -t accepted a route to an upstream pool that does not exist" >&2
  exit 1
fi
# The upstream files compose and Kubernetes put in place of huicai-upstreams.conf, with their
# service names (which resolve only inside compose or the cluster) replaced by loopback.
check_upstreams() {
  local what=$1 file=$2
  mkdir -p "$scratch/$what"
  cp "$checkout"/deploy/nginx/*.conf "$scratch/$what/"
  sed -E 's/server (identity|catalog|ordering|settlement|aidstats)(\.[a-z.-]+)?:/server 127.0.0.1:/' "$file" \
    >"$scratch/$what/huicai-upstreams.conf"
  if ! nginx -t -q -p "$scratch/run/" -e stderr -c "$scratch/$what/nginx.conf"; then
    echo "FAIL: nginx -t rejects the gateway with the $what upstreams" >&2
    exit 1
  fi
}
check_upstreams compose "$checkout/deploy/docker/nginx-upstreams.conf"
node -e 'const y = require(process.argv[1]); const fs = require("fs");
  const maps = y.loadAll(fs.readFileSync(process.argv[2], "utf8")).filter((d) => d && d.kind === "ConfigMap");
  process.stdout.write(maps[0].data["huicai-upstreams.conf"]);' \
  "$checkout/tests/deploy/k8s/node_modules/js-yaml" "$checkout/deploy/k8s/gateway.yaml" >"$scratch/k8s-upstreams.conf"
check_upstreams kubernetes "$scratch/k8s-upstreams.conf"
echo "nginx: deploy/nginx/nginx.conf passes nginx -t, also with the compose and Kubernetes upstreams"

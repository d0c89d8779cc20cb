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
echo "nginx: deploy/nginx/nginx.conf passes nginx -t"

#!/usr/bin/env bash
# `docker compose config` on deploy/docker/compose.yaml: the file is valid, has MariaDB, Redis,
# the migrations, every service and the gateway, and refuses to resolve while a secret is
# missing (none is written in the file). Needs only the client, no daemon. Uses the compose
# plugin (`docker compose`) where present, else Debian's docker-compose (deploy/install.sh);
# exits 77 (skipped) when neither exists.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
compose_file=$checkout/deploy/docker/compose.yaml

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  echo "SKIP: neither 'docker compose' nor docker-compose is installed"
  exit 77
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# An empty project directory: no .env of a developer's checkout leaks into the check.
run_compose() { (cd "$scratch" && env -i PATH="$PATH" HOME="$scratch" "$@" "${compose[@]}" \
  --project-directory "$checkout/deploy/docker" -f "$compose_file" config "${extra[@]}"); }

secrets=(HUICAI_MARIADB_ROOT_PASSWORD=test-root HUICAI_MYSQL_PASSWORD=test-app
  HUICAI_MYSQL_ADMIN_PASSWORD=test-admin HUICAI_TOKEN_SECRET=test-token-secret-0123456789abcdef01
  HUICAI_PAYMENT_SANDBOX_SECRET=test-sandbox)

extra=(-q)
if ! output=$(run_compose "${secrets[@]}" 2>&1); then
  echo "FAIL: ${compose[*]} config rejects compose.yaml:" >&2
  echo "$output" >&2
  exit 1
fi
extra=(--services)
services=$(run_compose "${secrets[@]}" | sort | tr '\n' ' ')
expected="aidstats catalog gateway identity mariadb migrate ordering redis settlement "
if [ "$services" != "$expected" ]; then
  echo "FAIL: services are '$services', expected '$expected'" >&2
  exit 1
fi

# Each secret is required: leaving any one out must stop compose.
for index in "${!secrets[@]}"; do
  partial=("${secrets[@]:0:index}" "${secrets[@]:index+1}")
  extra=(-q)
  if run_compose "${partial[@]}" >/dev/null 2>&1; then
    echo "FAIL: compose.yaml resolves without ${secrets[index]%%=*}" >&2
    exit 1
  fi
done
echo "compose: ${compose[*]} config accepts compose.yaml (services: $services)"

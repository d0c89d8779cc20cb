#!/usr/bin/env bash
# Generates TypeScript types from docs/openapi.yaml (openapi-typescript) into OUT_DIR and
# type-checks tests/contract/client.ts against them (tsc --strict): the document stays usable by
# a generated client, not merely valid.
#   tests/contract/typecheck_client.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 OUT_DIR}
bin=$here/node_modules/.bin
[ -x "$bin/tsc" ] || { echo "FAIL: run deploy/install.sh (npm ci in tests/contract)" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
"$bin/openapi-typescript" "$here/../../docs/openapi.yaml" -o "$out/api.d.ts" >/dev/null
cp "$here/client.ts" "$out/client.ts"
"$bin/tsc" --noEmit --strict --noUncheckedIndexedAccess --target es2022 --lib es2022,dom \
  --module esnext --moduleResolution bundler "$out/client.ts"
echo "client.ts type-checks against the generated types"

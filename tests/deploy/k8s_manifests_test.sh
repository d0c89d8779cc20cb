#!/usr/bin/env bash
# The Kubernetes manifests (deploy/k8s) against the Kubernetes API's JSON
# schemas (tests/deploy/k8s/validate.js, the kubernetes-models package from npm, installed by
# deploy/install.sh), then against what the issue asks of them (requirements.js). A planted
# manifest with a wrong type and a missing required field must fail the schema check.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
checker=$checkout/tests/deploy/k8s
if [ ! -d "$checker/node_modules/kubernetes-models" ]; then
  echo "FAIL: $checker/node_modules missing: run deploy/install.sh" >&2
  exit 1
fi
manifests=("$checkout"/deploy/k8s/*.yaml)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/planted.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: planted
spec:
  replicas: two
  template:
    spec:
      containers:
        - name: planted
          image: huicai:latest
YAML
if node "$checker/validate.js" "$scratch/planted.yaml" >/dev/null 2>&1; then
  echo "FAIL: the schema check accepted a Deployment with replicas: two and no selector" >&2
  exit 1
fi

node "$checker/validate.js" "${manifests[@]}"
node "$checker/requirements.js" "${manifests[@]}"

#!/usr/bin/env bash
# The short form of deploy/multinode.sh run (docs/scale-out.md, "Multi-node run"): a 3-node
# Galera cluster, Redis with a replica, two instances of every service behind the gateway, the
# order workload with a Galera node and an ordering instance stopped mid-run, then the
# invariants. Skips (77) only when Galera itself is not installed.
#   tests/deploy/multinode_test.sh BUILD_DIR
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILD_DIR}
if [ ! -f /usr/lib/galera/libgalera_smm.so ] || ! command -v rsync >/dev/null; then
  echo "SKIP: galera-4 or rsync is not installed (bash deploy/install.sh installs both)"
  exit 77
fi
HUICAI_BUILD_DIR=$build HUICAI_MULTINODE_DIR=$build/multinode \
  exec bash "$checkout/deploy/multinode.sh" run --short

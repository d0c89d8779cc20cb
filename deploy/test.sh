#!/usr/bin/env bash
# The second Quick start command: installs what is missing, builds everything (warnings are
# errors), starts MariaDB and Redis if they are not up, and runs the whole test suite through
# ctest. The last line is ctest's summary ("N tests failed out of M").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash deploy/install.sh
bash deploy/build.sh
# The suite runs against the local stack's development passwords and keys.
export HUICAI_ENV=development
# ctest starts the stack itself through the `stack` fixture (deploy/stack.sh start --migrate).
ctest --test-dir build --output-on-failure --timeout 600 -j "${HUICAI_TEST_JOBS:-2}" "$@"

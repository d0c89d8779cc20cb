#!/usr/bin/env bash
# Configures (once) and builds Huicai into build/ with Ninja, ccache and mold.
# Usage: deploy/build.sh [ninja targets...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${HUICAI_BUILD_DIR:-$root/build}

# ccache: share hits between checkouts and build folders of this machine.
export CCACHE_BASEDIR=$root
export CCACHE_NOHASHDIR=1

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE="${HUICAI_BUILD_TYPE:-RelWithDebInfo}" \
    -DHUICAI_WERROR=ON >/dev/null
fi
# Two cores, and Beast/Asio translation units need ~1 GiB each: -j2 is the sweet spot.
ninja -C "$build_dir" -j "${HUICAI_BUILD_JOBS:-2}" "$@"

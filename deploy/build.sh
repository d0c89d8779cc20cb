#!/usr/bin/env bash
# Configures (once) and builds Huicai into build/ with Ninja, ccache and mold.
# Usage: deploy/build.sh [ninja targets...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${HUICAI_BUILD_DIR:-$root/build}

# ccache: share hits between checkouts and build folders of this machine.
export CCACHE_BASEDIR=$root
export CCACHE_NOHASHDIR=1

# A full disk shows up minutes later as a compiler failing to write its output ("No space left
# on device" in the middle of the log). Say so first: a clean build takes about 5 GiB in the
# build folder; the compiler's temporary files need far less (a few hundred MiB at -j2).
mkdir -p "$build_dir"
require_free() {  # <place> <MiB>
  local free_mib
  free_mib=$(df -Pk "$1" | awk 'NR == 2 { print int($4 / 1024) }')
  if [ "$free_mib" -lt "$2" ]; then
    echo "build: only $free_mib MiB free on the file system of $1; the build needs at least $2 MiB" \
      "there (a clean build about 5 GiB in the build folder). Free some space and run this again." >&2
    exit 1
  fi
}
require_free "$build_dir" 3072
require_free "${TMPDIR:-/tmp}" 512

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE="${HUICAI_BUILD_TYPE:-RelWithDebInfo}" \
    -DHUICAI_WERROR=ON >/dev/null
fi
# Two cores, and Beast/Asio translation units need ~1 GiB each: -j2 is the sweet spot.
ninja -C "$build_dir" -j "${HUICAI_BUILD_JOBS:-2}" "$@"

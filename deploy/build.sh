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
# build folder, plus the compiler's temporary files.
mkdir -p "$build_dir"
for place in "$build_dir" "${TMPDIR:-/tmp}"; do
  free_kib=$(df -Pk "$place" | awk 'NR == 2 { print $4 }')
  if [ "$free_kib" -lt $((3 * 1024 * 1024)) ]; then
    echo "build: only $((free_kib / 1024)) MiB free on the file system of $place; a build needs" \
      "several GiB (a clean one about 5 GiB). Free some space and run this again." >&2
    exit 1
  fi
done

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE="${HUICAI_BUILD_TYPE:-RelWithDebInfo}" \
    -DHUICAI_WERROR=ON >/dev/null
fi
# Two cores, and Beast/Asio translation units need ~1 GiB each: -j2 is the sweet spot.
ninja -C "$build_dir" -j "${HUICAI_BUILD_JOBS:-2}" "$@"

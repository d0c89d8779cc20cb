#!/usr/bin/env bash
# Runs the test suite under sanitizers, in build folders of their own:
#   tests/sanitize.sh address   ASan + UBSan, unit and integration tests (default)
#   tests/sanitize.sh thread    TSan, the tests of the MySQL pool, Redis client and HTTP server
# Not part of deploy/test.sh: a sanitized build of everything takes long on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-address}
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
case "$kind" in
  address)
    build=$root/build-asan
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
      -DHUICAI_SANITIZE=address,undefined >/dev/null
    ninja -C "$build" -j2
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir "$build" --output-on-failure -LE restarts -j2
    ;;
  thread)
    build=$root/build-tsan
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
      -DHUICAI_SANITIZE=thread >/dev/null
    ninja -C "$build" -j2
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      ctest --test-dir "$build" --output-on-failure -L 'mysql|redis|http|fixture' -j1
    ;;
  *) echo "usage: $0 [address|thread]" >&2; exit 2 ;;
esac

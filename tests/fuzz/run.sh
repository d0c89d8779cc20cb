#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan in a build folder of their own and runs
# each for a bounded time from the seed corpus in tests/fuzz/corpus/<target>/.
#
#   tests/fuzz/run.sh                       every target, 60 s each
#   FUZZ_SECONDS=10 tests/fuzz/run.sh fuzz_money_parse
#
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_BUILD_DIR (default <repo>/build-fuzz),
# FUZZ_JOBS (ninja parallelism, default: ninja's). New inputs found while fuzzing go to
# FUZZ_BUILD_DIR/corpus/<target> (the committed seeds are never modified); a crashing input is
# written to FUZZ_BUILD_DIR/artifacts/<target>/ and the script exits non-zero.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
all_targets=(fuzz_money_parse fuzz_json_decoder fuzz_http_request)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi

if ! command -v clang++ >/dev/null; then
  echo "run.sh: clang++ not found (deploy/install.sh installs it)" >&2
  exit 2
fi

# ASan + UBSan on everything, and coverage instrumentation of the libraries too (the code under
# test lives in huicai_core), not only of the fuzz entry points. Passed as flags rather than
# HUICAI_SANITIZE so that -fno-sanitize=function comes last: clang 14 fails on coroutines with
# UBSan's function check ("Cannot represent a difference across sections", llvm-project #49689).
sanitize="-fsanitize=address,undefined -fno-sanitize=function -fno-sanitize-recover=all"
sanitize+=" -fno-omit-frame-pointer"
mkdir -p "$build"
cmake -G Ninja -S "$repo" -B "$build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS="$sanitize" \
  -DCMAKE_CXX_FLAGS="$sanitize -fsanitize=fuzzer-no-link" \
  -DCMAKE_EXE_LINKER_FLAGS="$sanitize" \
  -DHUICAI_SANITIZE= \
  -DHUICAI_FUZZ=ON >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2
  exit 2
}
ninja -C "$build" ${FUZZ_JOBS:+-j "$FUZZ_JOBS"} "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
summary=()
for target in "${targets[@]}"; do
  seeds="$repo/tests/fuzz/corpus/$target"
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  log="$build/$target.log"
  mkdir -p "$corpus" "$artifacts"
  echo "== $target: ${seconds}s (log: $log)"
  # -max_len: requests up to a bit more than the header limit plus a small body; JSON bodies
  # and money strings are far shorter than that anyway.
  if "$build/tests/fuzz/$target" "$corpus" "$seeds" \
      -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    echo "   clean: ${runs:-?} executions"
    summary+=("$target: clean, ${runs:-?} executions in ${seconds}s")
  else
    status=1
    echo "   FAILED: see $log and $artifacts/" >&2
    tail -n 40 "$log" >&2
    summary+=("$target: FAILED")
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$status"

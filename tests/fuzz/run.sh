#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan in a build folder of their own and runs
# each for a bounded time from the seed corpus in tests/fuzz/corpus/<target>/.
#
#   tests/fuzz/run.sh                       every target, 60 s each
#   FUZZ_SECONDS=10 tests/fuzz/run.sh fuzz_money_parse
#   FUZZ_CPU_SECONDS=600 nice -n 19 tests/fuzz/run.sh   the long run (docs/fuzzing.md)
#
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_CPU_SECONDS (instead: stop each target
# after this much CPU time, however long that takes on a busy machine; libFuzzer's own limit is
# wall-clock time), FUZZ_BUILD_DIR (default <repo>/build-fuzz),
# FUZZ_JOBS (ninja parallelism, default: ninja's). New inputs found while fuzzing go to
# FUZZ_BUILD_DIR/corpus/<target> (the committed seeds are never modified); a crashing input is
# written to FUZZ_BUILD_DIR/artifacts/<target>/ and the script exits non-zero.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
all_targets=(fuzz_money_parse fuzz_json_decoder fuzz_http_request fuzz_order_body fuzz_accept_body
  fuzz_after_sale_body fuzz_payment_callback fuzz_event_entry)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi

if ! command -v clang++ >/dev/null; then
  echo "run.sh: clang++ not found (deploy/install.sh installs it)" >&2
  exit 2
fi
# -fsanitize=fuzzer links clang's runtime (libclang-rt-14-dev); without it configure fails on
# "cannot find libclang_rt.fuzzer". Say so instead of showing CMake's log.
runtime="$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a"
if [ ! -f "$runtime" ]; then
  echo "run.sh: $runtime missing (Debian: libclang-rt-14-dev; deploy/install.sh installs it)" >&2
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

# Runs one target; sets `used` to the time it ran. With FUZZ_CPU_SECONDS the target gets SIGINT
# (libFuzzer then prints its final stats and exits 72) once its user+system time reaches it.
ticks="$(getconf CLK_TCK)"
run_target() {
  local target="$1" corpus="$2" seeds="$3" artifacts="$4" log="$5"
  local limit="$seconds" per_input=10
  # libFuzzer's -timeout is wall-clock time too: at nice 19 on a busy machine a target can get no
  # CPU for longer than 10 s, and every target of the first long run "timed out" on inputs that
  # run in milliseconds. The CPU-limited run allows 300 s of wall time per input instead.
  if [ -n "${FUZZ_CPU_SECONDS:-}" ]; then limit=$((FUZZ_CPU_SECONDS * 20)) per_input=300; fi
  local started=$SECONDS
  "$build/tests/fuzz/$target" "$corpus" "$seeds" \
    -max_total_time="$limit" -max_len=16384 -timeout="$per_input" -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 &
  local pid=$! cpu=0 code=0
  if [ -n "${FUZZ_CPU_SECONDS:-}" ]; then
    while kill -0 "$pid" 2>/dev/null; do
      # utime and stime: fields 14 and 15 of /proc/<pid>/stat (the name, field 2, has no blanks).
      if read -r -a stat <"/proc/$pid/stat" 2>/dev/null; then
        cpu=$(((stat[13] + stat[14]) / ticks))
        if ((cpu >= FUZZ_CPU_SECONDS)); then
          kill -INT "$pid" 2>/dev/null || true
          break
        fi
      fi
      sleep 5
    done
  fi
  wait "$pid" || code=$?
  used="$((SECONDS - started)) s wall"
  if [ -n "${FUZZ_CPU_SECONDS:-}" ]; then used+=", ${cpu} s CPU"; fi
  # 72: interrupted at the CPU limit (libFuzzer's -interrupt_exit_code), a clean end.
  [ "$code" -eq 0 ] || { [ -n "${FUZZ_CPU_SECONDS:-}" ] && [ "$code" -eq 72 ]; }
}

# One target from its corpus; writes its summary line to $build/<target>.summary.
fuzz_one() {
  local target="$1"
  local seeds="$repo/tests/fuzz/corpus/$target"
  local corpus="$build/corpus/$target"
  local artifacts="$build/artifacts/$target"
  local log="$build/$target.log"
  mkdir -p "$corpus" "$artifacts"
  echo "== $target: ${FUZZ_CPU_SECONDS:+${FUZZ_CPU_SECONDS}s CPU}${FUZZ_CPU_SECONDS:-${seconds}s} (log: $log)"
  # -max_len: requests up to a bit more than the header limit plus a small body; JSON bodies
  # and money strings are far shorter than that anyway.
  if run_target "$target" "$corpus" "$seeds" "$artifacts" "$log"; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || true)"
    ft="$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || true)"
    files="$(find "$corpus" -type f | wc -l)"
    echo "$target: clean, ${runs:-?} executions, cov ${cov:-?}, ft ${ft:-?}, corpus $files, $used" \
      | tee "$build/$target.summary"
  else
    echo "   FAILED: see $log and $artifacts/" >&2
    tail -n 40 "$log" >&2
    echo "$target: FAILED" | tee "$build/$target.summary"
    return 1
  fi
}

# FUZZ_PARALLEL=1: every target at once (each its own process and corpus), e.g. for the long
# run when the machine has more idle cores than one target uses.
status=0
if [ -n "${FUZZ_PARALLEL:-}" ]; then
  pids=()
  for target in "${targets[@]}"; do
    fuzz_one "$target" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
else
  for target in "${targets[@]}"; do fuzz_one "$target" || status=1; done
fi

echo "== summary"
for target in "${targets[@]}"; do cat "$build/$target.summary"; done
exit "$status"

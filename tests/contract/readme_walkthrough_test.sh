#!/usr/bin/env bash
# Runs the README's first-requests walkthrough exactly as written (the lines between
# `<!-- walkthrough:begin -->` and `<!-- walkthrough:end -->`) against a real server on the
# suite's database (demo data seeded by the stack fixture), with localhost:8080 pointed at it.
# Each command line is followed by `# -> <expected>` lines: its output must equal them. A command
# whose expectation ends in "(eventually)" is repeated until it matches, within 20 s (the sandbox
# pays through an asynchronous callback).
#   tests/contract/readme_walkthrough_test.sh PATH_TO_HUICAI
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
huicai=${1:?usage: $0 PATH_TO_HUICAI}

scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

HUICAI_HTTP_PORT=0 HUICAI_HTTP_ADDRESS=127.0.0.1 HUICAI_PAYMENT_SANDBOX=on \
  "$huicai" serve >"$scratch/server.out" 2>"$scratch/server.log" &
server_pid=$!
for _ in $(seq 300); do
  grep -q '^listening on ' "$scratch/server.out" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; echo "FAIL: server exited" >&2; exit 1; }
  sleep 0.1
done
port=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$scratch/server.out")
[ -n "$port" ] || { echo "FAIL: server did not report its port" >&2; exit 1; }

# The walkthrough: commands and their expected output, in order.
sed -n '/<!-- walkthrough:begin -->/,/<!-- walkthrough:end -->/p' "$checkout/README.md" |
  sed -e '/^```/d' -e '/^<!--/d' -e '/^$/d' >"$scratch/walkthrough"
commands=$(grep -c -v '^#' "$scratch/walkthrough" || true)
[ "$commands" -eq 5 ] || { echo "FAIL: the walkthrough has $commands command lines, not 5" >&2; exit 1; }

# Runs in one shell, so variables (token, order id) carry from line to line as for a reader.
run_step() { # command expected_file
  sed "s/localhost:8080/127.0.0.1:$port/g" <<<"$1" >"$scratch/step.sh"
  # shellcheck disable=SC1091
  source "$scratch/step.sh" >"$scratch/actual" 2>&1 || true
}
command=
failures=0
check() {
  [ -n "$command" ] || return 0
  local eventually=0 deadline=$((SECONDS + 20))
  if grep -q '(eventually)$' "$scratch/expected"; then eventually=1; sed -i 's/ *(eventually)$//' "$scratch/expected"; fi
  while :; do
    run_step "$command"
    if diff -q "$scratch/expected" "$scratch/actual" >/dev/null; then
      echo "ok: $command"
      return 0
    fi
    if ((eventually == 0 || SECONDS > deadline)); then break; fi
    sleep 0.2
  done
  echo "FAIL: $command" >&2
  diff -u --label expected --label actual "$scratch/expected" "$scratch/actual" >&2 || true
  failures=$((failures + 1))
}
while IFS= read -r line; do
  if [[ "$line" == "# -> "* ]]; then
    printf '%s\n' "${line#\# -> }" >>"$scratch/expected"
  elif [[ "$line" != "#"* ]]; then
    check
    command=$line
    : >"$scratch/expected"
  fi
done <"$scratch/walkthrough"
check
if ((failures)); then exit 1; fi
echo "walkthrough ok: 5 commands answered as the README says"

#!/usr/bin/env bash
# The small demo history through the real API: a server (`huicai serve`, sandbox on) on a
# database of its own, migrated and seeded, then deploy/demo_history.py --scale small. It must
# add exactly ¥2,520,000.00 to the live aid total (the whole total on a fresh database), the
# rebuild from the source must give the same total, and `huicai reconcile` must exit 0.
#   tests/deploy/demo_history_test.sh PATH_TO_HUICAI
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
huicai=${1:?usage: $0 PATH_TO_HUICAI}
export HUICAI_ENV=development HUICAI_PAYMENT_SANDBOX=on HUICAI_HTTP_WORKERS=1
export HUICAI_MYSQL_DATABASE=huicai_demo_history_test HUICAI_REDIS_DATABASE=5

scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

bash "$checkout/deploy/stack.sh" start --migrate "$huicai" >"$scratch/stack.log" 2>&1 ||
  { cat "$scratch/stack.log" >&2; echo "FAIL: cannot provision $HUICAI_MYSQL_DATABASE" >&2; exit 1; }
"$huicai" seed >"$scratch/seed.log" 2>&1 || { cat "$scratch/seed.log" >&2; exit 1; }

HUICAI_HTTP_PORT=0 HUICAI_HTTP_ADDRESS=127.0.0.1 "$huicai" serve >"$scratch/server.out" 2>"$scratch/server.log" &
server_pid=$!
for _ in $(seq 300); do
  grep -q '^listening on ' "$scratch/server.out" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; echo "FAIL: server exited" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$scratch/server.out")
[ -n "$url" ] || { echo "FAIL: server did not report its port" >&2; exit 1; }

# Plain progress lines (stderr is not a terminal), then one JSON line with the outcome.
python3 -B "$checkout/deploy/demo_history.py" --url "$url" --scale small --add-fen 252000000 \
  >"$scratch/history.json" 2>"$scratch/history.err" ||
  { tail -n 30 "$scratch/history.err" >&2; echo "FAIL: demo_history.py failed" >&2; exit 1; }
cat "$scratch/history.err"
cat "$scratch/history.json"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$scratch/history.json" "$1"; }
target=$(field target_fen)
[ "$(field added)" = True ] || fail "nothing was added"
[ "$(field total_fen)" = "$target" ] || fail "live aid total $(field total_fen), expected exactly $target"
[ "$(field reconciliation_ok)" = True ] || fail "the API's reconciliation found a mismatch"
grep -q '^demo-history: 100% ' "$scratch/history.err" || fail "no plain progress line reached 100%"
grep -q 'orders/s$' "$scratch/history.err" || fail "progress lines do not show the rate"

# The totals rebuilt from ordering's records (the source of truth) are the same exact total.
rebuilt=$("$huicai" aidstats-rebuild 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total_fen"])')
[ "$rebuilt" = "$target" ] || fail "aidstats-rebuild total $rebuilt, expected $target"
# Settlement's reconciliation of the whole history: orders = ledger = statements (+ unsettled).
if ! "$huicai" reconcile >"$scratch/reconcile.out" 2>&1; then
  tail -n 20 "$scratch/reconcile.out" >&2
  fail "huicai reconcile did not exit 0"
fi
[ "$failures" -eq 0 ] || exit 1
echo "demo history: exactly $target fen in the live aid total, rebuilt and reconciled"

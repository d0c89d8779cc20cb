#!/usr/bin/env bash
# Benchmark (not a timed test) of the aid totals' live feed (issue 13): the time from a payment
# callback sent by the payment channel to the WebSocket frame reflecting it, received by each of
# SUBSCRIBERS (1,000) subscribers of GET /v1/aid-totals/feed, with callbacks at RATE (200) a
# second for SECONDS (20) seconds. Target: p99 <= 100 ms. SLOW (10) of the subscribers stop
# reading after their snapshot: the server must drop them without slowing the others.
#
# The path measured: POST /v1/payments/callbacks/sandbox (signed like the sandbox channel's own
# callbacks) -> ordering marks the order paid, outbox -> relay -> Redis stream -> the totals'
# consumer (batch, commit) -> Redis PUBLISH -> every instance's fan-out -> WebSocket frame.
#
# FIXED baseline in the same script: Redis PUBLISH -> SUBSCRIBE delivery to the same number of
# connections of the same Redis, at the frame rate and of the mean frame size the feed round
# measured (the fan-out primitive the feed is built on, without payment, consumer and WebSocket
# hop). Both measured by the same one-threaded client (aid_feed_bench), so its own delays are in
# both; ratios feed / baseline are printed with the load average (the machine may be shared).
#
#   tests/bench/aid_feed_latency.sh [build-dir]      (default: build)
#   SUBSCRIBERS=1000 RATE=200 DURATION=20 ROUNDS=1 tests/bench/aid_feed_latency.sh
#
# Fixture: SUPPLIERS (200) suppliers of one designated county, one certified SKU each, inserted
# with the admin MySQL user (the bench's stage); the orders are placed and their payment intents
# created through the real API before the measurement (an employee's personal order of one bag
# each, order k from supplier k mod SUPPLIERS), so each supplier's all-time amount tells how many
# of its payments a frame reflects. Its own database (huicai_bench) and a server on a free port.
set -euo pipefail
BUILD=${1:-build}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
SLOW=${SLOW:-10}
RATE=${RATE:-200}
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-1}
export SUPPLIERS=${SUPPLIERS:-200} SKUS_PER_SUPPLIER=1
# Every product certified by one certificate of its own (inserted below), so every line counts
# toward the totals; not the order fixture's mix of certified and uncertified products.
export CERTIFIED=0
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
case "$BUILD" in /*) ;; *) BUILD="$(cd "$(dirname "$0")/../.." && pwd)/$BUILD" ;; esac
TOOL="$BUILD/tests/bench/aid_feed_bench"
source "$(dirname "$0")/order_fixture.sh"

# 1,000 WebSockets plus the callbacks' connections, all from 127.0.0.1: the per-address limit
# must allow them, and both processes need the file descriptors.
ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) > SUBSCRIBERS + 500 )) || { echo "ulimit -n $(ulimit -n) is too low for $SUBSCRIBERS subscribers" >&2; exit 1; }
export HUICAI_HTTP_MAX_CONNECTIONS_PER_IP=$(( SUBSCRIBERS * 2 + 1000 ))
export HUICAI_PAYMENT_SANDBOX=true HUICAI_PAYMENT_REQUESTS_PER_MINUTE=0

start_stack

# --- fixture -------------------------------------------------------------------------------
make_catalog
sql "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, county_id, valid_from, valid_to) SELECT CONCAT('CERT-$S-', id), '县扶贫办', 'product', id, county_id, CURRENT_DATE - INTERVAL 1 DAY, CURRENT_DATE + INTERVAL 300 DAY FROM catalog_products WHERE county_id = $COUNTY"
ORDERS=$(( RATE * DURATION ))
echo "$SUPPLIERS suppliers x 1 certified SKU; $SUBSCRIBERS subscribers ($SLOW stop reading), $RATE callbacks/s for $DURATION s ($ORDERS payments) per round"

start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -f "$SKU_FILE" "${INTENTS:-}"' EXIT
BASE=$(( ($(date +%s) % 100000) * 10000 + RANDOM % 1000 * 10 ))
INTENTS=$(mktemp /tmp/huicai-bench-XXXX.intents)

field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<<"$2"; }
printf '%-5s %-9s %8s %8s %8s %8s %8s %9s %8s %7s %9s %s\n' round path p50_ms p90_ms p99_ms p999_ms max_ms frames/s bytes missing coalesced dropped
FAIL=0
for ROUND in $(seq "$ROUNDS"); do
  # The orders of this round, placed and drained before anything is measured.
  T0=$(date +%s.%N)
  "$TOOL" prepare "$PORT" "$SKU_FILE" "$ORDERS" "$(( BASE + ROUND * 1000 ))" "$INTENTS"
  drain
  echo "round $ROUND: $ORDERS orders and intents placed through the API in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s"

  TIMINGS_BEFORE=$(grep -c '"aid totals feed timings"' "$LOG" || true)
  FEED=$("$TOOL" feed "$PORT" "$SUBSCRIBERS" "$SLOW" "$RATE" "$INTENTS" "$S-$ROUND")
  LOAD_FEED=$(cut -d' ' -f1-3 /proc/loadavg)
  drain
  printf '%-5s %-9s %8s %8s %8s %8s %8s %9s %8s %7s %9s %s\n' "$ROUND" feed \
    "$(field p50_ms "$FEED")" "$(field p90_ms "$FEED")" "$(field p99_ms "$FEED")" "$(field p999_ms "$FEED")" \
    "$(field max_ms "$FEED")" "$(field frames_per_second "$FEED")" "$(field mean_frame_bytes "$FEED")" \
    "$(field missing "$FEED")" "$(field coalesced_updates "$FEED")" \
    "slow $(field slow_dropped "$FEED")/$SLOW, reading $(field reading_closed "$FEED")/$(field reading "$FEED")"
  echo "      callbacks: $(field paid "$FEED") paid, $(field refused "$FEED") refused, $(field callbacks_per_second "$FEED")/s; answered p50 $(field callback_p50_ms "$FEED") ms, p99 $(field callback_p99_ms "$FEED") ms   (load average: $LOAD_FEED)"

  # The baseline: the feed round's frame rate, frame count and frame size.
  FRAMES=$(printf '%.0f' "$(field frames_per_subscriber "$FEED")")
  FRAME_RATE=$(field frames_per_second "$FEED")
  BYTES=$(printf '%.0f' "$(field mean_frame_bytes "$FEED")")
  BASELINE=$("$TOOL" redis "${HUICAI_REDIS_PORT:-16379}" "$SUBSCRIBERS" "$FRAME_RATE" "$(( FRAMES > 0 ? FRAMES : 1 ))" "$(( BYTES > 0 ? BYTES : 1000 ))")
  LOAD_BASE=$(cut -d' ' -f1-3 /proc/loadavg)
  printf '%-5s %-9s %8s %8s %8s %8s %8s %9s %8s %7s\n' "$ROUND" baseline \
    "$(field p50_ms "$BASELINE")" "$(field p90_ms "$BASELINE")" "$(field p99_ms "$BASELINE")" "$(field p999_ms "$BASELINE")" \
    "$(field max_ms "$BASELINE")" "$FRAME_RATE" "$BYTES" "$(field missing "$BASELINE")"
  echo "      ratio feed/baseline: p50 $(awk -v f="$(field p50_ms "$FEED")" -v b="$(field p50_ms "$BASELINE")" 'BEGIN {printf "%.1f", f / b}'), p99 $(awk -v f="$(field p99_ms "$FEED")" -v b="$(field p99_ms "$BASELINE")" 'BEGIN {printf "%.1f", f / b}')   (load average: $LOAD_BASE)"

  # The server's own per-step timings of the round (services/aidstats/src/feed_timings.hpp),
  # logged once the feed has been quiet for a second: payment event -> consumer -> PUBLISH ->
  # subscription -> hub -> each subscriber's frame written.
  if (( $(grep -c '"aid totals feed timings"' "$LOG" || true) > TIMINGS_BEFORE )); then
    grep '"aid totals feed timings"' "$LOG" | tail -1 | sed -E 's/.*"steps":"([^"]*)".*/\1/' |
      tr ';' '\n' | sed -E 's/^ */      server step: /'
  fi

  P99=$(field p99_ms "$FEED")
  if awk -v p="$P99" 'BEGIN {exit !(p <= 100)}'; then echo "      target p99 <= 100 ms: met ($P99 ms)"; else echo "      target p99 <= 100 ms: MISSED ($P99 ms)"; FAIL=1; fi
  [[ "$(field missing "$FEED")" == 0 ]] || { echo "      FAIL: subscribers missed payments"; FAIL=1; }
  [[ "$(field refused "$FEED")" == 0 ]] || { echo "      FAIL: callbacks refused"; FAIL=1; }
done

# --- consistency: the totals equal what was paid ----------------------------------------------
check() { if [[ "$2" == "$3" ]]; then echo "ok    $1 ($2)"; else echo "FAIL  $1: $2 != $3"; FAIL=1; fi; }
check "the county's aid total = its paid lines" \
  "$(sql "SELECT COALESCE(SUM(amount_fen), 0) FROM aidstats_totals WHERE dimension = 'county' AND period = '' AND item = '$COUNTY'")" \
  "$(sql "SELECT COALESCE(SUM(l.line_total_fen), 0) FROM ordering_order_lines l JOIN ordering_orders o ON o.id = l.order_id WHERE l.county_id = $COUNTY AND o.paid_at IS NOT NULL")"
check "every order of the run paid" \
  "$(sql "SELECT COUNT(*) FROM ordering_orders o JOIN ordering_order_lines l ON l.order_id = o.id WHERE l.county_id = $COUNTY AND o.paid_at IS NOT NULL")" "$(( ORDERS * ROUNDS ))"
exit $FAIL

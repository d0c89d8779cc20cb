#pragma once
// The invariants checked after every cycle, once the system is quiet (every outbox row
// published, every event consumed, every stored payment callback delivered), straight from
// MariaDB and through `huicai reconcile`:
//   stock       never negative; available + reserved + sold = what was stocked; sold = the
//               quantities shipped, reserved = the quantities held by unshipped paid or unpaid
//               orders (so sold <= stocked)
//   orders      every acknowledged order exists exactly once, and the buyers have no other order
//               (an unknown outcome resolved to done-once or not-done, never to twice); every
//               answer under one Idempotency-Key names the same order
//   unknowns    every unknown outcome got a definite answer
//   payments    an order is paid at most once (one succeeded payment, one order_paid event)
//   money       per supplier and per county, exact in fen: paid lines − refunds = ledger aid =
//               live aid total; reconcile (ledger = statements + unsettled + unaccepted) exits 0
//   events      every published event of a consumer's types is in its processed-events table

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "history.hpp"
#include "workload.hpp"

namespace huicai::chaos {

struct Quiet {
  bool reached = false;
  std::chrono::milliseconds after{0};
  std::string waiting_for;  // what was still outstanding when the deadline passed
};

// Waits until nothing is in flight: outbox published, events consumed, callbacks delivered.
Quiet wait_until_quiet(std::chrono::milliseconds deadline);

// Violations found (empty: all invariants hold). `huicai` is the all-in-one binary (reconcile).
std::vector<std::string> check_invariants(const Fixture& fixture, const Workload& workload,
                                          const History& history, const std::string& huicai);

}  // namespace huicai::chaos

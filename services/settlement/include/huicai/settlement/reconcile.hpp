#pragma once
// Reconciliation: for a period (orders paid in it, China's calendar) or all time, per county and
// supplier, exact in fen:
//   Σ paid order lines − Σ refunds            (ordering_settlement_lines, ordering's view)
//   = Σ ledger aid postings                   (supplier payables credited − debited, payouts aside)
//   = Σ statement items + Σ accepted-not-yet-in-a-statement + Σ paid-not-yet-accepted
//     (statement items by their statements' predicate, ADR 0026)
// and, over the same orders, the fund sources' net (debits − refunds) = the aid postings.
// Every mismatch is listed with the orders whose amounts differ.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::settlement {

struct ReconcileFilter {
  std::optional<std::string> from;  // YYYY-MM-DD, inclusive
  std::optional<std::string> to;    // exclusive
  std::optional<std::int64_t> county_id;
  std::optional<std::int64_t> supplier_id;
};

struct SupplierReconciliation {
  std::int64_t county_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t ordering_net_fen = 0;  // paid lines − refunds
  std::int64_t ledger_aid_fen = 0;
  std::int64_t statements_fen = 0;
  std::int64_t accepted_unsettled_fen = 0;
  std::int64_t paid_unaccepted_fen = 0;
  bool matches() const {
    return ordering_net_fen == ledger_aid_fen &&
           ledger_aid_fen == statements_fen + accepted_unsettled_fen + paid_unaccepted_fen;
  }
  std::vector<std::int64_t> order_ids;  // of a mismatch: orders whose amounts differ
};

struct Reconciliation {
  std::vector<SupplierReconciliation> suppliers;  // by county, then supplier
  std::int64_t ledger_aid_fen = 0;                // Σ over the suppliers listed
  // Over the orders of the suppliers listed (all suppliers of those orders): the fund sources'
  // debits less refunds, and the aid postings; they must be equal.
  std::int64_t fund_sources_net_fen = 0;
  std::int64_t orders_aid_fen = 0;
  std::int64_t mismatches = 0;  // suppliers not matching, + 1 if funds differ
  bool ok() const { return mismatches == 0; }
};

// Independent queries, each run on a session. A RunJobs runs them all and returns when all are
// done (rethrowing the first failure): one after another on one session, or at once on several
// connections (the command does that: the sides are separate scans).
using SessionJobs = std::vector<std::function<void(mysql::Session&)>>;
using RunJobs = std::function<void(const SessionJobs&)>;
void run_in_turn(mysql::Session& session, const SessionJobs& jobs);

// One reconciliation in two rounds of independent jobs: the sides (four aggregate scans), then
// the order ids of each supplier that does not match. Run each round's jobs in any order or at
// once on separate sessions (the command on threads, the endpoint on coroutines); the jobs
// refer to the Reconciler, which must outlive them. `progress(step, steps)` as in reconcile().
class Reconciler {
 public:
  Reconciler(ReconcileFilter filter, std::function<void(int, int)> progress = {});
  ~Reconciler();
  Reconciler(const Reconciler&) = delete;
  Reconciler& operator=(const Reconciler&) = delete;
  SessionJobs sides();
  SessionJobs mismatch_details();  // after the sides are done
  Reconciliation result();         // after the details are done

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// `progress(step, steps)` is called as each step is done (for a terminal's progress bar), under
// a lock, from whichever thread finished the step.
Reconciliation reconcile(mysql::Session& session, const ReconcileFilter& filter,
                         const std::function<void(int, int)>& progress = {});
Reconciliation reconcile(const RunJobs& run, const ReconcileFilter& filter,
                         const std::function<void(int, int)>& progress = {});

}  // namespace huicai::settlement

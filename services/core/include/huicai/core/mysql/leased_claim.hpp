#pragma once
// Claiming work rows with a lease, for workers that must not hold a row lock across I/O (the
// outbox relay across XADD, ordering's callback delivery across an HTTP POST). In one short
// transaction: SELECT ... FOR UPDATE SKIP LOCKED the oldest due rows that nobody else holds a
// live lease on, then stamp them claimed_by = claimant, claimed_until = now + lease. Concurrent
// workers skip rows being claimed right now (SKIP LOCKED) and rows leased to another worker; a
// crashed worker's rows become claimable again when its lease ends.
//
// The table needs: id BIGINT (primary key), claimed_by VARCHAR NULL, claimed_until DATETIME(6)
// NULL (UTC). Rows are claimed in id order, the claimant's own live claims included (so a batch
// that failed comes back first to the same worker).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sql {
class ResultSet;
}

namespace huicai::mysql {

class Session;

struct LeasedClaim {
  std::string table;    // [a-z0-9_] only (spliced into SQL text)
  std::string columns;  // select list, e.g. "id, payload"; comes from code, never from users
  std::string due;      // SQL condition of rows still to do, e.g. "published_at IS NULL"
  std::vector<std::string> due_parameters;  // values of the ?s in `due`, in order
  std::string claimant;                     // make_claimant_id(...)
  std::size_t batch_size = 100;
  std::chrono::milliseconds lease{30'000};
};

// Must run inside pool.transaction(...). Calls `on_row` once per claimed row (the result set
// positioned on it) and returns the claimed ids.
std::vector<std::int64_t> claim_with_lease(Session& session, const LeasedClaim& claim,
                                           const std::function<void(sql::ResultSet& row)>& on_row);

// "<prefix>@<host>:<pid>:<random>": unique per worker object, readable in the table, and only
// [A-Za-z0-9@:._-] (at most 64 characters) so it can be spliced into SQL text.
std::string make_claimant_id(const std::string& prefix);

// For a worker starting up, inside pool.transaction(...): ends the live leases in `table` held by
// claimants of `prefix` on this host whose process is gone (no process with that pid here any
// more: killed, crashed), so a worker restarted after a crash takes their rows at once instead of
// after the lease. Returns the rows released. Leases of live processes, of other hosts and of
// ids it cannot read (a host name so long the pid was cut off) are left to run out. Releasing a
// lease of a worker that is in fact alive (another pid namespace under the same host name) costs
// at most a second delivery, which every lease-based worker already tolerates (consumers and the
// callback handler deduplicate).
std::size_t release_leases_of_dead_processes(Session& session, const std::string& table,
                                             const std::string& prefix);

// "1,2,3" for an IN (...) list.
std::string id_list(const std::vector<std::int64_t>& ids);

}  // namespace huicai::mysql

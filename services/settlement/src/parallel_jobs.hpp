#pragma once
// Running a round of independent jobs (a reconciliation's sides) at once on up to `connections`
// sessions of a pool: each worker takes the next job when its last is done, so no job waits in
// the pool's queue (whose wait for a connection is bounded) behind a long scan. Both wait for
// every job (they refer to the caller's state) before rethrowing the first failure.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <huicai/settlement/reconcile.hpp>

namespace huicai::mysql {
class Pool;
}

namespace huicai::settlement {

// Sides at once: about the wall time of the longest side, not their sum.
inline constexpr std::size_t kReconcileConnections = 4;

// On threads, blocking (the command).
void run_at_once(mysql::Pool& pool, std::size_t connections, const SessionJobs& jobs);
// On coroutines of the caller's executor (the endpoint).
boost::asio::awaitable<void> co_run_at_once(mysql::Pool& pool, std::size_t connections,
                                            const SessionJobs& jobs);

}  // namespace huicai::settlement

#pragma once
// Runs one pool job on one pool thread's connection: opens the connection when needed, wraps
// transactions in autocommit=0 .. COMMIT, retries conflicts, replaces broken connections, and
// turns "the server is not there" into huicai::ServiceUnavailable.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/mysql/pool.hpp>

#include "mysql/pooled_connection.hpp"

namespace huicai::mysql {

struct PoolCounters {
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> transaction_retries{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::uint64_t> failures{0};  // calls that ended in ServiceUnavailable
};

// Shared by all pool threads: after a connect attempt fails, the others fail at once for a
// short while instead of each waiting out its own connect timeout, so a down server answers
// every waiting call quickly (503) rather than one connect timeout per queued call.
class ConnectGate {
 public:
  static constexpr std::chrono::milliseconds kFastFailWindow{250};
  bool open_recently_failed() const;
  void record_failure();
  void record_success();

 private:
  std::atomic<std::int64_t> fail_until_ns_{0};
};

class JobRunner {
 public:
  JobRunner(const PoolOptions& options, PoolCounters& counters, ConnectGate& gate)
      : options_(options), counters_(counters), gate_(gate) {}

  // Throws what the job throws, or ServiceUnavailable for connection trouble and for conflicts
  // that outlast max_transaction_attempts.
  void run(PooledConnection& connection, const std::function<void(Session&)>& job,
           bool in_transaction, Isolation isolation = Isolation::repeatable_read);

 private:
  void ensure_open(PooledConnection& connection);
  void run_once_in_autocommit(PooledConnection& connection,
                              const std::function<void(Session&)>& job);
  void run_transaction(PooledConnection& connection, const std::function<void(Session&)>& job,
                       Isolation isolation);
  void roll_back(PooledConnection& connection);
  void back_off(int attempt);

  const PoolOptions& options_;
  PoolCounters& counters_;
  ConnectGate& gate_;
  bool opened_before_ = false;
};

}  // namespace huicai::mysql

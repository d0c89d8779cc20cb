#pragma once
// A pool of MySQL Connector/C++ connections on its own thread pool, awaitable from coroutines.
//
// Connector/C++ 1.1 blocks, so every call runs on a pool thread with a connection confined to
// that thread; the awaiting coroutine resumes on its own executor afterwards. A transaction is
// one call: the function you pass runs between BEGIN and COMMIT and must not await anything.
// Deadlocks and snapshot conflicts (1213, 1205, 1020) roll back and run the function again, so
// it must only touch the database and its own locals. A broken connection (2006, 2013) is
// dropped and replaced without OPT_RECONNECT. Down or overloaded -> huicai::ServiceUnavailable.
//
//   auto stock = co_await pool.transaction([&](mysql::Session& session) {
//     auto& update = session.prepare("UPDATE sku SET stock = stock - ? WHERE id = ? AND stock >=
//     ?");
//     ...
//     return left;
//   });

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/mysql/endpoints.hpp>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace huicai::mysql {

struct PoolOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 13306;
  // Tried in order when host:port cannot be reached (Galera nodes); a connection keeps the server
  // it reached until that one fails.
  std::vector<Endpoint> fallbacks;
  std::string user;
  std::string password;
  std::string database;
  std::size_t size = 4;            // connections = threads
  std::size_t queue_limit = 2048;  // calls waiting for a connection beyond this: unavailable
  std::chrono::milliseconds queue_timeout{5'000};  // waiting longer: unavailable
  std::chrono::seconds connect_timeout{3};
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  int max_transaction_attempts = 8;  // for 1213/1205/1020
};

// Isolation of one transaction. Connections default to REPEATABLE READ. READ COMMITTED is for
// transactions that change hot rows with conditional writes or locking reads and need no
// stable snapshot: no read view can go stale (no 1020 under innodb_snapshot_isolation), and
// locking reads take no gap locks that would block other sessions' INSERTs (docs/adr/0009).
enum class Isolation { repeatable_read, read_committed };

struct PoolStats {
  std::size_t size = 0;
  std::size_t busy = 0;
  std::size_t waiting = 0;
  std::uint64_t calls = 0;
  std::uint64_t transaction_retries = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t failures = 0;
};

// One connection, lent to one call on one pool thread. Never keep it past the call.
class Session {
 public:
  virtual ~Session() = default;
  // Prepared once per connection and cached by SQL text; parameters are cleared for you.
  virtual sql::PreparedStatement& prepare(const std::string& sql) = 0;
  virtual sql::Connection& native() = 0;
  // Runs a statement that returns no rows (DDL, SET, LOCK) without preparing it.
  virtual void execute_direct(const std::string& sql) = 0;
};

class Pool {
 public:
  // Results are delivered on `executor` (the caller's I/O context).
  Pool(boost::asio::any_io_executor executor, PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs f(Session&) on a pool thread in autocommit mode and returns its result. (Connections
  // stay in autocommit=0 between transactions; switching back costs this call a round trip
  // when the connection's previous job was a transaction.)
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Session&>> run(F f) {
    co_return co_await call<std::invoke_result_t<F&, Session&>>(std::move(f), false);
  }
  // Runs f(Session&) inside BEGIN..COMMIT, retrying on deadlock / snapshot conflict.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Session&>> transaction(
      F f, Isolation isolation = Isolation::repeatable_read) {
    co_return co_await call<std::invoke_result_t<F&, Session&>>(std::move(f), true, isolation);
  }

  // Blocking variants for tools (migrate, seed) and tests that run outside coroutines.
  template <class F>
  std::invoke_result_t<F&, Session&> run_blocking(F f, bool in_transaction = false) {
    using Result = std::invoke_result_t<F&, Session&>;
    if constexpr (std::is_void_v<Result>) {
      execute_blocking([&](Session& session) { f(session); }, in_transaction);
    } else {
      std::optional<Result> result;
      execute_blocking([&](Session& session) { result.emplace(f(session)); }, in_transaction);
      return std::move(*result);
    }
  }

  boost::asio::awaitable<bool> ping();  // true when a connection answers SELECT 1
  PoolStats stats() const;
  void close();  // finishes running calls, fails waiting ones, joins the threads

 private:
  template <class Result, class F>
  boost::asio::awaitable<Result> call(F f, bool in_transaction,
                                      Isolation isolation = Isolation::repeatable_read) {
    if constexpr (std::is_void_v<Result>) {
      co_await execute([&](Session& session) { f(session); }, in_transaction, isolation);
    } else {
      std::optional<Result> result;
      co_await execute([&](Session& session) { result.emplace(f(session)); }, in_transaction,
                       isolation);
      co_return std::move(*result);
    }
  }
  // Type-erased core: runs the job (again on retry), rethrows its exception in the caller.
  boost::asio::awaitable<void> execute(std::function<void(Session&)> job, bool in_transaction,
                                       Isolation isolation = Isolation::repeatable_read);
  void execute_blocking(std::function<void(Session&)> job, bool in_transaction);

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Server error codes we act on.
inline constexpr int kErrorDeadlock = 1213;
inline constexpr int kErrorLockWaitTimeout = 1205;
inline constexpr int kErrorSnapshotConflict = 1020;  // "Record has changed since last read"
inline constexpr int kErrorDuplicateKey = 1062;
inline constexpr int kErrorServerGone = 2006;
inline constexpr int kErrorServerLost = 2013;

}  // namespace huicai::mysql

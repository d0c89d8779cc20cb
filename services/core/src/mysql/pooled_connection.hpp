#pragma once
// One Connector/C++ connection and its prepared statements, confined to one pool thread.
// It may be absent (never opened, or dropped after a failure); open() replaces it.

#include <chrono>
#include <functional>
#include <huicai/core/mysql/pool.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace huicai::mysql {

class PooledConnection final : public Session {
 public:
  explicit PooledConnection(const PoolOptions& options);
  ~PooledConnection() override;

  // Session
  sql::PreparedStatement& prepare(const std::string& sql) override;
  sql::Connection& native() override;
  void execute_direct(const std::string& sql) override;

  // mysql::after_commit (huicai/core/mysql/after_commit.hpp) keeps the effects here; the job
  // runner runs them once the job's work is committed, or forgets them (it threw, or its
  // transaction runs again).
  void after_commit(std::function<void()> effect) { after_commit_.push_back(std::move(effect)); }
  void run_after_commit();
  void forget_after_commit() { after_commit_.clear(); }

  bool is_open() const { return connection_ != nullptr; }
  // Connects and sets the session up (UTC, strict sql_mode, REPEATABLE READ, autocommit), to
  // the configured server or, when it cannot be reached, to the first fallback that can.
  // Throws sql::SQLException when none can be reached.
  void open();
  // Forgets the connection and every statement prepared on it; never throws.
  void drop();
  // A connection unused for a while may have been closed by a server restart: ask it (one
  // round trip) before lending it out, and drop it if it does not answer.
  void drop_if_stale(std::chrono::steady_clock::duration idle_limit);
  void mark_used() { last_used_ = std::chrono::steady_clock::now(); }
  // Sets the session's isolation for the transactions that follow, with a round trip only when
  // it differs from the current one. Call between transactions, never inside one.
  void use_isolation(Isolation isolation);
  // Sets autocommit with a round trip only when it differs from the current mode: a connection
  // stays in autocommit=0 from one transaction to the next, and only an autocommit call
  // (Pool::run) after a transaction switches it back.
  void use_autocommit(bool on);
  // COMMIT and ROLLBACK as statements, which throw sql::SQLException when the server refuses
  // (Galera's certification failure, 1213) or the connection is lost. Never Connector/C++
  // 1.1's Connection::commit(), rollback() or setAutoCommit(): they discard the server's answer,
  // so a transaction Galera rolled back at COMMIT would pass for committed.
  void commit();
  void rollback();
  // Follows the business clock (huicai/core/business_clock.hpp): while its offset is not zero
  // (the development demo clock), sets the session's @@timestamp to the shifted time before
  // each job (a round trip); once it is back to zero, resets it once.
  void use_business_clock();
  std::size_t cached_statements() const { return statements_.size(); }
  // What the session is set to now (the pool hands a job to a connection already set the way
  // the job needs, when one is idle: pool.cpp).
  Isolation isolation() const { return isolation_; }
  bool autocommit() const { return autocommit_; }

 private:
  void open_endpoint(const Endpoint& endpoint);

  const PoolOptions& options_;
  std::size_t endpoint_ = 0;  // 0: options_.host/port, n: options_.fallbacks[n - 1]
  std::unique_ptr<sql::Connection> connection_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  std::chrono::steady_clock::time_point last_used_{};
  Isolation isolation_ = Isolation::repeatable_read;
  bool autocommit_ = true;
  bool clock_shifted_ = false;
  std::vector<std::function<void()>> after_commit_;
};

}  // namespace huicai::mysql

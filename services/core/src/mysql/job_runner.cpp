#include "mysql/job_runner.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <huicai/core/errors.hpp>
#include <random>
#include <string>
#include <thread>

#include "mysql/error_codes.hpp"

// When is it safe to run a transaction again?
//
// * Conflict (1213 deadlock, 1205 lock wait timeout, 1020 snapshot conflict, 1047 Galera not
//   ready): the server rolled the transaction back (or we do, for 1205, whose default only rolls
//   back the statement). Nothing of it is committed, so running the job again is safe. Galera
//   reports certification failures as 1213 from COMMIT itself: also not committed, also safe.
//   That error only reaches us because COMMIT goes out as a statement (PooledConnection::
//   commit): Connector/C++ 1.1's Connection::commit() drops the server's answer, and a
//   transaction that lost certification passed for committed (acknowledged orders missing).
// * Connection lost BEFORE we sent COMMIT: the transaction ran with autocommit=0 on a session
//   that no longer exists; a server only commits on COMMIT, and rolls back the open transaction
//   of a session that goes away. Nothing is committed, so we retry on a new connection (the
//   new connect fails fast with ServiceUnavailable if the server is really down). This is why
//   OPT_RECONNECT must stay off: a silent reconnect would continue the job on a fresh session
//   in autocommit mode, and its remaining statements would commit one by one. It also assumes
//   the job has no statement with an implicit commit (DDL, LOCK TABLES): never put one in a
//   transaction.
// * Connection lost WHILE COMMIT was in flight: the server may or may not have committed. We do
//   not run the job again (it could apply twice) and throw ServiceUnavailable saying the outcome
//   is unknown; callers make such writes idempotent (idempotency keys, compare-and-set).
// * Autocommit calls (Pool::run) are never retried after the job started: any statement in them
//   may already have committed. Staleness is handled before the job instead: a connection idle
//   for a while is pinged first and replaced if the server restarted meanwhile.

namespace huicai::mysql {
namespace {

constexpr auto kStaleAfter = std::chrono::seconds(1);

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool is_connection_failure(const sql::SQLException& error) {
  // InvalidInstanceException: Connector/C++'s "connection has been closed".
  return errors::is_connection_failure(error.getErrorCode()) ||
         dynamic_cast<const sql::InvalidInstanceException*>(&error) != nullptr;
}

std::string describe(const sql::SQLException& error) {
  return std::string(error.what()) + " (error " + std::to_string(error.getErrorCode()) + ")";
}

}  // namespace

bool ConnectGate::open_recently_failed() const {
  return now_ns() < fail_until_ns_.load();
}

void ConnectGate::record_failure() {
  fail_until_ns_.store(
      now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(kFastFailWindow).count());
}

void ConnectGate::record_success() {
  fail_until_ns_.store(0);
}

void JobRunner::run(PooledConnection& connection, const std::function<void(Session&)>& job,
                    bool in_transaction, Isolation isolation) {
  counters_.calls.fetch_add(1, std::memory_order_relaxed);
  try {
    if (in_transaction) {
      run_transaction(connection, job, isolation);
    } else {
      run_once_in_autocommit(connection, job);
    }
  } catch (const ServiceUnavailable&) {
    counters_.failures.fetch_add(1, std::memory_order_relaxed);
    throw;
  }
}

void JobRunner::ensure_open(PooledConnection& connection) {
  connection.drop_if_stale(kStaleAfter);
  if (connection.is_open()) return;
  if (gate_.open_recently_failed()) {
    throw ServiceUnavailable("mysql", "server unreachable (a connect just failed)");
  }
  try {
    connection.open();
  } catch (const sql::SQLException& error) {
    connection.drop();
    gate_.record_failure();
    throw ServiceUnavailable("mysql", "cannot connect to " + options_.host + ":" +
                                          std::to_string(options_.port) +
                                          (options_.fallbacks.empty() ? "" : " nor its fallbacks") +
                                          ": " + describe(error));
  }
  gate_.record_success();
  if (opened_before_) counters_.reconnects.fetch_add(1, std::memory_order_relaxed);
  opened_before_ = true;
}

void JobRunner::run_once_in_autocommit(PooledConnection& connection,
                                       const std::function<void(Session&)>& job) {
  ensure_open(connection);
  connection.forget_after_commit();
  try {
    connection.use_autocommit(true);
    connection.use_business_clock();
    job(connection);
    connection.mark_used();
  } catch (const sql::SQLException& error) {
    connection.forget_after_commit();
    if (is_connection_failure(error)) {
      connection.drop();
      throw ServiceUnavailable("mysql", "connection lost: " + describe(error));
    }
    connection.mark_used();
    throw;
  } catch (...) {
    connection.forget_after_commit();
    throw;
  }
  connection.run_after_commit();
}

void JobRunner::run_transaction(PooledConnection& connection,
                                const std::function<void(Session&)>& job, Isolation isolation) {
  const int max_attempts = std::max(1, options_.max_transaction_attempts);
  // Retries also stop once the call has taken longer than one read timeout: eight 5 s lock
  // waits in a row would otherwise hold a request for 40 s.
  const auto retry_until = std::chrono::steady_clock::now() + options_.read_timeout;
  for (int attempt = 1;; ++attempt) {
    ensure_open(connection);
    connection.forget_after_commit();  // what an attempt that rolled back asked for
    bool commit_sent = false;
    try {
      connection.use_isolation(isolation);
      connection.use_autocommit(false);  // a round trip only after an autocommit call
      connection.use_business_clock();
      job(connection);
      commit_sent = true;
      connection.commit();
    } catch (const sql::SQLException& error) {
      connection.forget_after_commit();
      if (is_connection_failure(error)) {
        connection.drop();
        if (commit_sent) {
          throw ServiceUnavailable(
              "mysql", "connection lost during COMMIT, outcome unknown: " + describe(error));
        }
        if (attempt < max_attempts) {
          counters_.transaction_retries.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        throw ServiceUnavailable("mysql", "connection lost: " + describe(error));
      }
      roll_back(connection);
      if (errors::is_transaction_conflict(error.getErrorCode())) {
        if (attempt < max_attempts && std::chrono::steady_clock::now() < retry_until) {
          counters_.transaction_retries.fetch_add(1, std::memory_order_relaxed);
          back_off(attempt);
          continue;
        }
        throw ServiceUnavailable("mysql", "transaction still conflicting after " +
                                              std::to_string(attempt) +
                                              " attempts: " + describe(error));
      }
      throw;
    } catch (...) {
      connection.forget_after_commit();
      roll_back(connection);
      throw;
    }
    // Committed. The connection stays in autocommit=0 for the next transaction (no SET per
    // transaction); an autocommit call switches it back first.
    connection.mark_used();
    connection.run_after_commit();
    return;
  }
}

void JobRunner::roll_back(PooledConnection& connection) {
  if (!connection.is_open()) return;
  try {
    connection.rollback();
    connection.mark_used();
  } catch (...) {
    // A connection that cannot roll back cannot be trusted with the next job; dropping it
    // rolls back on the server side.
    connection.drop();
  }
}

void JobRunner::back_off(int attempt) {
  // Exponential with jitter, so two transactions that just deadlocked do not collide again in
  // lockstep: a random delay in [d/2, d], d = 2 ms * 2^(attempt-1), at most 100 ms.
  thread_local std::minstd_rand random{std::random_device{}()};
  const int exponent = std::min(attempt - 1, 6);
  const auto limit = std::min<std::int64_t>(2'000 << exponent, 100'000);  // microseconds
  std::uniform_int_distribution<std::int64_t> pick(limit / 2, limit);
  std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
}

}  // namespace huicai::mysql

#include "mysql/pooled_connection.hpp"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <huicai/core/business_clock.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/driver.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace huicai::mysql {
namespace {

// Beyond this many distinct statements on one connection the cache starts over, so a caller
// that builds SQL text dynamically cannot exhaust the server's max_prepared_stmt_count.
constexpr std::size_t kStatementCacheLimit = 512;

// Must match what deploy/stack.sh gives the server, so behaviour does not depend on which
// server we talk to (a managed MySQL may have another default).
constexpr const char* kSessionSetup =
    "SET SESSION time_zone = '+00:00', SESSION sql_mode = "
    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION', SESSION autocommit = 1";
constexpr const char* kIsolationSetup = "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ";

}  // namespace

PooledConnection::PooledConnection(const PoolOptions& options) : options_(options) {}

PooledConnection::~PooledConnection() {
  drop();
}

void PooledConnection::open() {
  drop();
  // The configured server, then its fallbacks, starting with the one this connection reached
  // last: after a failover every reconnect goes straight to the server that answered, not
  // through the dead one first. When none can be reached, the last one's error is thrown.
  const std::size_t count = 1 + options_.fallbacks.size();
  for (std::size_t tried = 1;; ++tried) {
    try {
      open_endpoint(endpoint_ == 0 ? Endpoint{options_.host, options_.port}
                                   : options_.fallbacks[endpoint_ - 1]);
      return;
    } catch (const sql::SQLException&) {
      if (tried == count) throw;
      endpoint_ = (endpoint_ + 1) % count;
    }
  }
}

void PooledConnection::open_endpoint(const Endpoint& endpoint) {
  sql::ConnectOptionsMap properties;
  properties["hostName"] =
      sql::SQLString("tcp://" + endpoint.host + ":" + std::to_string(endpoint.port));
  properties["userName"] = sql::SQLString(options_.user);
  properties["password"] = sql::SQLString(options_.password);
  if (!options_.database.empty()) properties["schema"] = sql::SQLString(options_.database);
  properties["OPT_CONNECT_TIMEOUT"] = static_cast<int>(options_.connect_timeout.count());
  properties["OPT_READ_TIMEOUT"] = static_cast<int>(options_.read_timeout.count());
  properties["OPT_WRITE_TIMEOUT"] = static_cast<int>(options_.write_timeout.count());
  properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  // Never reconnect silently: the new session would have lost autocommit=0 (the rest of a
  // transaction would autocommit statement by statement) and every cached prepared statement
  // (1243 from then on). We drop the connection ourselves and open a new one.
  properties["OPT_RECONNECT"] = false;

  std::unique_ptr<sql::Connection> connection(initialize_driver().connect(properties));
  {
    std::unique_ptr<sql::Statement> setup(connection->createStatement());
    setup->execute(kSessionSetup);
    setup->execute(kIsolationSetup);
  }
  connection_ = std::move(connection);
  isolation_ = Isolation::repeatable_read;
  autocommit_ = true;
  clock_shifted_ = false;
  mark_used();
}

void PooledConnection::use_autocommit(bool on) {
  if (on == autocommit_) return;
  execute_direct(on ? "SET autocommit = 1" : "SET autocommit = 0");
  autocommit_ = on;
}

void PooledConnection::commit() {
  execute_direct("COMMIT");
}

void PooledConnection::rollback() {
  execute_direct("ROLLBACK");
}

void PooledConnection::use_business_clock() {
  const auto offset = business_clock::offset().count();
  if (offset == 0) {
    if (clock_shifted_) execute_direct("SET @@timestamp = DEFAULT");
    clock_shifted_ = false;
    return;
  }
  // SYSDATE() is the server's real time even when @@timestamp is set.
  execute_direct("SET @@timestamp = UNIX_TIMESTAMP(SYSDATE(6)) + " + std::to_string(offset) +
                 " / 1000000");
  clock_shifted_ = true;
}

void PooledConnection::use_isolation(Isolation isolation) {
  if (isolation == isolation_) return;
  execute_direct(isolation == Isolation::read_committed
                     ? "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"
                     : kIsolationSetup);
  isolation_ = isolation;
}

void PooledConnection::drop() {
  // Statements first: they belong to the connection. Closing either on a dead socket may
  // throw; the server side goes away with the socket anyway.
  for (auto& [text, statement] : statements_) {
    try {
      statement->close();
    } catch (...) {
    }
  }
  statements_.clear();
  if (connection_) {
    try {
      connection_->close();
    } catch (...) {
    }
    connection_.reset();
  }
}

void PooledConnection::drop_if_stale(std::chrono::steady_clock::duration idle_limit) {
  if (!connection_) return;
  if (std::chrono::steady_clock::now() - last_used_ < idle_limit) return;
  bool valid = false;
  try {
    valid = connection_->isValid();
  } catch (...) {
  }
  if (!valid) drop();
}

sql::PreparedStatement& PooledConnection::prepare(const std::string& sql) {
  if (auto found = statements_.find(sql); found != statements_.end()) {
    found->second->clearParameters();
    return *found->second;
  }
  if (statements_.size() >= kStatementCacheLimit) {
    for (auto& [text, statement] : statements_) {
      try {
        statement->close();
      } catch (...) {
        // Freed with the connection at the latest; a real connection failure shows up on the
        // prepare below.
      }
    }
    statements_.clear();
  }
  std::unique_ptr<sql::PreparedStatement> statement(native().prepareStatement(sql));
  auto& stored = statements_[sql];
  stored = std::move(statement);
  return *stored;
}

sql::Connection& PooledConnection::native() {
  if (!connection_) {
    // Only reachable when a job keeps using a Session after its connection failed and was
    // dropped mid-job; 2006 makes the pool treat it as the connection failure it is.
    throw sql::SQLException("MySQL connection was dropped", "HY000", 2006);
  }
  return *connection_;
}

void PooledConnection::execute_direct(const std::string& sql) {
  std::unique_ptr<sql::Statement> statement(native().createStatement());
  // A statement that does return rows (a SELECT in a migration) must have them fetched and
  // freed, or the connection is out of sync (2014) for the next command.
  if (statement->execute(sql)) {
    std::unique_ptr<sql::ResultSet> discarded(statement->getResultSet());
  }
}

void PooledConnection::run_after_commit() {
  auto effects = std::exchange(after_commit_, {});
  for (auto& effect : effects) {
    try {
      effect();
    } catch (...) {
      // Committed is committed: a notice that fails must not turn the call into a failure.
    }
  }
}

void after_commit(Session& session, std::function<void()> effect) {
  // Every Session the pool lends is a PooledConnection.
  auto* connection = dynamic_cast<PooledConnection*>(&session);
  if (connection == nullptr) throw std::logic_error("after_commit: not a pool session");
  connection->after_commit(std::move(effect));
}

}  // namespace huicai::mysql

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/retention.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::mysql {
namespace {

std::string delete_sql(const RetentionRule& rule) {
  std::string sql =
      "DELETE FROM " + rule.table + " WHERE " + rule.age_column + " < NOW(6) - INTERVAL ? DAY";
  if (!rule.condition.empty()) sql += " AND (" + rule.condition + ")";
  return sql + " ORDER BY " + rule.age_column + " LIMIT ?";
}

// Helpers kept out of coroutine bodies: GCC 12 miscompiles braced initializer lists there.
void log_pass(const RetentionRule& rule, std::size_t deleted) {
  if (deleted == 0) return;
  log::info("rows past their retention deleted",
            {{"table", rule.table}, {"rows", static_cast<std::int64_t>(deleted)}});
}

void log_pass_failure(const RetentionRule& rule, const std::string& reason) {
  log::warn("retention pass failed", {{"table", rule.table}, {"reason", reason}});
}

bool is_cancellation(const boost::system::system_error& error) {
  return error.code() == boost::asio::error::operation_aborted;
}

}  // namespace

boost::asio::awaitable<std::size_t> delete_expired(Pool& pool, const RetentionRule& rule) {
  const std::string sql = delete_sql(rule);
  std::size_t deleted = 0;
  for (;;) {
    // Named, not a temporary inside co_await (GCC 12 destroys those twice).
    auto delete_batch = [&](Session& session) -> std::size_t {
      auto& remove = session.prepare(sql);
      bind(remove, static_cast<std::int64_t>(rule.keep.count()),
           static_cast<std::int64_t>(rule.batch));
      return static_cast<std::size_t>(remove.executeUpdate());
    };
    const std::size_t batch = co_await pool.transaction(delete_batch, Isolation::read_committed);
    deleted += batch;
    if (batch < rule.batch) break;
  }
  co_return deleted;
}

boost::asio::awaitable<void> run_retention(Pool& pool, std::vector<RetentionRule> rules,
                                           std::chrono::milliseconds interval) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    for (const auto& rule : rules) {
      std::string failure;
      try {
        log_pass(rule, co_await delete_expired(pool, rule));
      } catch (const boost::system::system_error& error) {
        if (is_cancellation(error)) throw;
        failure = error.what();
      } catch (const std::exception& error) {
        failure = error.what();  // MySQL unavailable: the next pass tries again
      }
      if (!failure.empty()) log_pass_failure(rule, failure);
    }
    timer.expires_after(interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace huicai::mysql

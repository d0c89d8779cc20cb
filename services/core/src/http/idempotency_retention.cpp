#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/http/idempotency_retention.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::http {
namespace {

// Oldest first through the created_at index; READ COMMITTED takes no gap locks, so the keys that
// orders insert meanwhile never wait on a pass. A claim in progress (ClaimAt::start) is only
// deleted once its lease ran out: its process is gone.
std::string forget_sql(const std::string& table) {
  return "DELETE FROM " + table +
         " WHERE created_at < NOW(6) - INTERVAL ? DAY AND (status = 'completed' OR lease_until < "
         "NOW(6)) ORDER BY created_at LIMIT ?";
}

// Helpers kept out of coroutine bodies: GCC 12 miscompiles braced initializer lists there.
void log_pass(const KeyRetention& retention, std::size_t forgotten) {
  if (forgotten == 0) return;
  log::info("expired idempotency keys forgotten",
            {{"table", retention.table}, {"rows", static_cast<std::int64_t>(forgotten)}});
}

void log_pass_failure(const KeyRetention& retention, const std::string& reason) {
  log::warn("idempotency key retention pass failed",
            {{"table", retention.table}, {"reason", reason}});
}

bool is_cancellation(const boost::system::system_error& error) {
  return error.code() == boost::asio::error::operation_aborted;
}

}  // namespace

KeyRetention KeyRetention::from(const Config& config, std::string table) {
  KeyRetention retention;
  retention.table = std::move(table);
  retention.keep = config.idempotency_retention;
  retention.interval = config.idempotency_sweep_interval;
  return retention;
}

boost::asio::awaitable<std::size_t> forget_expired_keys(mysql::Pool& pool,
                                                        const KeyRetention& retention) {
  const std::string sql = forget_sql(retention.table);
  std::size_t forgotten = 0;
  for (;;) {
    // Named, not a temporary inside co_await (GCC 12 destroys those twice).
    auto forget_batch = [&](mysql::Session& session) -> std::size_t {
      auto& remove = session.prepare(sql);
      mysql::bind(remove, static_cast<std::int64_t>(retention.keep.count()),
                  static_cast<std::int64_t>(retention.batch));
      return static_cast<std::size_t>(remove.executeUpdate());
    };
    const std::size_t deleted =
        co_await pool.transaction(forget_batch, mysql::Isolation::read_committed);
    forgotten += deleted;
    if (deleted < retention.batch) break;
  }
  co_return forgotten;
}

boost::asio::awaitable<void> run_key_retention(mysql::Pool& pool, KeyRetention retention) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    std::string failure;
    try {
      log_pass(retention, co_await forget_expired_keys(pool, retention));
    } catch (const boost::system::system_error& error) {
      if (is_cancellation(error)) throw;
      failure = error.what();
    } catch (const std::exception& error) {
      failure = error.what();  // MySQL unavailable: the next pass tries again
    }
    if (!failure.empty()) log_pass_failure(retention, failure);
    timer.expires_after(retention.interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace huicai::http

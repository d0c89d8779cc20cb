#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/ordering/expiry_sweeper.hpp>
#include <vector>

#include "order_events.hpp"
#include "order_records.hpp"
#include "order_transitions.hpp"

namespace huicai::ordering {
namespace {

std::vector<std::int64_t> due_ids(mysql::Session& session, const std::string& sql,
                                  std::int64_t parameter, std::size_t batch) {
  auto& select = session.prepare(sql);
  mysql::bind(select, parameter, static_cast<std::int64_t>(batch));
  auto rows = mysql::query(select);
  std::vector<std::int64_t> ids;
  while (rows->next()) ids.push_back(rows->getInt64("id"));
  return ids;
}

void log_sweep_failure(const char* what, std::int64_t id, const std::string& reason) {
  log::warn("sweeper skips an item this pass", {{"item", what}, {"id", id}, {"reason", reason}});
}

// Helpers kept out of coroutine bodies: GCC 12 miscompiles braced initializer lists there.
void log_pass_failure(const std::string& reason) {
  log::warn("sweep pass failed", {{"reason", reason}});
}

bool is_cancellation(const boost::system::system_error& error) {
  return error.code() == boost::asio::error::operation_aborted;
}

}  // namespace

boost::asio::awaitable<SweepResult> sweep_once(mysql::Pool& pool,
                                               std::chrono::seconds auto_receive_after,
                                               std::size_t batch) {
  SweepResult result;
  const auto expired_ids = co_await pool.run([&](mysql::Session& session) {
    std::vector<std::int64_t> ids;
    for (const char* status : {"pending_payment", "pending_approval"}) {
      auto& select = session.prepare(
          "SELECT id FROM ordering_orders WHERE status = ? AND expires_at < NOW(6) "
          "ORDER BY expires_at LIMIT ?");
      mysql::bind(select, status, static_cast<std::int64_t>(batch));
      auto rows = mysql::query(select);
      while (rows->next()) ids.push_back(rows->getInt64("id"));
    }
    return ids;
  });
  for (const std::int64_t order_id : expired_ids) {
    // Named, not a temporary inside co_await (GCC 12 destroys those twice).
    auto end_if_due = [&](mysql::Session& session) {
      auto order = load_order(session, order_id, true);
      if (!order || (order->status != "pending_payment" && order->status != "pending_approval")) {
        return false;  // another sweeper, a payment or the buyer got there first
      }
      // Still due? (A second look under the lock, in the database's clock.)
      auto& due =
          session.prepare("SELECT expires_at < NOW(6) AS due FROM ordering_orders WHERE id = ?");
      mysql::bind(due, order_id);
      auto row = mysql::query(due);
      if (!row->next() || row->getInt("due") == 0) return false;
      Actor system{
          0, order->status == "pending_approval" ? "approval timed out" : "not paid in time", ""};
      end_order(session, *order, OrderStatus::expired, system);
      return true;
    };
    std::string failure;
    try {
      if (co_await pool.transaction(end_if_due, mysql::Isolation::read_committed)) {
        ++result.expired;
      }
    } catch (const boost::system::system_error& error) {
      if (is_cancellation(error)) throw;
      failure = error.what();
    } catch (const std::exception& error) {
      failure = error.what();  // a stuck order: the next ones still expire in this pass
    }
    if (!failure.empty()) {
      log_sweep_failure("order", order_id, failure);
      ++result.failed;
      result.failed_orders.push_back(order_id);
    }
  }

  const auto shipped_ids = co_await pool.run([&](mysql::Session& session) {
    return due_ids(session,
                   "SELECT id FROM ordering_fulfilments WHERE status = 'shipped' AND "
                   "shipped_at < DATE_SUB(NOW(6), INTERVAL ? SECOND) ORDER BY shipped_at LIMIT ?",
                   static_cast<std::int64_t>(auto_receive_after.count()), batch);
  });
  for (const std::int64_t fulfilment_id : shipped_ids) {
    auto receive_if_shipped = [&](mysql::Session& session) {
      auto order_id = order_of_fulfilment(session, fulfilment_id);
      if (!order_id) return false;
      auto order = load_order(session, *order_id, true);
      if (!order) return false;
      for (auto& fulfilment : order->fulfilments) {
        if (fulfilment.id != fulfilment_id || fulfilment.status != "shipped") continue;
        Actor system{0, "auto-confirmed receipt", ""};
        set_fulfilment_status(session, fulfilment, FulfilmentStatus::received);
        record_history(session, order->id, fulfilment.id, "shipped", fulfilment.status, system);
        emit_fulfilment_changed(session, *order, fulfilment, "fulfilment_received", "shipped",
                                system);
        complete_if_done(session, *order, system);
        return true;
      }
      return false;
    };
    std::string failure;
    try {
      if (co_await pool.transaction(receive_if_shipped, mysql::Isolation::read_committed)) {
        ++result.auto_received;
      }
    } catch (const boost::system::system_error& error) {
      if (is_cancellation(error)) throw;
      failure = error.what();
    } catch (const std::exception& error) {
      failure = error.what();
    }
    if (!failure.empty()) {
      log_sweep_failure("fulfilment", fulfilment_id, failure);
      ++result.failed;
    }
  }
  co_return result;
}

boost::asio::awaitable<void> run_sweeper(mysql::Pool& pool, std::chrono::milliseconds interval,
                                         std::chrono::seconds auto_receive_after) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    std::string failure;
    try {
      co_await sweep_once(pool, auto_receive_after);
    } catch (const boost::system::system_error& error) {
      if (is_cancellation(error)) throw;
      failure = error.what();
    } catch (const std::exception& error) {
      failure = error.what();  // MySQL unavailable: the next pass tries again
    }
    if (!failure.empty()) log_pass_failure(failure);
    timer.expires_after(interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace huicai::ordering

#include <huicai/events/v1/settlement.pb.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/overdue.hpp>
#include <huicai/settlement/service.hpp>
#include <vector>

#include "http_support.hpp"

namespace huicai::settlement {

std::int64_t announce_overdue(mysql::Session& session, const std::string& today,
                              std::int64_t limit) {
  auto& select = session.prepare(
      "SELECT id, supplier_id, county_id, DATE_FORMAT(period_start, '%Y-%m-%d') AS period_start, "
      "status, amount_fen, DATE_FORMAT(earliest_due_date, '%Y-%m-%d') AS due_date FROM "
      "settlement_statements WHERE status <> 'paid' AND earliest_due_date < ? AND "
      "overdue_notified_at IS NULL ORDER BY earliest_due_date, id LIMIT ? FOR UPDATE SKIP LOCKED");
  mysql::bind(select, today, limit);
  auto rows = mysql::query(select);
  std::vector<huicai::events::v1::StatementOverdue> overdue;
  while (rows->next()) {
    huicai::events::v1::StatementOverdue message;
    message.set_statement_id(rows->getInt64("id"));
    message.set_supplier_id(rows->getInt64("supplier_id"));
    message.set_county_id(rows->getInt64("county_id"));
    message.set_period_start(mysql::get_string(*rows, "period_start"));
    message.set_status(mysql::get_string(*rows, "status"));
    message.set_amount_fen(rows->getInt64("amount_fen"));
    message.set_due_date(mysql::get_string(*rows, "due_date"));
    message.set_detected_on(today);
    overdue.push_back(std::move(message));
  }
  auto& stamp = session.prepare(
      "UPDATE settlement_statements SET overdue_notified_at = NOW(6) WHERE id = ? AND "
      "overdue_notified_at IS NULL");
  std::int64_t announced = 0;
  for (const auto& message : overdue) {
    mysql::bind(stamp, message.statement_id());
    if (stamp.executeUpdate() != 1) continue;
    events::enqueue(session, kOutboxTable, kProducer,
                    {std::string(kProducer), "settlement.statement_overdue.v1",
                     std::to_string(message.statement_id()), message.SerializeAsString(), ""});
    ++announced;
  }
  return announced;
}

boost::asio::awaitable<void> run_overdue_sweeper(app::Context& context) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    const std::string today = today_china();
    co_await context.db().transaction(
        [&](mysql::Session& session) { return announce_overdue(session, today); });
    timer.expires_after(std::chrono::minutes(1));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace huicai::settlement

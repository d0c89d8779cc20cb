#include "payments.hpp"

#include <cppconn/exception.h>

#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "fund_ledger.hpp"
#include "order_transitions.hpp"
#include "payment_channel.hpp"

namespace huicai::ordering {
namespace {

boost::json::object intent_json(const std::string& intent_id, std::int64_t order_id,
                                std::int64_t amount_fen, const std::string& status,
                                std::string_view channel) {
  boost::json::object object;
  object["intent_id"] = intent_id;
  object["order_id"] = order_id;
  object["amount_fen"] = amount_fen;
  object["status"] = status;
  object["channel"] = std::string(channel);
  object["confirm_url"] = "/v1/payments/sandbox/" + intent_id + "/confirm";
  return object;
}

std::int64_t last_insert_id(mysql::Session& session) {
  auto& select = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto row = mysql::query(select);
  row->next();
  return row->getInt64("id");
}

// The money arrived for an order that no longer wants it: record it and give it all back.
void refund_late_payment(mysql::Session& session, PaymentChannel& channel, OrderRecord& order,
                         std::int64_t payment_id, const std::string& intent_id,
                         std::int64_t amount_fen, const Actor& actor) {
  channel.refund(session, intent_id, amount_fen);
  auto& update = session.prepare(
      "UPDATE ordering_payments SET status = 'refunded', refunded_fen = amount_fen "
      "WHERE id = ? AND status = 'succeeded'");
  mysql::bind(update, payment_id);
  if (update.executeUpdate() != 1) throw std::logic_error("late payment changed underneath");
  auto& insert = session.prepare(
      "INSERT INTO ordering_refunds (order_id, reason_kind, amount_fen, personal_fen, status, "
      "completed_at) VALUES (?, 'late_payment', ?, ?, 'completed', NOW(6))");
  mysql::bind(insert, order.id, amount_fen, amount_fen);
  insert.executeUpdate();
  const std::int64_t refund_id = last_insert_id(session);
  // The ledger shows the money coming in and going straight back out.
  const FundAccount account{order.buyer_account_id, order.unit_id, order.budget_year};
  move_funds(session, order.id, account, FundSource::personal, Movement::capture, amount_fen);
  move_funds(session, order.id, account, FundSource::personal, Movement::refund, amount_fen,
             refund_id);
  RefundForEvent event;
  event.refund_id = refund_id;
  event.reason_kind = "late_payment";
  event.amount_fen = amount_fen;
  event.shares = {{FundSource::personal, amount_fen}};
  emit_refund_completed(session, order, event, actor);
}

}  // namespace

boost::json::object create_payment_intent(mysql::Session& session, const OrderRecord& order,
                                          PaymentChannel& channel) {
  if (order.status != "pending_payment" || order.personal_fen <= 0) {
    throw_invalid_transition("the order", order.status, "paid");
  }
  auto& existing = session.prepare(
      "SELECT intent_id, amount_fen, status FROM ordering_payments WHERE order_id = ? AND "
      "status = 'pending' ORDER BY id LIMIT 1");
  mysql::bind(existing, order.id);
  auto row = mysql::query(existing);
  if (row->next()) {
    return intent_json(mysql::get_string(*row, "intent_id"), order.id, row->getInt64("amount_fen"),
                       mysql::get_string(*row, "status"), channel.name());
  }
  auto intent = channel.create_intent(session, order.id, order.personal_fen);
  auto& insert = session.prepare(
      "INSERT INTO ordering_payments (intent_id, order_id, channel, amount_fen, status) "
      "VALUES (?, ?, ?, ?, 'pending')");
  mysql::bind(insert, intent.intent_id, order.id, channel.name(), intent.amount_fen);
  insert.executeUpdate();
  return intent_json(intent.intent_id, order.id, intent.amount_fen, "pending", channel.name());
}

CallbackResult apply_callback(mysql::Session& session, PaymentChannel& channel,
                              const ChannelCallback& callback, const Actor& actor) {
  // The payment and its order, both rows locked (the payment's first, as before), in one
  // statement: what the callback decides on.
  static const std::string select_sql =
      "SELECT p.id AS payment_id, p.amount_fen AS payment_fen, p.status AS payment_status, " +
      order_columns("o") +
      " FROM ordering_payments p JOIN ordering_orders o ON o.id = p.order_id WHERE p.intent_id = "
      "? AND p.channel = ? FOR UPDATE";
  auto& select = session.prepare(select_sql);
  mysql::bind(select, callback.intent_id, channel.name());
  auto row = mysql::query(select);
  if (!row->next()) {
    throw http::Problem(422, "unknown-payment-intent", "Unknown payment intent",
                        "no payment intent " + callback.intent_id);
  }
  const std::int64_t payment_id = row->getInt64("payment_id");
  const std::int64_t amount_fen = row->getInt64("payment_fen");
  const std::string status = mysql::get_string(*row, "payment_status");
  OrderRecord order = read_order_row(*row);
  const std::int64_t order_id = order.id;
  row.reset();
  if (callback.amount_fen != amount_fen) {
    throw http::Problem(422, "payment-amount-mismatch", "Payment amount mismatch",
                        "the callback reports " + std::to_string(callback.amount_fen) +
                            " fen, the intent is for " + std::to_string(amount_fen))
        .with("expected_fen", amount_fen)
        .with("reported_fen", callback.amount_fen);
  }
  if (callback.status != "succeeded") {
    throw http::Problem(422, "payment-status-unsupported", "Unsupported payment status",
                        "only succeeded callbacks are handled");
  }

  // What the callback will do, decided before it is recorded so that its row is written once
  // with its outcome: the payment and order rows are locked, so no other callback of this
  // intent decides meanwhile.
  CallbackResult result{"already_settled", order_id};
  const bool pending = status == "pending";
  if (pending) {
    result.outcome = order.status == "pending_payment" ? "paid" : "late_payment_refunded";
  }
  try {
    auto& insert = session.prepare(
        "INSERT INTO ordering_payment_callbacks (channel, channel_event_id, intent_id, outcome) "
        "VALUES (?, ?, ?, ?)");
    mysql::bind(insert, channel.name(), callback.channel_event_id, callback.intent_id,
                result.outcome);
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != mysql::kErrorDuplicateKey) throw;
    return {"duplicate", order_id};  // recorded before: nothing changes
  }
  if (!pending) return result;

  auto& succeed = session.prepare(
      "UPDATE ordering_payments SET status = 'succeeded', channel_ref = ?, "
      "succeeded_at = NOW(6) WHERE id = ? AND status = 'pending'");
  mysql::bind(succeed, callback.channel_ref, payment_id);
  if (succeed.executeUpdate() != 1) throw std::logic_error("payment changed under its lock");
  load_order_parts(session, order);  // its fulfilments move, its lines go into the events
  if (result.outcome == "paid") {
    // The callback answers with the outcome only: the order's new times need not be read.
    mark_paid(session, order, actor, OrderTimes::stale);
  } else {
    refund_late_payment(session, channel, order, payment_id, callback.intent_id, amount_fen, actor);
  }
  return result;
}

}  // namespace huicai::ordering

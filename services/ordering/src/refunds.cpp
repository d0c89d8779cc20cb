#include "refunds.hpp"

#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>
#include <stdexcept>

#include "fund_ledger.hpp"
#include "payment_channel.hpp"

namespace huicai::ordering {
namespace {

std::int64_t last_insert_id(mysql::Session& session) {
  auto& select = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto row = mysql::query(select);
  row->next();
  return row->getInt64("id");
}

// Returns personal money through the channel, across the order's succeeded intents.
void refund_personal(mysql::Session& session, const OrderRecord& order, std::int64_t amount_fen,
                     PaymentChannel& channel) {
  auto& select = session.prepare(
      "SELECT id, intent_id, amount_fen - refunded_fen AS left_fen FROM ordering_payments "
      "WHERE order_id = ? AND status = 'succeeded' ORDER BY id FOR UPDATE");
  mysql::bind(select, order.id);
  auto rows = mysql::query(select);
  struct Intent {
    std::int64_t id;
    std::string intent_id;
    std::int64_t left_fen;
  };
  std::vector<Intent> intents;
  while (rows->next()) {
    intents.push_back(
        {rows->getInt64("id"), mysql::get_string(*rows, "intent_id"), rows->getInt64("left_fen")});
  }
  std::int64_t left = amount_fen;
  auto& update = session.prepare(
      "UPDATE ordering_payments SET refunded_fen = refunded_fen + ? WHERE id = ? AND "
      "refunded_fen + ? <= amount_fen");
  for (const auto& intent : intents) {
    if (left == 0) break;
    const std::int64_t take = std::min(left, intent.left_fen);
    if (take <= 0) continue;
    mysql::bind(update, take, intent.id, take);
    if (update.executeUpdate() != 1) throw std::logic_error("payment refund does not fit");
    channel.refund(session, intent.intent_id, take);
    left -= take;
  }
  if (left != 0) throw std::logic_error("personal refund exceeds what the channel collected");
}

}  // namespace

std::vector<FundShare> refundable_by_source(mysql::Session& session, const OrderRecord& order) {
  auto& select = session.prepare(
      "SELECT source, SUM(CASE kind WHEN 'capture' THEN amount_fen WHEN 'refund' THEN "
      "-amount_fen ELSE 0 END) AS refundable_fen FROM ordering_fund_movements WHERE order_id = ? "
      "GROUP BY source");
  mysql::bind(select, order.id);
  auto rows = mysql::query(select);
  std::map<std::string, std::int64_t> by_source;
  while (rows->next()) {
    by_source[mysql::get_string(*rows, "source")] = rows->getInt64("refundable_fen");
  }
  std::vector<FundShare> result;
  for (const auto& share : order.fund_shares()) {  // order of use
    result.push_back({share.source, by_source[std::string(to_string(share.source))]});
  }
  return result;
}

std::int64_t refund_to_sources(mysql::Session& session, OrderRecord& order,
                               const RefundRequest& request, PaymentChannel& channel,
                               const Actor& actor) {
  const auto refundable = refundable_by_source(session, order);
  auto shares = allocate_refund(refundable, request.amount_fen);
  if (!shares) {
    throw http::Problem(409, "refund-exceeds-paid", "Refund exceeds what was paid",
                        "the order cannot refund " + std::to_string(request.amount_fen) + " fen")
        .with("refundable_fen", sum_shares(refundable).value_or(0));
  }
  std::int64_t personal = 0, allowance = 0, budget = 0;
  for (const auto& share : *shares) {
    if (share.source == FundSource::personal) personal += share.amount_fen;
    if (share.source == FundSource::allowance) allowance += share.amount_fen;
    if (share.source == FundSource::unit_budget) budget += share.amount_fen;
  }
  auto& insert = session.prepare(
      "INSERT INTO ordering_refunds (order_id, fulfilment_id, after_sale_id, reason_kind, "
      "amount_fen, personal_fen, allowance_fen, budget_fen, status, completed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', NOW(6))");
  std::optional<std::int64_t> fulfilment_id, after_sale_id;
  if (request.fulfilment_id) fulfilment_id = request.fulfilment_id;
  if (request.after_sale_id) after_sale_id = request.after_sale_id;
  mysql::bind(insert, order.id, fulfilment_id, after_sale_id, request.reason_kind,
              request.amount_fen, personal, allowance, budget);
  insert.executeUpdate();
  const std::int64_t refund_id = last_insert_id(session);

  const FundAccount account{order.buyer_account_id, order.unit_id, order.budget_year};
  for (const auto& share : *shares) {
    if (share.source == FundSource::personal)
      refund_personal(session, order, share.amount_fen, channel);
    move_funds(session, order.id, account, share.source, Movement::refund, share.amount_fen,
               refund_id);
  }

  auto& update_order = session.prepare(
      "UPDATE ordering_orders SET refunded_fen = refunded_fen + ?, version = version + 1, "
      "updated_at = NOW(6) WHERE id = ? AND refunded_fen + ? <= total_fen");
  mysql::bind(update_order, request.amount_fen, order.id, request.amount_fen);
  if (update_order.executeUpdate() != 1) throw std::logic_error("order refund exceeds its total");
  order.refunded_fen += request.amount_fen;
  order.version += 1;
  auto& update_line = session.prepare(
      "UPDATE ordering_order_lines SET refunded_fen = refunded_fen + ? WHERE id = ? AND "
      "order_id = ? AND refunded_fen + ? <= line_total_fen");
  for (const auto& line : request.lines) {
    if (line.amount_fen <= 0) continue;
    mysql::bind(update_line, line.amount_fen, line.line_id, order.id, line.amount_fen);
    if (update_line.executeUpdate() != 1) {
      throw http::Problem(409, "refund-exceeds-line", "Refund exceeds the line",
                          "line " + std::to_string(line.line_id) + " cannot refund that much")
          .with("line_id", line.line_id);
    }
    for (auto& record : order.lines) {
      if (record.id == line.line_id) record.refunded_fen += line.amount_fen;
    }
  }

  RefundForEvent event;
  event.refund_id = refund_id;
  event.fulfilment_id = request.fulfilment_id;
  event.after_sale_id = request.after_sale_id;
  event.reason_kind = request.reason_kind;
  event.amount_fen = request.amount_fen;
  event.shares = *shares;
  event.lines = request.lines;
  emit_refund_completed(session, order, event, actor);
  return refund_id;
}

}  // namespace huicai::ordering

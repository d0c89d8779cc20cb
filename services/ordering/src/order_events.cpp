#include "order_events.hpp"

#include <huicai/events/v1/ordering.pb.h>

#include <chrono>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/ordering/order_state.hpp>

namespace huicai::ordering {
namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             business_clock::now().time_since_epoch())
      .count();
}

void fill_line(huicai::events::v1::OrderLineSnapshot& out, const LineRecord& line) {
  out.set_line_id(line.id);
  out.set_fulfilment_id(line.fulfilment_id);
  out.set_sku_id(line.sku_id);
  out.set_product_id(line.product_id);
  out.set_supplier_id(line.supplier_id);
  out.set_county_id(line.county_id);
  out.set_category_id(line.category_id);
  out.set_quantity(line.quantity);
  out.set_unit_price_fen(line.unit_price_fen);
  out.set_line_total_fen(line.line_total_fen);
  out.set_certified(line.certified);
  out.set_certificate_id(line.certificate_id.value_or(0));
  out.set_certificate_number(line.certificate_number.value_or(""));
  out.set_campaign_id(line.campaign_id.value_or(0));
  if (line.accepted_amount_fen) {
    out.set_has_acceptance(true);
    out.set_accepted_quantity(line.accepted_quantity.value_or(0));
    out.set_accepted_weight_grams(line.accepted_weight_grams.value_or(0));
    out.set_accepted_amount_fen(*line.accepted_amount_fen);
  }
}

events::OutgoingEvent order_event(std::string_view name, std::int64_t order_id, std::string payload,
                                  const Actor& actor) {
  events::OutgoingEvent event;
  event.stream = std::string(kStream);
  event.type = "ordering." + std::string(name) + ".v1";
  event.aggregate_id = std::to_string(order_id);
  event.payload = std::move(payload);
  event.request_id = actor.request_id;
  return event;
}

void enqueue(mysql::Session& session, std::string_view name, std::int64_t order_id,
             const std::string& payload, const Actor& actor) {
  events::enqueue(session, kOutboxTable, kProducer, order_event(name, order_id, payload, actor));
}

events::OutgoingEvent order_changed_event(const OrderRecord& order, std::string_view name,
                                          std::string_view from_status, const Actor& actor) {
  huicai::events::v1::OrderChanged message;
  message.set_order_id(order.id);
  message.set_from_status(std::string(from_status));
  message.set_to_status(order.status);
  message.set_buyer_account_id(order.buyer_account_id);
  message.set_buyer_kind(order.buyer_kind);
  message.set_unit_id(order.unit_id.value_or(0));
  message.set_unit_path(order.unit_path);
  message.set_fund_plan(order.fund_plan);
  message.set_total_fen(order.total_fen);
  for (const auto& share : order.fund_shares()) {
    auto* out = message.add_fund_shares();
    out->set_source(std::string(to_string(share.source)));
    out->set_amount_fen(share.amount_fen);
  }
  for (const auto& line : order.lines) fill_line(*message.add_lines(), line);
  message.set_occurred_at_us(now_us());
  message.set_actor_account_id(actor.account_id);
  message.set_reason(actor.reason);
  message.set_budget_year(order.budget_year);
  return order_event(name, order.id, message.SerializeAsString(), actor);
}

// The history row's bound values (7, in record_history's column order).
void bind_history(sql::PreparedStatement& insert, int& index, std::int64_t order_id,
                  std::optional<std::int64_t> fulfilment_id, std::string_view from_status,
                  std::string_view to_status, const Actor& actor) {
  std::optional<std::string_view> from;
  if (!from_status.empty()) from = from_status;
  std::optional<std::int64_t> actor_id;
  if (actor.account_id != 0) actor_id = actor.account_id;
  mysql::bind_one(insert, index++, order_id);
  mysql::bind_one(insert, index++, fulfilment_id);
  mysql::bind_one(insert, index++, from);
  mysql::bind_one(insert, index++, to_status);
  mysql::bind_one(insert, index++, actor_id);
  mysql::bind_one(insert, index++, actor.reason.substr(0, 500));
  mysql::bind_one(insert, index++, actor.request_id.substr(0, 64));
}

constexpr std::string_view kInsertHistory =
    "INSERT INTO ordering_order_history (order_id, fulfilment_id, from_status, to_status, "
    "actor_account_id, reason, request_id) VALUES ";
constexpr const char* kHistoryRow = "(?, ?, ?, ?, ?, ?, ?)";

}  // namespace

void record_history(mysql::Session& session, std::int64_t order_id,
                    std::optional<std::int64_t> fulfilment_id, std::string_view from_status,
                    std::string_view to_status, const Actor& actor) {
  static const std::string sql = std::string(kInsertHistory) + kHistoryRow;
  auto& insert = session.prepare(sql);
  int index = 1;
  bind_history(insert, index, order_id, fulfilment_id, from_status, to_status, actor);
  insert.executeUpdate();
}

void emit_order_changed(mysql::Session& session, const OrderRecord& order, std::string_view name,
                        std::string_view from_status, const Actor& actor) {
  events::enqueue(session, kOutboxTable, kProducer,
                  order_changed_event(order, name, from_status, actor));
}

void record_placements(mysql::Session& session, std::span<const PlacedOrder> placed) {
  if (placed.empty()) return;
  auto& insert = session.prepare(std::string(kInsertHistory) +
                                 mysql::repeated(kHistoryRow, ", ", placed.size()));
  int index = 1;
  std::vector<events::OutgoingEvent> changes;
  for (const auto& [order, actor] : placed) {
    bind_history(insert, index, order->id, std::nullopt, "", order->status, *actor);
    changes.push_back(order_changed_event(*order, "order_placed", "", *actor));
    if (order->status == to_string(OrderStatus::paid)) {
      changes.push_back(order_changed_event(*order, "order_paid", "", *actor));
    }
  }
  insert.executeUpdate();
  events::enqueue_all(session, kOutboxTable, kProducer, changes);
}

void emit_fulfilment_changed(mysql::Session& session, const OrderRecord& order,
                             const FulfilmentRecord& fulfilment, std::string_view name,
                             std::string_view from_status, const Actor& actor) {
  huicai::events::v1::FulfilmentChanged message;
  message.set_order_id(order.id);
  message.set_fulfilment_id(fulfilment.id);
  message.set_supplier_id(fulfilment.supplier_id);
  message.set_county_id(fulfilment.county_id);
  message.set_from_status(std::string(from_status));
  message.set_to_status(fulfilment.status);
  message.set_buyer_account_id(order.buyer_account_id);
  message.set_buyer_kind(order.buyer_kind);
  message.set_unit_id(order.unit_id.value_or(0));
  message.set_unit_path(order.unit_path);
  message.set_subtotal_fen(fulfilment.subtotal_fen);
  message.set_accepted_fen(fulfilment.accepted_fen.value_or(0));
  for (const auto& line : order.lines) {
    if (line.fulfilment_id == fulfilment.id) fill_line(*message.add_lines(), line);
  }
  message.set_carrier(fulfilment.carrier.value_or(""));
  message.set_tracking_number(fulfilment.tracking_number.value_or(""));
  message.set_batch_number(fulfilment.batch_number.value_or(""));
  message.set_occurred_at_us(now_us());
  message.set_actor_account_id(actor.account_id);
  message.set_reason(actor.reason);
  enqueue(session, name, order.id, message.SerializeAsString(), actor);
}

void emit_refund_completed(mysql::Session& session, const OrderRecord& order,
                           const RefundForEvent& refund, const Actor& actor) {
  huicai::events::v1::RefundCompleted message;
  message.set_refund_id(refund.refund_id);
  message.set_order_id(order.id);
  message.set_fulfilment_id(refund.fulfilment_id);
  message.set_reason_kind(refund.reason_kind);
  message.set_amount_fen(refund.amount_fen);
  for (const auto& share : refund.shares) {
    auto* out = message.add_fund_shares();
    out->set_source(std::string(to_string(share.source)));
    out->set_amount_fen(share.amount_fen);
  }
  for (const auto& amount : refund.lines) {
    for (const auto& line : order.lines) {
      if (line.id != amount.line_id) continue;
      auto* out = message.add_lines();
      out->set_line_id(line.id);
      out->set_sku_id(line.sku_id);
      out->set_supplier_id(line.supplier_id);
      out->set_county_id(line.county_id);
      out->set_certified(line.certified);
      out->set_amount_fen(amount.amount_fen);
    }
  }
  message.set_buyer_account_id(order.buyer_account_id);
  message.set_buyer_kind(order.buyer_kind);
  message.set_unit_id(order.unit_id.value_or(0));
  message.set_unit_path(order.unit_path);
  message.set_occurred_at_us(now_us());
  message.set_after_sale_id(refund.after_sale_id);
  enqueue(session, "refund_completed", order.id, message.SerializeAsString(), actor);
}

}  // namespace huicai::ordering

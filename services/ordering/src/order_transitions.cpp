#include "order_transitions.hpp"

#include <boost/json/string.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "campaign_caps.hpp"
#include "fund_ledger.hpp"
#include "stock_batches.hpp"

namespace huicai::ordering {

void throw_invalid_transition(std::string_view what, std::string_view current,
                              std::string_view wanted) {
  throw http::Problem(
      409, "invalid-transition", "Invalid transition",
      std::string(what) + " is " + std::string(current) + ", cannot become " + std::string(wanted))
      .with("current_status", boost::json::string(current))
      .with("requested_status", boost::json::string(wanted));
}

void set_order_status(mysql::Session& session, OrderRecord& order, OrderStatus to) {
  const auto from = order_status_from_string(order.status);
  if (!from || !can_transition(*from, to)) {
    throw_invalid_transition("the order", order.status, to_string(to));
  }
  auto& update = session.prepare(
      "UPDATE ordering_orders SET status = ?, version = version + 1, updated_at = NOW(6), "
      "paid_at = IF(? = 'paid', NOW(6), paid_at) WHERE id = ? AND status = ? AND version = ?");
  const std::string to_name(to_string(to));
  mysql::bind(update, to_name, to_name, order.id, order.status, order.version);
  if (update.executeUpdate() != 1) {
    // Someone else moved it first; tell the caller what it is now.
    auto& current = session.prepare("SELECT status FROM ordering_orders WHERE id = ?");
    mysql::bind(current, order.id);
    auto row = mysql::query(current);
    throw_invalid_transition("the order", row->next() ? mysql::get_string(*row, "status") : "gone",
                             to_name);
  }
  order.status = to_name;
  order.version += 1;
}

void set_fulfilment_status(mysql::Session& session, FulfilmentRecord& fulfilment,
                           FulfilmentStatus to) {
  const auto from = fulfilment_status_from_string(fulfilment.status);
  if (!from || !can_transition(*from, to)) {
    throw_invalid_transition("the fulfilment", fulfilment.status, to_string(to));
  }
  const std::string to_name(to_string(to));
  auto& update = session.prepare(
      "UPDATE ordering_fulfilments SET status = ?, version = version + 1, "
      "shipped_at = IF(? = 'shipped', NOW(6), shipped_at), "
      "received_at = IF(? = 'received', NOW(6), received_at), "
      "accepted_at = IF(? = 'accepted', NOW(6), accepted_at) "
      "WHERE id = ? AND status = ? AND version = ?");
  mysql::bind(update, to_name, to_name, to_name, to_name, fulfilment.id, fulfilment.status,
              fulfilment.version);
  if (update.executeUpdate() != 1) {
    auto& current = session.prepare("SELECT status FROM ordering_fulfilments WHERE id = ?");
    mysql::bind(current, fulfilment.id);
    auto row = mysql::query(current);
    throw_invalid_transition("the fulfilment",
                             row->next() ? mysql::get_string(*row, "status") : "gone", to_name);
  }
  fulfilment.status = to_name;
  fulfilment.version += 1;
}

void mark_paid(mysql::Session& session, OrderRecord& order, const Actor& actor, OrderTimes times) {
  const std::string from = order.status;
  set_order_status(session, order, OrderStatus::paid);
  const FundAccount account{order.buyer_account_id, order.unit_id, order.budget_year};
  for (const auto& share : order.fund_shares()) {
    // Personal money was collected by the channel; record it in the ledger all the same.
    move_funds(session, order.id, account, share.source, Movement::capture, share.amount_fen);
  }
  for (auto& fulfilment : order.fulfilments) {
    set_fulfilment_status(session, fulfilment, FulfilmentStatus::to_ship);
  }
  if (from == "pending_approval") {
    auto& approve = session.prepare(
        "UPDATE ordering_approvals SET status = 'approved', decided_by = ?, reason = ?, "
        "decided_at = NOW(6) WHERE order_id = ? AND status = 'pending'");
    mysql::bind(approve, actor.account_id, actor.reason.substr(0, 500), order.id);
    approve.executeUpdate();
  }
  // The record is current but for the order's times (NOW(6) of its UPDATE): the events do not
  // carry them, an answer does. (Moving to to_ship sets none of a fulfilment's times.)
  if (times == OrderTimes::reload) refresh_order_times(session, order);
  record_history(session, order.id, std::nullopt, from, order.status, actor);
  if (from == "pending_approval") emit_order_changed(session, order, "order_approved", from, actor);
  emit_order_changed(session, order, "order_paid", from, actor);
}

void end_order(mysql::Session& session, OrderRecord& order, OrderStatus to, const Actor& actor) {
  if (to != OrderStatus::expired && to != OrderStatus::rejected && to != OrderStatus::cancelled) {
    throw std::logic_error("end_order only ends orders");
  }
  const std::string from = order.status;
  set_order_status(session, order, to);
  // The CAS above succeeded exactly once for this order: release exactly once (campaign caps
  // first: order placement locks them before the stock rows).
  return_campaign_caps(session, order);
  release_order_stock(session, order);
  const FundAccount account{order.buyer_account_id, order.unit_id, order.budget_year};
  for (const auto& share : order.fund_shares()) {
    if (share.source == FundSource::personal) continue;  // nothing was collected
    move_funds(session, order.id, account, share.source, Movement::release, share.amount_fen);
  }
  for (auto& fulfilment : order.fulfilments) {
    set_fulfilment_status(session, fulfilment, FulfilmentStatus::cancelled);
  }
  if (from == "pending_approval") {
    auto& close = session.prepare(
        "UPDATE ordering_approvals SET status = ?, decided_by = ?, reason = ?, "
        "decided_at = NOW(6) WHERE order_id = ? AND status = 'pending'");
    const char* approval_status = to == OrderStatus::rejected  ? "rejected"
                                  : to == OrderStatus::expired ? "timed_out"
                                                               : "withdrawn";
    std::optional<std::int64_t> decided_by;
    if (actor.account_id != 0) decided_by = actor.account_id;
    mysql::bind(close, approval_status, decided_by, actor.reason.substr(0, 500), order.id);
    close.executeUpdate();
  }
  record_history(session, order.id, std::nullopt, from, order.status, actor);
  emit_order_changed(session, order, "order_" + std::string(to_string(to)), from, actor);
}

void complete_if_done(mysql::Session& session, OrderRecord& order, const Actor& actor) {
  if (order.status != "paid") return;
  const bool unit_order = order.buyer_kind == "unit";
  for (const auto& fulfilment : order.fulfilments) {
    const bool done = unit_order
                          ? fulfilment.status == "accepted"
                          : (fulfilment.status == "received" || fulfilment.status == "accepted");
    if (!done) return;
  }
  const std::string from = order.status;
  set_order_status(session, order, OrderStatus::completed);
  record_history(session, order.id, std::nullopt, from, order.status, actor);
  emit_order_changed(session, order, "order_completed", from, actor);
}

}  // namespace huicai::ordering

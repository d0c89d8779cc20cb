#include "place_order.hpp"

#include <algorithm>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/ordering/order_state.hpp>
#include <map>
#include <stdexcept>

#include "catalog_view.hpp"
#include "fund_ledger.hpp"
#include "price_quote.hpp"
#include "stock.hpp"

namespace huicai::ordering {
namespace {

std::int64_t last_insert_id(mysql::Session& session) {
  auto& select = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto row = mysql::query(select);
  row->next();
  return row->getInt64("id");
}

// Merges repeated SKUs and sorts by SKU id: every transaction locks stock rows in the same
// order, so two orders for the same SKUs cannot deadlock on each other.
std::vector<PlacementLine> normalized(const std::vector<PlacementLine>& lines) {
  std::map<std::int64_t, std::int64_t> by_sku;
  for (const auto& line : lines) by_sku[line.sku_id] += line.quantity;
  std::vector<PlacementLine> result;
  for (const auto& [sku, quantity] : by_sku) {
    if (quantity > kMaxLineQuantity) {
      throw http::Problem(
          422, "validation-failed", "Validation failed",
          "quantity of SKU " + std::to_string(sku) + " exceeds " + std::to_string(kMaxLineQuantity))
          .with("sku_id", sku);
    }
    result.push_back({sku, quantity});
  }
  return result;
}

struct PricedLine {
  OrderableSku sku;
  std::int64_t quantity = 0;
  std::int64_t line_total_fen = 0;
};

[[noreturn]] void throw_not_orderable(std::int64_t sku_id, bool exists) {
  throw http::Problem(
      422, "sku-not-orderable", "SKU not orderable",
      "SKU " + std::to_string(sku_id) + (exists ? " is not on sale now" : " does not exist"))
      .with("sku_id", sku_id);
}

// The buyer was shown another total: answer with the current prices and change nothing (the
// caller's transaction rolls back, stock reservations included).
void require_expected_total(const std::vector<PricedLine>& priced, std::int64_t total_fen,
                            std::optional<std::int64_t> expected_total_fen) {
  if (!expected_total_fen || *expected_total_fen == total_fen) return;
  std::vector<QuotedLine> quote;
  for (const auto& line : priced) {
    quote.push_back(
        {line.sku.sku_id, line.quantity, line.sku.price_fen, line.line_total_fen, true});
  }
  throw http::Problem(409, "price-changed", "Prices changed",
                      "the order would cost " + std::to_string(total_fen) + " fen, not the " +
                          std::to_string(*expected_total_fen) +
                          " fen expected: review the current prices and order again")
      .with("expected_total_fen", *expected_total_fen)
      .with("total_fen", total_fen)
      .with("price_version", boost::json::string(price_version(quote)))
      .with("lines", quoted_lines_json(quote));
}

std::optional<std::int64_t> approval_threshold(mysql::Session& session, std::int64_t unit_id) {
  auto& select = session.prepare(
      "SELECT approval_threshold_fen FROM ordering_unit_settings WHERE unit_id = ?");
  mysql::bind(select, unit_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return row->getInt64("approval_threshold_fen");
}

}  // namespace

int current_budget_year() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  return static_cast<int>(date.year());
}

OrderRecord place_order(mysql::Session& session, const PlacementInput& input) {
  const auto lines = normalized(input.lines);

  // 1. Reserve stock first, in SKU order, before any plain SELECT: with
  // innodb_snapshot_isolation a locking write to a row changed after the transaction's read view
  // was opened fails with 1020, and the stock rows are the hottest rows there are. Writing them
  // before the first consistent read means no read view exists yet, so concurrent buyers queue on
  // the row lock instead of failing and retrying.
  for (const auto& line : lines) {
    if (try_reserve_stock(session, line.sku_id, line.quantity)) continue;
    // Not reserved: an unknown or delisted SKU is the buyer's mistake (422), otherwise 409.
    auto sku = read_orderable_sku(session, line.sku_id);
    if (!sku || !sku->is_orderable) throw_not_orderable(line.sku_id, sku.has_value());
    throw_insufficient_stock(session, line.sku_id, line.quantity);
  }

  // 2. Price every line from the catalog view (inside this transaction).
  std::vector<PricedLine> priced;
  priced.reserve(lines.size());
  std::int64_t total_fen = 0;
  for (const auto& line : lines) {
    auto sku = read_orderable_sku(session, line.sku_id);
    if (!sku || !sku->is_orderable) throw_not_orderable(line.sku_id, sku.has_value());
    auto line_total_fen = line_total(sku->price_fen, line.quantity);
    if (!line_total_fen || total_fen > INT64_MAX - *line_total_fen) {
      throw http::Problem(422, "amount-too-large", "Amount too large",
                          "the order total does not fit");
    }
    total_fen += *line_total_fen;
    priced.push_back({std::move(*sku), line.quantity, *line_total_fen});
  }
  require_expected_total(priced, total_fen, input.expected_total_fen);

  // 3. Fund plan: split the total and hold the non-channel sources.
  FundAccount account{input.buyer_account_id, input.unit_id, input.year};
  std::int64_t allowance_available = 0;
  if (input.plan == FundPlan::allowance || input.plan == FundPlan::allowance_then_personal) {
    allowance_available = lock_allowance_available(session, input.buyer_account_id, input.year);
  }
  auto shares = split_total(input.plan, total_fen, allowance_available);
  if (!shares) {
    throw http::Problem(409, "allowance-insufficient", "Allowance insufficient",
                        "the union welfare allowance does not cover this order")
        .with("needed_fen", total_fen)
        .with("available_fen", allowance_available);
  }
  std::int64_t personal_fen = 0, allowance_fen = 0, budget_fen = 0;
  for (const auto& share : *shares) {
    if (share.source == FundSource::personal) personal_fen = share.amount_fen;
    if (share.source == FundSource::allowance) allowance_fen = share.amount_fen;
    if (share.source == FundSource::unit_budget) budget_fen = share.amount_fen;
  }

  // 4. Where it starts: approval for unit orders above the threshold, payment when there is a
  // personal share, otherwise paid straight away (allowance or budget captured now).
  OrderStatus status = OrderStatus::paid;
  std::chrono::seconds timeout{0};
  if (input.buyer_kind == "unit") {
    if (!input.unit_id) throw std::logic_error("unit order without a unit");
    auto threshold = approval_threshold(session, *input.unit_id);
    if (threshold && total_fen > *threshold) {
      status = OrderStatus::pending_approval;
      timeout = input.approval_timeout;
    }
  } else if (personal_fen > 0) {
    status = OrderStatus::pending_payment;
    timeout = input.payment_timeout;
  }
  const std::string status_name(to_string(status));

  // 5. The order row.
  const bool waits = status != OrderStatus::paid;
  auto& insert_order = session.prepare(
      "INSERT INTO ordering_orders (buyer_account_id, buyer_kind, unit_id, unit_path, status, "
      "fund_plan, total_fen, personal_fen, allowance_fen, budget_fen, budget_year, line_count, "
      "note, expires_at, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "IF(?, DATE_ADD(NOW(6), INTERVAL ? SECOND), NULL), IF(?, NULL, NOW(6)))");
  mysql::bind(insert_order, input.buyer_account_id, input.buyer_kind, input.unit_id,
              input.unit_path, status_name, to_string(input.plan), total_fen, personal_fen,
              allowance_fen, budget_fen, input.year, static_cast<int>(priced.size()), input.note,
              waits, static_cast<std::int64_t>(timeout.count()), waits);
  insert_order.executeUpdate();
  const std::int64_t order_id = last_insert_id(session);

  // 6. One fulfilment per supplier, then the lines with their snapshot.
  std::map<std::int64_t, std::int64_t> subtotal_by_supplier;
  std::map<std::int64_t, std::int64_t> county_by_supplier;
  for (const auto& line : priced) {
    subtotal_by_supplier[line.sku.supplier_id] += line.line_total_fen;
    county_by_supplier[line.sku.supplier_id] = line.sku.county_id;
  }
  const std::string fulfilment_status(to_string(status == OrderStatus::paid
                                                    ? FulfilmentStatus::to_ship
                                                    : FulfilmentStatus::awaiting_payment));
  std::map<std::int64_t, std::int64_t> fulfilment_by_supplier;
  auto& insert_fulfilment = session.prepare(
      "INSERT INTO ordering_fulfilments (order_id, supplier_id, county_id, status, subtotal_fen) "
      "VALUES (?, ?, ?, ?, ?)");
  for (const auto& [supplier_id, subtotal] : subtotal_by_supplier) {
    mysql::bind(insert_fulfilment, order_id, supplier_id, county_by_supplier[supplier_id],
                fulfilment_status, subtotal);
    insert_fulfilment.executeUpdate();
    fulfilment_by_supplier[supplier_id] = last_insert_id(session);
  }
  auto& insert_line = session.prepare(
      "INSERT INTO ordering_order_lines (order_id, fulfilment_id, sku_id, product_id, "
      "supplier_id, county_id, category_id, product_title, sku_spec, sale_unit, "
      "net_weight_grams, quantity, unit_price_fen, line_total_fen, certified, certificate_id, "
      "certificate_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& line : priced) {
    const auto& sku = line.sku;
    mysql::bind(insert_line, order_id, fulfilment_by_supplier[sku.supplier_id], sku.sku_id,
                sku.product_id, sku.supplier_id, sku.county_id, sku.category_id, sku.product_title,
                sku.sku_spec, sku.sale_unit, sku.net_weight_grams, line.quantity, sku.price_fen,
                line.line_total_fen, sku.certificate_id.has_value(), sku.certificate_id,
                sku.certificate_number);
    insert_line.executeUpdate();
  }

  // 7. Fund holds (and captures when already paid), approval request, cart clean-up.
  for (const auto& share : *shares) {
    if (share.source == FundSource::personal) continue;  // collected by the payment channel
    move_funds(session, order_id, account, share.source, Movement::hold, share.amount_fen);
    if (status == OrderStatus::paid) {
      move_funds(session, order_id, account, share.source, Movement::capture, share.amount_fen);
    }
  }
  if (status == OrderStatus::pending_approval) {
    auto& insert_approval = session.prepare(
        "INSERT INTO ordering_approvals (order_id, unit_id, unit_path, status, requested_by, "
        "deadline) VALUES (?, ?, ?, 'pending', ?, DATE_ADD(NOW(6), INTERVAL ? SECOND))");
    mysql::bind(insert_approval, order_id, input.unit_id, input.unit_path, input.buyer_account_id,
                static_cast<std::int64_t>(timeout.count()));
    insert_approval.executeUpdate();
  }
  if (input.remove_from_cart) {
    auto& remove =
        session.prepare("DELETE FROM ordering_cart_items WHERE account_id = ? AND sku_id = ?");
    for (const auto& line : priced) {
      mysql::bind(remove, input.buyer_account_id, line.sku.sku_id);
      remove.executeUpdate();
    }
  }

  // 8. History and events, from the order as stored.
  auto order = load_order(session, order_id);
  if (!order) throw std::logic_error("order vanished inside its own transaction");
  record_history(session, order_id, std::nullopt, "", status_name, input.actor);
  emit_order_changed(session, *order, "order_placed", "", input.actor);
  if (status == OrderStatus::paid) {
    emit_order_changed(session, *order, "order_paid", "", input.actor);
  }
  return *order;
}

}  // namespace huicai::ordering

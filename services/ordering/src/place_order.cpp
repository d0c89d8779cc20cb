#include "place_order.hpp"

#include <algorithm>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/datetime_text.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/ordering/order_state.hpp>
#include <map>
#include <stdexcept>

#include "campaign_caps.hpp"
#include "catalog_view.hpp"
#include "fund_ledger.hpp"
#include "price_quote.hpp"
#include "pricing_cache.hpp"
#include "stock.hpp"
#include "stock_batches.hpp"

namespace huicai::ordering {
namespace {

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
  const auto now = business_clock::now() + std::chrono::hours(8);
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  return static_cast<int>(date.year());
}

namespace {

// "(?, ?), (?, ?)" for a multi-row INSERT of `rows` rows.
std::string value_rows(const std::string& row, std::size_t rows) {
  std::string text;
  for (std::size_t i = 0; i < rows; ++i) {
    if (i > 0) text += ", ";
    text += row;
  }
  return text;
}

// The order row; fills in what the database chose (id, version, times).
void insert_order(mysql::Session& session, const PlacementInput& input, OrderRecord& order,
                  int line_count, std::chrono::seconds timeout) {
  const bool waits = order.status != to_string(OrderStatus::paid);
  static const std::string sql =
      "INSERT INTO ordering_orders (buyer_account_id, buyer_kind, unit_id, unit_path, status, "
      "fund_plan, total_fen, personal_fen, allowance_fen, budget_fen, budget_year, line_count, "
      "note, expires_at, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "IF(?, DATE_ADD(NOW(6), INTERVAL ? SECOND), NULL), IF(?, NULL, NOW(6))) "
      "RETURNING id, version, refunded_fen, " +
      mysql::microseconds_of("created_at") + ", " + mysql::microseconds_of("updated_at") + ", " +
      mysql::microseconds_of("expires_at") + ", " + mysql::microseconds_of("paid_at");
  auto& insert = session.prepare(sql);
  mysql::bind(insert, input.buyer_account_id, input.buyer_kind, input.unit_id, input.unit_path,
              order.status, order.fund_plan, order.total_fen, order.personal_fen,
              order.allowance_fen, order.budget_fen, input.year, line_count, input.note, waits,
              static_cast<std::int64_t>(timeout.count()), waits);
  auto row = mysql::query(insert);
  if (!row->next()) throw std::logic_error("INSERT ... RETURNING returned no row");
  // By position, in RETURNING's order (by name costs a search per column on this hot path);
  // the datetimes as microseconds (mysql/datetime_text.hpp).
  order.id = row->getInt64(1);
  order.version = row->getInt64(2);
  order.refunded_fen = row->getInt64(3);
  order.created_at = mysql::get_datetime(*row, 4);
  order.updated_at = mysql::get_datetime(*row, 5);
  order.expires_at = mysql::get_optional_datetime(*row, 6);
  order.paid_at = mysql::get_optional_datetime(*row, 7);
}

// One fulfilment per supplier (order.fulfilments holds them, ids still 0), in one INSERT.
void insert_fulfilments(mysql::Session& session, OrderRecord& order) {
  static const std::string returning =
      " RETURNING id, supplier_id, version, " + mysql::microseconds_of("created_at");
  auto& insert = session.prepare(
      "INSERT INTO ordering_fulfilments (order_id, supplier_id, county_id, status, subtotal_fen) "
      "VALUES " +
      value_rows("(?, ?, ?, ?, ?)", order.fulfilments.size()) + returning);
  int index = 1;
  for (const auto& fulfilment : order.fulfilments) {
    mysql::bind_one(insert, index++, order.id);
    mysql::bind_one(insert, index++, fulfilment.supplier_id);
    mysql::bind_one(insert, index++, fulfilment.county_id);
    mysql::bind_one(insert, index++, fulfilment.status);
    mysql::bind_one(insert, index++, fulfilment.subtotal_fen);
  }
  auto rows = mysql::query(insert);
  while (rows->next()) {  // RETURNING id, supplier_id, version, created_at (microseconds)
    const auto supplier_id = rows->getInt64(2);
    for (auto& fulfilment : order.fulfilments) {
      if (fulfilment.supplier_id != supplier_id) continue;
      fulfilment.id = rows->getInt64(1);
      fulfilment.order_id = order.id;
      fulfilment.version = rows->getInt64(3);
      fulfilment.created_at = mysql::get_datetime(*rows, 4);
    }
  }
}

// The lines with their catalog snapshot (order.lines, ids still 0), in one INSERT.
void insert_lines(mysql::Session& session, OrderRecord& order) {
  auto& insert = session.prepare(
      "INSERT INTO ordering_order_lines (order_id, fulfilment_id, sku_id, product_id, "
      "supplier_id, county_id, category_id, product_title, sku_spec, sale_unit, "
      "net_weight_grams, quantity, unit_price_fen, line_total_fen, certified, certificate_id, "
      "certificate_number, campaign_id) VALUES " +
      value_rows("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", order.lines.size()) +
      " RETURNING id, sku_id, refunded_fen");
  int index = 1;
  for (auto& line : order.lines) {
    for (const auto& fulfilment : order.fulfilments) {
      if (fulfilment.supplier_id == line.supplier_id) line.fulfilment_id = fulfilment.id;
    }
    line.order_id = order.id;
    mysql::bind_one(insert, index++, line.order_id);
    mysql::bind_one(insert, index++, line.fulfilment_id);
    mysql::bind_one(insert, index++, line.sku_id);
    mysql::bind_one(insert, index++, line.product_id);
    mysql::bind_one(insert, index++, line.supplier_id);
    mysql::bind_one(insert, index++, line.county_id);
    mysql::bind_one(insert, index++, line.category_id);
    mysql::bind_one(insert, index++, line.product_title);
    mysql::bind_one(insert, index++, line.sku_spec);
    mysql::bind_one(insert, index++, line.sale_unit);
    mysql::bind_one(insert, index++, line.net_weight_grams);
    mysql::bind_one(insert, index++, line.quantity);
    mysql::bind_one(insert, index++, line.unit_price_fen);
    mysql::bind_one(insert, index++, line.line_total_fen);
    mysql::bind_one(insert, index++, line.certified);
    mysql::bind_one(insert, index++, line.certificate_id);
    mysql::bind_one(insert, index++, line.certificate_number);
    mysql::bind_one(insert, index++, line.campaign_id);
  }
  auto rows = mysql::query(insert);
  while (rows->next()) {  // RETURNING id, sku_id, refunded_fen
    const auto sku_id = rows->getInt64(2);
    for (auto& line : order.lines) {
      if (line.sku_id != sku_id) continue;
      line.id = rows->getInt64(1);
      line.refunded_fen = rows->getInt64(3);
    }
  }
}

}  // namespace

// Round trips of a personal order of n lines from m suppliers (READ COMMITTED, see the header):
// one SELECT pricing every line, the order, its fulfilments and its lines (one INSERT ...
// RETURNING each), history, outbox, one stock UPDATE for every SKU; the caller adds the
// idempotency claim, the stored response and the COMMIT. Nothing written is read back.
OrderRecord place_order(mysql::Session& session, const PlacementInput& input) {
  const auto lines = normalized(input.lines);

  // 1. Price every line from the catalog view (or the pricing cache of it).
  std::vector<std::int64_t> sku_ids;
  for (const auto& line : lines) sku_ids.push_back(line.sku_id);
  // From the pricing cache, the stock rows' batch flag by primary key (only when some SKU has
  // batches does that matter); without one, both in the view's SELECT.
  std::map<std::int64_t, OrderableSku> skus;
  if (input.pricing) {
    skus = input.pricing->price(session, input.catalog_version, sku_ids);
    for (const auto sku_id : skus_in_batches(session, sku_ids)) {
      if (auto found = skus.find(sku_id); found != skus.end())
        found->second.stock_in_batches = true;
    }
  } else {
    skus = read_orderable_skus(session, sku_ids);
  }
  std::vector<PricedLine> priced;
  priced.reserve(lines.size());
  std::int64_t total_fen = 0;
  for (const auto& line : lines) {
    auto found = skus.find(line.sku_id);
    if (found == skus.end() || !found->second.is_orderable) {
      throw_not_orderable(line.sku_id, found != skus.end());
    }
    auto line_total_fen = line_total(found->second.price_fen, line.quantity);
    if (!line_total_fen || total_fen > INT64_MAX - *line_total_fen) {
      throw http::Problem(422, "amount-too-large", "Amount too large",
                          "the order total does not fit");
    }
    total_fen += *line_total_fen;
    priced.push_back({std::move(found->second), line.quantity, *line_total_fen});
  }
  require_expected_total(priced, total_fen, input.expected_total_fen);

  // 2. Fund plan: split the total and hold the non-channel sources.
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

  // 3. Where it starts: approval for unit orders above the threshold, payment when there is a
  // personal share, otherwise paid straight away (allowance or budget captured now).
  OrderRecord order;
  order.buyer_account_id = input.buyer_account_id;
  order.buyer_kind = input.buyer_kind;
  order.unit_id = input.unit_id;
  order.unit_path = input.unit_path;
  order.fund_plan = std::string(to_string(input.plan));
  order.total_fen = total_fen;
  order.budget_year = input.year;
  order.note = input.note;
  for (const auto& share : *shares) {
    if (share.source == FundSource::personal) order.personal_fen = share.amount_fen;
    if (share.source == FundSource::allowance) order.allowance_fen = share.amount_fen;
    if (share.source == FundSource::unit_budget) order.budget_fen = share.amount_fen;
  }
  OrderStatus status = OrderStatus::paid;
  std::chrono::seconds timeout{0};
  if (input.buyer_kind == "unit") {
    if (!input.unit_id) throw std::logic_error("unit order without a unit");
    auto threshold = approval_threshold(session, *input.unit_id);
    if (threshold && total_fen > *threshold) {
      status = OrderStatus::pending_approval;
      timeout = input.approval_timeout;
    }
  } else if (order.personal_fen > 0) {
    status = OrderStatus::pending_payment;
    timeout = input.payment_timeout;
  }
  order.status = std::string(to_string(status));

  // 4. Order, fulfilments (one per supplier, in supplier order), lines with their snapshot.
  insert_order(session, input, order, static_cast<int>(priced.size()), timeout);
  const std::string fulfilment_status(to_string(status == OrderStatus::paid
                                                    ? FulfilmentStatus::to_ship
                                                    : FulfilmentStatus::awaiting_payment));
  std::map<std::int64_t, FulfilmentRecord> by_supplier;
  for (const auto& line : priced) {
    auto& fulfilment = by_supplier[line.sku.supplier_id];
    fulfilment.supplier_id = line.sku.supplier_id;
    fulfilment.county_id = line.sku.county_id;
    fulfilment.status = fulfilment_status;
    fulfilment.subtotal_fen += line.line_total_fen;
  }
  for (auto& [supplier_id, fulfilment] : by_supplier) order.fulfilments.push_back(fulfilment);
  insert_fulfilments(session, order);
  for (const auto& line : priced) {
    const auto& sku = line.sku;
    LineRecord record;
    record.sku_id = sku.sku_id;
    record.product_id = sku.product_id;
    record.supplier_id = sku.supplier_id;
    record.county_id = sku.county_id;
    record.category_id = sku.category_id;
    record.product_title = sku.product_title;
    record.sku_spec = sku.sku_spec;
    record.sale_unit = sku.sale_unit;
    record.net_weight_grams = sku.net_weight_grams;
    record.quantity = line.quantity;
    record.unit_price_fen = sku.price_fen;
    record.line_total_fen = line.line_total_fen;
    record.certified = sku.certificate_id.has_value();
    record.certificate_id = sku.certificate_id;
    record.certificate_number = sku.certificate_number;
    record.campaign_id = sku.campaign_id;
    order.lines.push_back(std::move(record));
  }
  insert_lines(session, order);

  // 5. Fund holds (and captures when already paid), approval request, cart clean-up.
  for (const auto& share : *shares) {
    if (share.source == FundSource::personal) continue;  // collected by the payment channel
    move_funds(session, order.id, account, share.source, Movement::hold, share.amount_fen);
    if (status == OrderStatus::paid) {
      move_funds(session, order.id, account, share.source, Movement::capture, share.amount_fen);
    }
  }
  if (status == OrderStatus::pending_approval) {
    auto& insert_approval = session.prepare(
        "INSERT INTO ordering_approvals (order_id, unit_id, unit_path, status, requested_by, "
        "deadline) VALUES (?, ?, ?, 'pending', ?, DATE_ADD(NOW(6), INTERVAL ? SECOND))");
    mysql::bind(insert_approval, order.id, input.unit_id, input.unit_path, input.buyer_account_id,
                static_cast<std::int64_t>(timeout.count()));
    insert_approval.executeUpdate();
  }
  if (input.remove_from_cart) {
    auto& remove =
        session.prepare("DELETE FROM ordering_cart_items WHERE account_id = ? AND sku_id IN (" +
                        value_rows("?", priced.size()) + ")");
    int index = 1;
    mysql::bind_one(remove, index++, input.buyer_account_id);
    for (const auto& line : priced) mysql::bind_one(remove, index++, line.sku.sku_id);
    remove.executeUpdate();
  }

  // 6. History and events, from the order as written (not read back).
  record_history(session, order.id, std::nullopt, "", order.status, input.actor);
  emit_order_changed(session, order, "order_placed", "", input.actor);
  if (status == OrderStatus::paid) {
    emit_order_changed(session, order, "order_paid", "", input.actor);
  }

  // 7. Stock last, in one UPDATE: its rows are the hottest there are, so they are locked for
  // the shortest time (this statement, the stored response and the COMMIT).
  // SKUs with harvest batches then draw the same units from their oldest open batches.
  std::vector<StockRequest> requests;
  std::vector<CampaignTake> campaign_takes;
  for (const auto& line : priced) {
    requests.push_back({line.sku.sku_id, line.quantity, line.sku.stock_in_batches});
    if (line.sku.campaign_id) {
      campaign_takes.push_back(
          {*line.sku.campaign_id, line.sku.sku_id, line.quantity, line.sku.campaign_stock_cap});
    }
  }
  take_campaign_caps(session, campaign_takes);
  reserve_all_stock(session, requests);
  draw_from_batches(session, order, requests);
  return order;
}

}  // namespace huicai::ordering

#include "place_order.hpp"

#include <algorithm>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/datetime_text.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/ordering/order_state.hpp>
#include <map>
#include <set>
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
  quote.reserve(priced.size());
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

// One order decided and not yet written: its priced lines, its fund shares and where it starts.
struct OrderDraft {
  const PlacementInput* input = nullptr;
  std::vector<PricedLine> priced;
  std::vector<FundShare> shares;
  OrderStatus status = OrderStatus::paid;
  std::chrono::seconds timeout{0};
  OrderRecord order;
};

// The catalog entries of every SKU the orders name: from the pricing cache under each order's
// catalog version, with the stock rows' batch flag for all of them in one SELECT by primary key
// (only when some SKU has batches does that matter); without a cache, both in one SELECT.
std::map<std::int64_t, OrderableSku> priced_skus(
    mysql::Session& session, const std::vector<const PlacementInput*>& inputs,
    const std::vector<std::vector<PlacementLine>>& lines) {
  std::vector<std::int64_t> all_sku_ids;
  for (const auto& order_lines : lines) {
    for (const auto& line : order_lines) all_sku_ids.push_back(line.sku_id);
  }
  std::sort(all_sku_ids.begin(), all_sku_ids.end());
  all_sku_ids.erase(std::unique(all_sku_ids.begin(), all_sku_ids.end()), all_sku_ids.end());
  const bool cached = std::all_of(inputs.begin(), inputs.end(),
                                  [](const PlacementInput* input) { return input->pricing; });
  if (!cached) return read_orderable_skus(session, all_sku_ids);
  std::map<std::int64_t, OrderableSku> skus;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::vector<std::int64_t> sku_ids;
    for (const auto& line : lines[i]) sku_ids.push_back(line.sku_id);
    // A cache hit costs no I/O; orders of one group usually share a version.
    for (auto& [sku_id, sku] :
         inputs[i]->pricing->price(session, inputs[i]->catalog_version, sku_ids)) {
      skus.insert_or_assign(sku_id, std::move(sku));
    }
  }
  // An order alone needs to know which SKUs hold units in batches (it draws from them); a group
  // does not read it: its reservation takes loose units only and fails on such a SKU
  // (reserve_orders_stock).
  if (inputs.size() == 1) {
    for (const auto sku_id : skus_in_batches(session, all_sku_ids)) {
      if (auto found = skus.find(sku_id); found != skus.end()) {
        found->second.stock_in_batches = true;
      }
    }
  }
  return skus;
}

std::vector<PricedLine> price_lines(const std::vector<PlacementLine>& lines,
                                    const std::map<std::int64_t, OrderableSku>& skus,
                                    std::optional<std::int64_t> expected_total_fen) {
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
    priced.push_back({found->second, line.quantity, *line_total_fen});
  }
  require_expected_total(priced, total_fen, expected_total_fen);
  return priced;
}

// Steps 2 and 3 of placing: the fund plan's split (holding the allowance row when the plan uses
// it) and where the order starts: approval for unit orders above the threshold, payment when
// there is a personal share, otherwise paid straight away (allowance or budget captured now).
void decide(mysql::Session& session, OrderDraft& draft) {
  const auto& input = *draft.input;
  std::int64_t total_fen = 0;
  for (const auto& line : draft.priced) total_fen += line.line_total_fen;
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
  draft.shares = std::move(*shares);

  OrderRecord& order = draft.order;
  order.buyer_account_id = input.buyer_account_id;
  order.buyer_kind = input.buyer_kind;
  order.unit_id = input.unit_id;
  order.unit_path = input.unit_path;
  order.fund_plan = std::string(to_string(input.plan));
  order.total_fen = total_fen;
  order.budget_year = input.year;
  order.note = input.note;
  for (const auto& share : draft.shares) {
    if (share.source == FundSource::personal) order.personal_fen = share.amount_fen;
    if (share.source == FundSource::allowance) order.allowance_fen = share.amount_fen;
    if (share.source == FundSource::unit_budget) order.budget_fen = share.amount_fen;
  }
  draft.status = OrderStatus::paid;
  if (input.buyer_kind == "unit") {
    if (!input.unit_id) throw std::logic_error("unit order without a unit");
    auto threshold = approval_threshold(session, *input.unit_id);
    if (threshold && total_fen > *threshold) {
      draft.status = OrderStatus::pending_approval;
      draft.timeout = input.approval_timeout;
    }
  } else if (order.personal_fen > 0) {
    draft.status = OrderStatus::pending_payment;
    draft.timeout = input.payment_timeout;
  }
  order.status = std::string(to_string(draft.status));

  // One fulfilment per supplier (in supplier order), the lines with their catalog snapshot;
  // their ids come from the INSERTs.
  const std::string fulfilment_status(to_string(draft.status == OrderStatus::paid
                                                    ? FulfilmentStatus::to_ship
                                                    : FulfilmentStatus::awaiting_payment));
  std::map<std::int64_t, FulfilmentRecord> by_supplier;
  for (const auto& line : draft.priced) {
    auto& fulfilment = by_supplier[line.sku.supplier_id];
    fulfilment.supplier_id = line.sku.supplier_id;
    fulfilment.county_id = line.sku.county_id;
    fulfilment.status = fulfilment_status;
    fulfilment.subtotal_fen += line.line_total_fen;
  }
  for (auto& [supplier_id, fulfilment] : by_supplier) order.fulfilments.push_back(fulfilment);
  for (const auto& line : draft.priced) {
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
}

// The order rows in one INSERT; fills in what the database chose (id, version, times).
// RETURNING gives the rows in the order of VALUES; each row's buyer and total are checked
// against its draft all the same.
void insert_orders(mysql::Session& session, std::vector<OrderDraft>& drafts) {
  static const std::string returning =
      " RETURNING id, version, refunded_fen, " + mysql::microseconds_of("created_at") + ", " +
      mysql::microseconds_of("updated_at") + ", " + mysql::microseconds_of("expires_at") + ", " +
      mysql::microseconds_of("paid_at") + ", buyer_account_id, total_fen";
  auto& insert = session.prepare(
      "INSERT INTO ordering_orders (buyer_account_id, buyer_kind, unit_id, unit_path, status, "
      "fund_plan, total_fen, personal_fen, allowance_fen, budget_fen, budget_year, line_count, "
      "note, expires_at, paid_at) VALUES " +
      mysql::repeated("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "IF(?, DATE_ADD(NOW(6), INTERVAL ? SECOND), NULL), IF(?, NULL, NOW(6)))",
                      ", ", drafts.size()) +
      returning);
  int index = 1;
  for (const auto& draft : drafts) {
    const auto& input = *draft.input;
    const auto& order = draft.order;
    const bool waits = draft.status != OrderStatus::paid;
    mysql::bind_one(insert, index++, input.buyer_account_id);
    mysql::bind_one(insert, index++, input.buyer_kind);
    mysql::bind_one(insert, index++, input.unit_id);
    mysql::bind_one(insert, index++, input.unit_path);
    mysql::bind_one(insert, index++, order.status);
    mysql::bind_one(insert, index++, order.fund_plan);
    mysql::bind_one(insert, index++, order.total_fen);
    mysql::bind_one(insert, index++, order.personal_fen);
    mysql::bind_one(insert, index++, order.allowance_fen);
    mysql::bind_one(insert, index++, order.budget_fen);
    mysql::bind_one(insert, index++, input.year);
    mysql::bind_one(insert, index++, static_cast<int>(draft.priced.size()));
    mysql::bind_one(insert, index++, input.note);
    mysql::bind_one(insert, index++, waits);
    mysql::bind_one(insert, index++, static_cast<std::int64_t>(draft.timeout.count()));
    mysql::bind_one(insert, index++, waits);
  }
  auto rows = mysql::query(insert);
  for (auto& draft : drafts) {
    auto& order = draft.order;
    // By position, in RETURNING's order (by name costs a search per column on this hot path);
    // the datetimes as microseconds (mysql/datetime_text.hpp).
    if (!rows->next() || rows->getInt64(8) != order.buyer_account_id ||
        rows->getInt64(9) != order.total_fen) {
      throw std::logic_error("INSERT ... RETURNING did not return the orders in VALUES order");
    }
    order.id = rows->getInt64(1);
    order.version = rows->getInt64(2);
    order.refunded_fen = rows->getInt64(3);
    order.created_at = mysql::get_datetime(*rows, 4);
    order.updated_at = mysql::get_datetime(*rows, 5);
    order.expires_at = mysql::get_optional_datetime(*rows, 6);
    order.paid_at = mysql::get_optional_datetime(*rows, 7);
  }
}

// Every order's fulfilments in one INSERT.
void insert_fulfilments(mysql::Session& session, std::vector<OrderDraft>& drafts) {
  static const std::string returning =
      " RETURNING id, order_id, supplier_id, version, " + mysql::microseconds_of("created_at");
  std::size_t count = 0;
  for (const auto& draft : drafts) count += draft.order.fulfilments.size();
  auto& insert = session.prepare(
      "INSERT INTO ordering_fulfilments (order_id, supplier_id, county_id, status, subtotal_fen) "
      "VALUES " +
      mysql::repeated("(?, ?, ?, ?, ?)", ", ", count) + returning);
  int index = 1;
  std::map<std::int64_t, OrderRecord*> by_id;
  for (auto& draft : drafts) {
    by_id[draft.order.id] = &draft.order;
    for (const auto& fulfilment : draft.order.fulfilments) {
      mysql::bind_one(insert, index++, draft.order.id);
      mysql::bind_one(insert, index++, fulfilment.supplier_id);
      mysql::bind_one(insert, index++, fulfilment.county_id);
      mysql::bind_one(insert, index++, fulfilment.status);
      mysql::bind_one(insert, index++, fulfilment.subtotal_fen);
    }
  }
  auto rows = mysql::query(insert);
  while (rows->next()) {  // RETURNING id, order_id, supplier_id, version, created_at
    auto& order = *by_id.at(rows->getInt64(2));
    const auto supplier_id = rows->getInt64(3);
    for (auto& fulfilment : order.fulfilments) {
      if (fulfilment.supplier_id != supplier_id) continue;
      fulfilment.id = rows->getInt64(1);
      fulfilment.order_id = order.id;
      fulfilment.version = rows->getInt64(4);
      fulfilment.created_at = mysql::get_datetime(*rows, 5);
    }
  }
}

// Every order's lines with their catalog snapshot in one INSERT.
void insert_lines(mysql::Session& session, std::vector<OrderDraft>& drafts) {
  std::size_t count = 0;
  for (const auto& draft : drafts) count += draft.order.lines.size();
  auto& insert = session.prepare(
      "INSERT INTO ordering_order_lines (order_id, fulfilment_id, sku_id, product_id, "
      "supplier_id, county_id, category_id, product_title, sku_spec, sale_unit, "
      "net_weight_grams, quantity, unit_price_fen, line_total_fen, certified, certificate_id, "
      "certificate_number, campaign_id) VALUES " +
      mysql::repeated("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ", ", count) +
      " RETURNING id, order_id, sku_id, refunded_fen");
  int index = 1;
  std::map<std::int64_t, OrderRecord*> by_id;
  for (auto& draft : drafts) {
    auto& order = draft.order;
    by_id[order.id] = &order;
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
  }
  auto rows = mysql::query(insert);
  while (rows->next()) {  // RETURNING id, order_id, sku_id, refunded_fen
    auto& order = *by_id.at(rows->getInt64(2));
    const auto sku_id = rows->getInt64(3);
    for (auto& line : order.lines) {
      if (line.sku_id != sku_id) continue;
      line.id = rows->getInt64(1);
      line.refunded_fen = rows->getInt64(4);
    }
  }
}

// Step 5 for one order: fund holds (and captures when already paid), approval request, cart
// clean-up.
void write_order_extras(mysql::Session& session, const OrderDraft& draft) {
  const auto& input = *draft.input;
  const auto& order = draft.order;
  FundAccount account{input.buyer_account_id, input.unit_id, input.year};
  for (const auto& share : draft.shares) {
    if (share.source == FundSource::personal) continue;  // collected by the payment channel
    move_funds(session, order.id, account, share.source, Movement::hold, share.amount_fen);
    if (draft.status == OrderStatus::paid) {
      move_funds(session, order.id, account, share.source, Movement::capture, share.amount_fen);
    }
  }
  if (draft.status == OrderStatus::pending_approval) {
    auto& insert_approval = session.prepare(
        "INSERT INTO ordering_approvals (order_id, unit_id, unit_path, status, requested_by, "
        "deadline) VALUES (?, ?, ?, 'pending', ?, DATE_ADD(NOW(6), INTERVAL ? SECOND))");
    mysql::bind(insert_approval, order.id, input.unit_id, input.unit_path, input.buyer_account_id,
                static_cast<std::int64_t>(draft.timeout.count()));
    insert_approval.executeUpdate();
  }
  if (input.remove_from_cart) {
    auto& remove =
        session.prepare("DELETE FROM ordering_cart_items WHERE account_id = ? AND sku_id IN (" +
                        mysql::repeated("?", ", ", draft.priced.size()) + ")");
    int index = 1;
    mysql::bind_one(remove, index++, input.buyer_account_id);
    for (const auto& line : draft.priced) mysql::bind_one(remove, index++, line.sku.sku_id);
    remove.executeUpdate();
  }
}

// Step 7: stock last, in one UPDATE for every order's SKUs (quantities of a SKU summed): its rows
// are the hottest there are, so they are locked for the shortest time (this statement, the
// stored responses and the COMMIT). SKUs with harvest batches then draw the same units from their
// oldest open batches, order by order: only an order placed alone may do that (a batch's draw
// reads what the reservation left of the SKU's pre-sale units, which assumes one order's line).
// A group takes loose units only and, on a SKU that is short or holds units in batches, is
// placed alone instead: so it needs no SELECT of the batch flag of its own beforehand.
void reserve_orders_stock(mysql::Session& session, std::vector<OrderDraft>& drafts) {
  std::map<std::int64_t, StockRequest> by_sku;
  std::vector<CampaignTake> campaign_takes;
  for (const auto& draft : drafts) {
    for (const auto& line : draft.priced) {
      auto& request = by_sku[line.sku.sku_id];
      request.sku_id = line.sku.sku_id;
      request.quantity += line.quantity;
      request.batched = request.batched || line.sku.stock_in_batches;
      if (line.sku.campaign_id) {
        campaign_takes.push_back(
            {*line.sku.campaign_id, line.sku.sku_id, line.quantity, line.sku.campaign_stock_cap});
      }
    }
  }
  std::vector<StockRequest> requests;
  requests.reserve(by_sku.size());
  for (auto& [sku_id, request] : by_sku) requests.push_back(request);
  const bool grouped = drafts.size() > 1;
  const auto batched = [](const StockRequest& request) { return request.batched; };
  if (grouped && std::any_of(requests.begin(), requests.end(), batched)) {
    throw PlaceAlone("a SKU of the group draws from harvest batches");
  }
  take_campaign_caps(session, campaign_takes);
  if (grouped) {
    if (!reserve_loose_stock(session, requests)) {
      throw PlaceAlone("a SKU of the group is short, holds units in batches or has no stock");
    }
    return;
  }
  reserve_all_stock(session, requests);
  draw_from_batches(session, drafts.front().order, requests);
}

// Places the orders of `inputs` (a group written together, or one) in the caller's transaction.
std::vector<OrderRecord> place_drafts(mysql::Session& session,
                                      const std::vector<const PlacementInput*>& inputs) {
  std::vector<std::vector<PlacementLine>> lines;
  lines.reserve(inputs.size());
  for (const auto* input : inputs) {
    lines.push_back(
        normalized(input->remove_from_cart ? read_cart_lines(session, *input) : input->lines));
  }
  // 1. Price every line from the catalog (or the pricing cache of it).
  const auto skus = priced_skus(session, inputs, lines);
  std::vector<OrderDraft> drafts(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    drafts[i].input = inputs[i];
    drafts[i].priced = price_lines(lines[i], skus, inputs[i]->expected_total_fen);
    // 2-3. Fund plan and where it starts.
    decide(session, drafts[i]);
  }
  // 4. Orders, fulfilments, lines: one INSERT each for all the orders.
  insert_orders(session, drafts);
  insert_fulfilments(session, drafts);
  insert_lines(session, drafts);
  // 5. Fund holds, approval request, cart clean-up.
  for (const auto& draft : drafts) write_order_extras(session, draft);
  // 6. History and events, from the orders as written (not read back).
  std::vector<PlacedOrder> placed;
  placed.reserve(drafts.size());
  for (const auto& draft : drafts) placed.push_back({&draft.order, &draft.input->actor});
  record_placements(session, placed);
  // 7. Stock last.
  reserve_orders_stock(session, drafts);
  std::vector<OrderRecord> orders;
  orders.reserve(drafts.size());
  for (auto& draft : drafts) orders.push_back(std::move(draft.order));
  return orders;
}

}  // namespace

std::vector<PlacementLine> read_cart_lines(mysql::Session& session, const PlacementInput& input) {
  auto& select = session.prepare(
      "SELECT sku_id, quantity FROM ordering_cart_items WHERE account_id = ? ORDER BY sku_id "
      "FOR UPDATE");
  mysql::bind(select, input.buyer_account_id);
  auto rows = mysql::query(select);
  std::vector<PlacementLine> lines;
  while (rows->next()) lines.push_back({rows->getInt64(1), rows->getInt64(2)});
  if (lines.empty()) {
    throw http::Problem(422, "cart-empty", "Cart is empty", "there is nothing in the cart");
  }
  if (lines.size() > kMaxOrderLines) {
    throw http::Problem(422, "validation-failed", "Too many lines",
                        "an order has at most " + std::to_string(kMaxOrderLines) + " lines");
  }
  return lines;
}

// Round trips of a personal order (READ COMMITTED, see the header), for one order or a group:
// for one order, one SELECT of the stock rows' batch flag (prices from the pricing cache); one
// INSERT ... RETURNING each for the orders, their fulfilments and their lines, one INSERT each
// for history and outbox, one stock UPDATE for every SKU; the caller adds the stored responses
// and the COMMIT. Nothing written is read back.
OrderRecord place_order(mysql::Session& session, const PlacementInput& input) {
  return std::move(place_drafts(session, {&input}).front());
}

bool may_place_in_group(const PlacementInput& input) {
  return input.plan == FundPlan::personal && input.buyer_kind == "employee";
}

std::vector<OrderRecord> place_orders(mysql::Session& session,
                                      const std::vector<const PlacementInput*>& inputs) {
  if (inputs.empty()) return {};
  std::set<std::int64_t> cart_buyers;
  for (const auto* input : inputs) {
    const bool second_cart =
        input->remove_from_cart && !cart_buyers.insert(input->buyer_account_id).second;
    if (!may_place_in_group(*input) || second_cart) {
      throw std::logic_error("place_orders: an order that may not be placed in this group");
    }
  }
  return place_drafts(session, inputs);
}

http::Response placed_order_response(const OrderRecord& order) {
  // Written straight to text: the same body as order_to_json, without building the value.
  auto response = http::Response::json_text(201, order_json_text(order));
  response.set_header("Location", "/v1/orders/" + std::to_string(order.id));
  return response;
}

}  // namespace huicai::ordering

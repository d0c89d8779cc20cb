#pragma once
// Placing an order, as one local transaction: price every line from the catalog view (one
// SELECT), split the lines into one fulfilment per supplier, hold the fund sources, write order,
// fulfilments, lines (with their catalog snapshot; multi-row INSERT ... RETURNING), history,
// approval request and the outbox events, and reserve the stock last (one conditional UPDATE
// for every SKU, locking the rows in SKU order). Any failure throws and the whole transaction
// rolls back: stock, balances and orders stay as they were.
// Run it at READ COMMITTED (docs/adr/0009): every statement reads the latest committed rows, so
// a stock row changed by another order since this transaction began is no snapshot conflict
// (1020 under innodb_snapshot_isolation), and the conditional UPDATE alone decides.

#include <chrono>
#include <cstdint>
#include <huicai/ordering/fund_math.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "order_events.hpp"
#include "order_records.hpp"

namespace huicai::mysql {
class Session;
}
namespace huicai::http {
struct Response;
}

namespace huicai::ordering {

class PricingCache;

inline constexpr std::int64_t kMaxLineQuantity = 9999;
inline constexpr std::size_t kMaxOrderLines = 50;

struct PlacementLine {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
};

struct PlacementInput {
  std::int64_t buyer_account_id = 0;
  std::string buyer_kind;  // "employee" or "unit"
  std::optional<std::int64_t> unit_id;
  std::string unit_path;
  FundPlan plan = FundPlan::personal;
  std::vector<PlacementLine> lines;  // validated: 1..50 lines, quantities 1..9999
  std::string note;
  int year = 0;  // budget / allowance year
  std::chrono::seconds payment_timeout{1800};
  std::chrono::seconds approval_timeout{3 * 24 * 3600};
  bool remove_from_cart = false;
  // The total the buyer was shown (the cart's total_fen); placement refuses with 409
  // "price-changed" when the total priced now differs.
  std::optional<std::int64_t> expected_total_fen;
  Actor actor;
  // Prices from this cache under this catalog version (pricing_cache.hpp); without a cache,
  // from catalog_sku_pricing in the order's SELECT.
  PricingCache* pricing = nullptr;
  std::optional<std::string> catalog_version;
};

// Returns the order as stored. Throws http::Problem for the buyer's mistakes (422 unknown or
// delisted SKU, 409 stock / allowance / budget short, 409 price-changed when the total is not
// the expected one). An input with remove_from_cart orders what its buyer's cart holds.
OrderRecord place_order(mysql::Session& session, const PlacementInput& input);

// Orders that may be written in a group with others (placement_batcher.hpp): an employee's
// personal orders. Orders drawing on an allowance or a unit's budget are placed alone: each
// decides on a balance that the previous order of the same fund must already have taken from.
bool may_place_in_group(const PlacementInput& input);

// The group could not be written together (a SKU draws from harvest batches): place each order
// alone. Thrown like any refusal: the caller's transaction rolls back.
struct PlaceAlone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Places a group of orders, each may_place_in_group and at most one cart order per buyer, in the
// caller's transaction with ONE statement per table for all of them (orders, fulfilments, lines,
// stock), returned in the order of `inputs`. Any order's refusal (a Problem), or PlaceAlone, fails
// the whole group: the caller rolls back and places each alone, where refusals are answered.
std::vector<OrderRecord> place_orders(mysql::Session& session,
                                      const std::vector<const PlacementInput*>& inputs);

// The 201 of a placed order, with its Location.
http::Response placed_order_response(const OrderRecord& order);

// The lines of the buyer's cart, locked (FOR UPDATE) until the order's transaction ends; 422
// when it is empty or has too many lines.
std::vector<PlacementLine> read_cart_lines(mysql::Session& session, const PlacementInput& input);

// The year budgets and allowances are booked in: the calendar year in China (UTC+8).
int current_budget_year();

}  // namespace huicai::ordering

#pragma once
// Orders as ordering stores them, loaded in one place so every route, worker and event sees the
// same shape. Loading happens inside the caller's transaction (optionally FOR UPDATE).

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>
#include <cstdint>
#include <huicai/core/auth/roles.hpp>
#include <huicai/ordering/fund_math.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::mysql {
class Session;
}
namespace sql {
class ResultSet;
}

namespace huicai::ordering {

struct LineRecord {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t fulfilment_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t product_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  std::int64_t category_id = 0;
  std::string product_title;
  std::string sku_spec;
  std::string sale_unit;
  std::int64_t net_weight_grams = 0;
  std::int64_t quantity = 0;
  std::int64_t unit_price_fen = 0;
  std::int64_t line_total_fen = 0;
  bool certified = false;
  std::optional<std::int64_t> certificate_id;
  std::optional<std::string> certificate_number;
  std::optional<std::int64_t> campaign_id;  // the holiday campaign that priced the line
  std::optional<std::int64_t> accepted_quantity;
  std::optional<std::int64_t> accepted_weight_grams;
  std::optional<std::int64_t> accepted_amount_fen;
  std::optional<std::string> acceptance_reason;
  std::int64_t refunded_fen = 0;
};

struct FulfilmentRecord {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  std::string status;
  std::int64_t subtotal_fen = 0;
  std::optional<std::int64_t> accepted_fen;
  std::optional<std::string> carrier;
  std::optional<std::string> tracking_number;
  std::optional<std::string> batch_number;
  std::int64_t version = 0;
  std::string created_at;
  std::optional<std::string> shipped_at;
  std::optional<std::string> received_at;
  std::optional<std::string> accepted_at;
};

struct OrderRecord {
  std::int64_t id = 0;
  std::int64_t buyer_account_id = 0;
  std::string buyer_kind;  // "employee" or "unit"
  std::optional<std::int64_t> unit_id;
  std::string unit_path;
  std::string status;
  std::string fund_plan;
  std::int64_t total_fen = 0;
  std::int64_t personal_fen = 0;
  std::int64_t allowance_fen = 0;
  std::int64_t budget_fen = 0;
  int budget_year = 0;
  std::int64_t refunded_fen = 0;
  std::string note;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> expires_at;
  std::optional<std::string> paid_at;
  std::vector<FulfilmentRecord> fulfilments;
  std::vector<LineRecord> lines;

  // The planned shares in order of use (allowance, unit budget, personal), zero ones left out.
  std::vector<FundShare> fund_shares() const;
  // Who may see it: the buyer; unit roles only for unit orders (an employee's personal order is
  // not the unit's business).
  auth::Owner owner() const;
  const FulfilmentRecord* fulfilment(std::int64_t fulfilment_id) const;
};

// Loads the order with its fulfilments and lines; nullopt when it does not exist. With
// for_update the order row is locked (SELECT ... FOR UPDATE) so the caller may decide on it.
std::optional<OrderRecord> load_order(mysql::Session& session, std::int64_t order_id,
                                      bool for_update = false);
// The order row alone (fulfilments and lines left empty), for a caller that decides on the
// order's own columns only (status, amounts, owner): one statement instead of two.
std::optional<OrderRecord> load_order_row(mysql::Session& session, std::int64_t order_id,
                                          bool for_update = false);
// The order row's columns as read_order_row reads them, qualified by `alias` ("o.id, ..."), for
// a statement that reads the order row beside another table's (name the other's columns apart).
std::string order_columns(std::string_view alias);
OrderRecord read_order_row(sql::ResultSet& row);
// Reads the order's fulfilments and lines (in one statement) into `order`, replacing any.
void load_order_parts(mysql::Session& session, OrderRecord& order);
// Reads the order's updated_at and paid_at again (what a transition's NOW(6) set), for a caller
// that answers with them.
void refresh_order_times(mysql::Session& session, OrderRecord& order);
// The order id a fulfilment belongs to.
std::optional<std::int64_t> order_of_fulfilment(mysql::Session& session,
                                                std::int64_t fulfilment_id);

// JSON shapes of the API (amounts in *_fen, times ISO 8601 UTC).
// `storage`: where the JSON is built (a monotonic_resource on the request's stack saves the
// allocator a call per key and value on the order path); the default heap otherwise.
boost::json::object order_to_json(const OrderRecord& order, boost::json::storage_ptr storage = {});
boost::json::object fulfilment_to_json(const OrderRecord& order, const FulfilmentRecord& fulfilment,
                                       boost::json::storage_ptr storage = {});
boost::json::object line_to_json(const LineRecord& line, boost::json::storage_ptr storage = {});
// The same text as boost::json::serialize(order_to_json(order)), written without building the
// value: the placed order's 201 (and its stored replay) on the hottest path. Keep the two in step;
// the ordering tests compare a placed order's 201 with the same order read back.
std::string order_json_text(const OrderRecord& order);
// "2026-11-28 13:44:55.123456" (MariaDB DATETIME(6)) -> "2026-11-28T13:44:55.123456Z".
std::string iso_time(const std::string& database_time);

}  // namespace huicai::ordering

#include "order_records.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <huicai/core/json_text.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::ordering {
namespace {

boost::json::value optional_json(const std::optional<std::int64_t>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}
boost::json::value optional_json(const std::optional<std::string>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}
boost::json::value optional_time(const std::optional<std::string>& value) {
  return value ? boost::json::value(iso_time(*value)) : boost::json::value(nullptr);
}

LineRecord read_line(sql::ResultSet& row) {
  LineRecord line;
  line.id = row.getInt64("id");
  line.order_id = row.getInt64("order_id");
  line.fulfilment_id = row.getInt64("fulfilment_id");
  line.sku_id = row.getInt64("sku_id");
  line.product_id = row.getInt64("product_id");
  line.supplier_id = row.getInt64("supplier_id");
  line.county_id = row.getInt64("county_id");
  line.category_id = row.getInt64("category_id");
  line.product_title = mysql::get_string(row, "product_title");
  line.sku_spec = mysql::get_string(row, "sku_spec");
  line.sale_unit = mysql::get_string(row, "sale_unit");
  line.net_weight_grams = row.getInt64("net_weight_grams");
  line.quantity = row.getInt64("quantity");
  line.unit_price_fen = row.getInt64("unit_price_fen");
  line.line_total_fen = row.getInt64("line_total_fen");
  line.certified = row.getInt("certified") != 0;
  line.certificate_id = mysql::get_optional_int64(row, "certificate_id");
  line.certificate_number = mysql::get_optional_string(row, "certificate_number");
  line.campaign_id = mysql::get_optional_int64(row, "campaign_id");
  line.accepted_quantity = mysql::get_optional_int64(row, "accepted_quantity");
  line.accepted_weight_grams = mysql::get_optional_int64(row, "accepted_weight_grams");
  line.accepted_amount_fen = mysql::get_optional_int64(row, "accepted_amount_fen");
  line.acceptance_reason = mysql::get_optional_string(row, "acceptance_reason");
  line.refunded_fen = row.getInt64("refunded_fen");
  return line;
}

// A fulfilment's columns as load_order's joined SELECT names them (f_*: the line's own columns
// share some names).
FulfilmentRecord read_fulfilment(sql::ResultSet& row) {
  FulfilmentRecord fulfilment;
  fulfilment.id = row.getInt64("f_id");
  fulfilment.order_id = row.getInt64("f_order_id");
  fulfilment.supplier_id = row.getInt64("f_supplier_id");
  fulfilment.county_id = row.getInt64("f_county_id");
  fulfilment.status = mysql::get_string(row, "f_status");
  fulfilment.subtotal_fen = row.getInt64("f_subtotal_fen");
  fulfilment.accepted_fen = mysql::get_optional_int64(row, "f_accepted_fen");
  fulfilment.carrier = mysql::get_optional_string(row, "f_carrier");
  fulfilment.tracking_number = mysql::get_optional_string(row, "f_tracking_number");
  fulfilment.batch_number = mysql::get_optional_string(row, "f_batch_number");
  fulfilment.version = row.getInt64("f_version");
  fulfilment.created_at = mysql::get_string(row, "f_created_at");
  fulfilment.shipped_at = mysql::get_optional_string(row, "f_shipped_at");
  fulfilment.received_at = mysql::get_optional_string(row, "f_received_at");
  fulfilment.accepted_at = mysql::get_optional_string(row, "f_accepted_at");
  return fulfilment;
}

}  // namespace

std::vector<FundShare> OrderRecord::fund_shares() const {
  std::vector<FundShare> shares;
  if (allowance_fen > 0) shares.push_back({FundSource::allowance, allowance_fen});
  if (budget_fen > 0) shares.push_back({FundSource::unit_budget, budget_fen});
  if (personal_fen > 0) shares.push_back({FundSource::personal, personal_fen});
  return shares;
}

auth::Owner OrderRecord::owner() const {
  auth::Owner owner;
  owner.account_id = static_cast<std::uint64_t>(buyer_account_id);
  if (buyer_kind == "unit") owner.unit_path = unit_path;
  return owner;
}

const FulfilmentRecord* OrderRecord::fulfilment(std::int64_t fulfilment_id) const {
  for (const auto& fulfilment : fulfilments) {
    if (fulfilment.id == fulfilment_id) return &fulfilment;
  }
  return nullptr;
}

std::string order_columns(std::string_view alias) {
  std::string columns;
  for (const char* column :
       {"id", "buyer_account_id", "buyer_kind", "unit_id", "unit_path", "status", "fund_plan",
        "total_fen", "personal_fen", "allowance_fen", "budget_fen", "budget_year", "refunded_fen",
        "note", "version", "created_at", "updated_at", "expires_at", "paid_at"}) {
    if (!columns.empty()) columns += ", ";
    columns += std::string(alias) + "." + column;
  }
  return columns;
}

OrderRecord read_order_row(sql::ResultSet& row) {
  OrderRecord order;
  order.id = row.getInt64("id");
  order.buyer_account_id = row.getInt64("buyer_account_id");
  order.buyer_kind = mysql::get_string(row, "buyer_kind");
  order.unit_id = mysql::get_optional_int64(row, "unit_id");
  order.unit_path = mysql::get_string(row, "unit_path");
  order.status = mysql::get_string(row, "status");
  order.fund_plan = mysql::get_string(row, "fund_plan");
  order.total_fen = row.getInt64("total_fen");
  order.personal_fen = row.getInt64("personal_fen");
  order.allowance_fen = row.getInt64("allowance_fen");
  order.budget_fen = row.getInt64("budget_fen");
  order.budget_year = row.getInt("budget_year");
  order.refunded_fen = row.getInt64("refunded_fen");
  order.note = mysql::get_string(row, "note");
  order.version = row.getInt64("version");
  order.created_at = mysql::get_string(row, "created_at");
  order.updated_at = mysql::get_string(row, "updated_at");
  order.expires_at = mysql::get_optional_string(row, "expires_at");
  order.paid_at = mysql::get_optional_string(row, "paid_at");
  return order;
}

std::optional<OrderRecord> load_order_row(mysql::Session& session, std::int64_t order_id,
                                          bool for_update) {
  static const std::string select =
      "SELECT " + order_columns("o") + " FROM ordering_orders o WHERE o.id = ?";
  auto& select_order = session.prepare(for_update ? select + " FOR UPDATE" : select);
  mysql::bind(select_order, order_id);
  auto row = mysql::query(select_order);
  if (!row->next()) return std::nullopt;
  return read_order_row(*row);
}

void refresh_order_times(mysql::Session& session, OrderRecord& order) {
  auto& select = session.prepare("SELECT updated_at, paid_at FROM ordering_orders WHERE id = ?");
  mysql::bind(select, order.id);
  auto row = mysql::query(select);
  if (!row->next()) return;
  order.updated_at = mysql::get_string(*row, "updated_at");
  order.paid_at = mysql::get_optional_string(*row, "paid_at");
}

void load_order_parts(mysql::Session& session, OrderRecord& order) {
  order.fulfilments.clear();
  order.lines.clear();
  // Fulfilments and their lines in one statement: a row per line (its fulfilment's columns
  // repeated on each), a fulfilment without lines once with NULL line columns. Sorted here, by
  // id as they were created, rather than by a temporary table in the database.
  auto& select_parts = session.prepare(
      "SELECT f.id AS f_id, f.order_id AS f_order_id, f.supplier_id AS f_supplier_id, "
      "f.county_id AS f_county_id, f.status AS f_status, f.subtotal_fen AS f_subtotal_fen, "
      "f.accepted_fen AS f_accepted_fen, f.carrier AS f_carrier, f.tracking_number AS "
      "f_tracking_number, f.batch_number AS f_batch_number, f.version AS f_version, f.created_at "
      "AS f_created_at, f.shipped_at AS f_shipped_at, f.received_at AS f_received_at, "
      "f.accepted_at AS f_accepted_at, l.id, l.order_id, l.fulfilment_id, l.sku_id, "
      "l.product_id, l.supplier_id, l.county_id, l.category_id, l.product_title, l.sku_spec, "
      "l.sale_unit, l.net_weight_grams, l.quantity, l.unit_price_fen, l.line_total_fen, "
      "l.certified, l.certificate_id, l.certificate_number, l.campaign_id, l.accepted_quantity, "
      "l.accepted_weight_grams, l.accepted_amount_fen, l.acceptance_reason, l.refunded_fen "
      "FROM ordering_fulfilments f LEFT JOIN ordering_order_lines l ON l.fulfilment_id = f.id "
      "WHERE f.order_id = ?");
  mysql::bind(select_parts, order.id);
  auto parts = mysql::query(select_parts);
  while (parts->next()) {
    const std::int64_t fulfilment_id = parts->getInt64("f_id");
    if (order.fulfilment(fulfilment_id) == nullptr) {
      order.fulfilments.push_back(read_fulfilment(*parts));
    }
    if (mysql::get_optional_int64(*parts, "id")) order.lines.push_back(read_line(*parts));
  }
  std::sort(order.fulfilments.begin(), order.fulfilments.end(),
            [](const FulfilmentRecord& a, const FulfilmentRecord& b) { return a.id < b.id; });
  std::sort(order.lines.begin(), order.lines.end(),
            [](const LineRecord& a, const LineRecord& b) { return a.id < b.id; });
}

std::optional<OrderRecord> load_order(mysql::Session& session, std::int64_t order_id,
                                      bool for_update) {
  auto order = load_order_row(session, order_id, for_update);
  if (order) load_order_parts(session, *order);
  return order;
}

std::optional<std::int64_t> order_of_fulfilment(mysql::Session& session,
                                                std::int64_t fulfilment_id) {
  auto& select = session.prepare("SELECT order_id FROM ordering_fulfilments WHERE id = ?");
  mysql::bind(select, fulfilment_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return row->getInt64("order_id");
}

std::string iso_time(const std::string& database_time) {
  std::string text = database_time;
  if (text.size() > 10 && text[10] == ' ') text[10] = 'T';
  return text + "Z";
}

boost::json::object line_to_json(const LineRecord& line, boost::json::storage_ptr storage) {
  boost::json::object object(23, std::move(storage));  // sized for its keys: no rehashing
  object["id"] = line.id;
  object["fulfilment_id"] = line.fulfilment_id;
  object["sku_id"] = line.sku_id;
  object["product_id"] = line.product_id;
  object["supplier_id"] = line.supplier_id;
  object["county_id"] = line.county_id;
  object["category_id"] = line.category_id;
  object["product_title"] = line.product_title;
  object["sku_spec"] = line.sku_spec;
  object["sale_unit"] = line.sale_unit;
  object["net_weight_grams"] = line.net_weight_grams;
  object["quantity"] = line.quantity;
  object["unit_price_fen"] = line.unit_price_fen;
  object["line_total_fen"] = line.line_total_fen;
  object["certified"] = line.certified;
  object["certificate_id"] = optional_json(line.certificate_id);
  object["certificate_number"] = optional_json(line.certificate_number);
  object["campaign_id"] = optional_json(line.campaign_id);
  object["accepted_quantity"] = optional_json(line.accepted_quantity);
  object["accepted_weight_grams"] = optional_json(line.accepted_weight_grams);
  object["accepted_amount_fen"] = optional_json(line.accepted_amount_fen);
  object["acceptance_reason"] = optional_json(line.acceptance_reason);
  object["refunded_fen"] = line.refunded_fen;
  return object;
}

boost::json::object fulfilment_to_json(const OrderRecord& order, const FulfilmentRecord& fulfilment,
                                       boost::json::storage_ptr storage) {
  boost::json::object object(15, storage);
  object["id"] = fulfilment.id;
  object["order_id"] = fulfilment.order_id;
  object["supplier_id"] = fulfilment.supplier_id;
  object["county_id"] = fulfilment.county_id;
  object["status"] = fulfilment.status;
  object["subtotal_fen"] = fulfilment.subtotal_fen;
  object["accepted_fen"] = optional_json(fulfilment.accepted_fen);
  object["carrier"] = optional_json(fulfilment.carrier);
  object["tracking_number"] = optional_json(fulfilment.tracking_number);
  object["batch_number"] = optional_json(fulfilment.batch_number);
  object["created_at"] = iso_time(fulfilment.created_at);
  object["shipped_at"] = optional_time(fulfilment.shipped_at);
  object["received_at"] = optional_time(fulfilment.received_at);
  object["accepted_at"] = optional_time(fulfilment.accepted_at);
  boost::json::array lines(storage);
  for (const auto& line : order.lines) {
    if (line.fulfilment_id == fulfilment.id) lines.push_back(line_to_json(line, storage));
  }
  object["lines"] = std::move(lines);
  return object;
}

boost::json::object order_to_json(const OrderRecord& order, boost::json::storage_ptr storage) {
  boost::json::object object(19, storage);
  object["id"] = order.id;
  object["buyer_account_id"] = order.buyer_account_id;
  object["buyer_kind"] = order.buyer_kind;
  object["unit_id"] = optional_json(order.unit_id);
  object["unit_path"] = order.unit_path;
  object["status"] = order.status;
  object["fund_plan"] = order.fund_plan;
  object["total_fen"] = order.total_fen;
  boost::json::array shares(storage);
  for (const auto& share : order.fund_shares()) {
    shares.push_back(boost::json::object(
        {{"source", to_string(share.source)}, {"amount_fen", share.amount_fen}}, storage));
  }
  object["fund_shares"] = std::move(shares);
  object["budget_year"] = order.budget_year;
  object["refunded_fen"] = order.refunded_fen;
  object["note"] = order.note;
  object["version"] = order.version;
  object["created_at"] = iso_time(order.created_at);
  object["updated_at"] = iso_time(order.updated_at);
  object["expires_at"] = optional_time(order.expires_at);
  object["paid_at"] = optional_time(order.paid_at);
  boost::json::array fulfilments(storage);
  fulfilments.reserve(order.fulfilments.size());
  for (const auto& fulfilment : order.fulfilments) {
    fulfilments.push_back(fulfilment_to_json(order, fulfilment, storage));
  }
  object["fulfilments"] = std::move(fulfilments);
  return object;
}

namespace {

// A member holding a time as the API shows it (iso_time), or null.
void time_member(JsonText& json, std::string_view name, const std::string& database_time) {
  json.key(name).string(iso_time(database_time));
}
void time_member(JsonText& json, std::string_view name,
                 const std::optional<std::string>& database_time) {
  if (database_time) {
    time_member(json, name, *database_time);
  } else {
    json.key(name).null();
  }
}

void write_line(JsonText& json, const LineRecord& line) {
  json.begin_object()
      .key("id")
      .number(line.id)
      .key("fulfilment_id")
      .number(line.fulfilment_id)
      .key("sku_id")
      .number(line.sku_id)
      .key("product_id")
      .number(line.product_id)
      .key("supplier_id")
      .number(line.supplier_id)
      .key("county_id")
      .number(line.county_id)
      .key("category_id")
      .number(line.category_id)
      .key("product_title")
      .string(line.product_title)
      .key("sku_spec")
      .string(line.sku_spec)
      .key("sale_unit")
      .string(line.sale_unit)
      .key("net_weight_grams")
      .number(line.net_weight_grams)
      .key("quantity")
      .number(line.quantity)
      .key("unit_price_fen")
      .number(line.unit_price_fen)
      .key("line_total_fen")
      .number(line.line_total_fen)
      .key("certified")
      .boolean(line.certified)
      .key("certificate_id")
      .optional_number(line.certificate_id)
      .key("certificate_number")
      .optional_string(line.certificate_number)
      .key("campaign_id")
      .optional_number(line.campaign_id)
      .key("accepted_quantity")
      .optional_number(line.accepted_quantity)
      .key("accepted_weight_grams")
      .optional_number(line.accepted_weight_grams)
      .key("accepted_amount_fen")
      .optional_number(line.accepted_amount_fen)
      .key("acceptance_reason")
      .optional_string(line.acceptance_reason)
      .key("refunded_fen")
      .number(line.refunded_fen)
      .end_object();
}

void write_fulfilment(JsonText& json, const OrderRecord& order,
                      const FulfilmentRecord& fulfilment) {
  json.begin_object()
      .key("id")
      .number(fulfilment.id)
      .key("order_id")
      .number(fulfilment.order_id)
      .key("supplier_id")
      .number(fulfilment.supplier_id)
      .key("county_id")
      .number(fulfilment.county_id)
      .key("status")
      .string(fulfilment.status)
      .key("subtotal_fen")
      .number(fulfilment.subtotal_fen)
      .key("accepted_fen")
      .optional_number(fulfilment.accepted_fen)
      .key("carrier")
      .optional_string(fulfilment.carrier)
      .key("tracking_number")
      .optional_string(fulfilment.tracking_number)
      .key("batch_number")
      .optional_string(fulfilment.batch_number);
  time_member(json, "created_at", fulfilment.created_at);
  time_member(json, "shipped_at", fulfilment.shipped_at);
  time_member(json, "received_at", fulfilment.received_at);
  time_member(json, "accepted_at", fulfilment.accepted_at);
  json.key("lines").begin_array();
  for (const auto& line : order.lines) {
    if (line.fulfilment_id == fulfilment.id) write_line(json, line);
  }
  json.end_array().end_object();
}

}  // namespace

std::string order_json_text(const OrderRecord& order) {
  JsonText json(2048);  // a 2-line order's body is about 1.9 KB
  json.begin_object()
      .key("id")
      .number(order.id)
      .key("buyer_account_id")
      .number(order.buyer_account_id)
      .key("buyer_kind")
      .string(order.buyer_kind)
      .key("unit_id")
      .optional_number(order.unit_id)
      .key("unit_path")
      .string(order.unit_path)
      .key("status")
      .string(order.status)
      .key("fund_plan")
      .string(order.fund_plan)
      .key("total_fen")
      .number(order.total_fen)
      .key("fund_shares")
      .begin_array();
  for (const auto& share : order.fund_shares()) {
    json.begin_object()
        .key("source")
        .string(to_string(share.source))
        .key("amount_fen")
        .number(share.amount_fen)
        .end_object();
  }
  json.end_array()
      .key("budget_year")
      .number(order.budget_year)
      .key("refunded_fen")
      .number(order.refunded_fen)
      .key("note")
      .string(order.note)
      .key("version")
      .number(order.version);
  time_member(json, "created_at", order.created_at);
  time_member(json, "updated_at", order.updated_at);
  time_member(json, "expires_at", order.expires_at);
  time_member(json, "paid_at", order.paid_at);
  json.key("fulfilments").begin_array();
  for (const auto& fulfilment : order.fulfilments) write_fulfilment(json, order, fulfilment);
  json.end_array().end_object();
  return json.take();
}

}  // namespace huicai::ordering

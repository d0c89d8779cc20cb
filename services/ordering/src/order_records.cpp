#include "order_records.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
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

FulfilmentRecord read_fulfilment(sql::ResultSet& row) {
  FulfilmentRecord fulfilment;
  fulfilment.id = row.getInt64("id");
  fulfilment.order_id = row.getInt64("order_id");
  fulfilment.supplier_id = row.getInt64("supplier_id");
  fulfilment.county_id = row.getInt64("county_id");
  fulfilment.status = mysql::get_string(row, "status");
  fulfilment.subtotal_fen = row.getInt64("subtotal_fen");
  fulfilment.accepted_fen = mysql::get_optional_int64(row, "accepted_fen");
  fulfilment.carrier = mysql::get_optional_string(row, "carrier");
  fulfilment.tracking_number = mysql::get_optional_string(row, "tracking_number");
  fulfilment.batch_number = mysql::get_optional_string(row, "batch_number");
  fulfilment.version = row.getInt64("version");
  fulfilment.created_at = mysql::get_string(row, "created_at");
  fulfilment.shipped_at = mysql::get_optional_string(row, "shipped_at");
  fulfilment.received_at = mysql::get_optional_string(row, "received_at");
  fulfilment.accepted_at = mysql::get_optional_string(row, "accepted_at");
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

std::optional<OrderRecord> load_order_row(mysql::Session& session, std::int64_t order_id,
                                          bool for_update) {
  const std::string columns =
      "SELECT id, buyer_account_id, buyer_kind, unit_id, unit_path, status, fund_plan, "
      "total_fen, personal_fen, allowance_fen, budget_fen, budget_year, refunded_fen, note, "
      "version, created_at, updated_at, expires_at, paid_at FROM ordering_orders WHERE id = ?";
  auto& select_order = session.prepare(for_update ? columns + " FOR UPDATE" : columns);
  mysql::bind(select_order, order_id);
  auto row = mysql::query(select_order);
  if (!row->next()) return std::nullopt;
  OrderRecord order;
  order.id = row->getInt64("id");
  order.buyer_account_id = row->getInt64("buyer_account_id");
  order.buyer_kind = mysql::get_string(*row, "buyer_kind");
  order.unit_id = mysql::get_optional_int64(*row, "unit_id");
  order.unit_path = mysql::get_string(*row, "unit_path");
  order.status = mysql::get_string(*row, "status");
  order.fund_plan = mysql::get_string(*row, "fund_plan");
  order.total_fen = row->getInt64("total_fen");
  order.personal_fen = row->getInt64("personal_fen");
  order.allowance_fen = row->getInt64("allowance_fen");
  order.budget_fen = row->getInt64("budget_fen");
  order.budget_year = row->getInt("budget_year");
  order.refunded_fen = row->getInt64("refunded_fen");
  order.note = mysql::get_string(*row, "note");
  order.version = row->getInt64("version");
  order.created_at = mysql::get_string(*row, "created_at");
  order.updated_at = mysql::get_string(*row, "updated_at");
  order.expires_at = mysql::get_optional_string(*row, "expires_at");
  order.paid_at = mysql::get_optional_string(*row, "paid_at");
  return order;
}

void refresh_order_times(mysql::Session& session, OrderRecord& order) {
  auto& select = session.prepare("SELECT updated_at, paid_at FROM ordering_orders WHERE id = ?");
  mysql::bind(select, order.id);
  auto row = mysql::query(select);
  if (!row->next()) return;
  order.updated_at = mysql::get_string(*row, "updated_at");
  order.paid_at = mysql::get_optional_string(*row, "paid_at");
}

std::optional<OrderRecord> load_order(mysql::Session& session, std::int64_t order_id,
                                      bool for_update) {
  auto loaded = load_order_row(session, order_id, for_update);
  if (!loaded) return std::nullopt;
  OrderRecord& order = *loaded;
  auto& select_fulfilments = session.prepare(
      "SELECT id, order_id, supplier_id, county_id, status, subtotal_fen, accepted_fen, carrier, "
      "tracking_number, batch_number, version, created_at, shipped_at, received_at, accepted_at "
      "FROM ordering_fulfilments WHERE order_id = ? ORDER BY id");
  mysql::bind(select_fulfilments, order_id);
  auto fulfilments = mysql::query(select_fulfilments);
  while (fulfilments->next()) order.fulfilments.push_back(read_fulfilment(*fulfilments));

  auto& select_lines = session.prepare(
      "SELECT id, order_id, fulfilment_id, sku_id, product_id, supplier_id, county_id, "
      "category_id, product_title, sku_spec, sale_unit, net_weight_grams, quantity, "
      "unit_price_fen, line_total_fen, certified, certificate_id, certificate_number, campaign_id, "
      "accepted_quantity, accepted_weight_grams, accepted_amount_fen, acceptance_reason, "
      "refunded_fen FROM ordering_order_lines WHERE order_id = ? ORDER BY id");
  mysql::bind(select_lines, order_id);
  auto lines = mysql::query(select_lines);
  while (lines->next()) order.lines.push_back(read_line(*lines));
  return loaded;
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

}  // namespace huicai::ordering

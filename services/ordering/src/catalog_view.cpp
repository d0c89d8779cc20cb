#include "catalog_view.hpp"

#include <algorithm>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::ordering {

namespace {

constexpr const char* kColumns =
    "SELECT sku_id, product_id, supplier_id, county_id, category_id, product_title, sku_spec, "
    "sale_unit, net_weight_grams, price_fen, is_orderable, certificate_id, certificate_number, "
    "supplier_name, county_name FROM catalog_orderable_sku WHERE sku_id ";

OrderableSku read_row(sql::ResultSet& row);

}  // namespace

std::optional<OrderableSku> read_orderable_sku(mysql::Session& session, std::int64_t sku_id) {
  auto& select = session.prepare(std::string(kColumns) + "= ?");
  mysql::bind(select, sku_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return read_row(*row);
}

std::map<std::int64_t, OrderableSku> read_orderable_skus(mysql::Session& session,
                                                         const std::vector<std::int64_t>& sku_ids) {
  std::map<std::int64_t, OrderableSku> skus;
  if (sku_ids.empty()) return skus;
  // The IN list is padded to a power of two (repeating the last id), so a connection caches a
  // handful of statement texts rather than one per line count.
  std::size_t size = 1;
  while (size < sku_ids.size()) size *= 2;
  std::string sql = std::string(kColumns) + "IN (?";
  for (std::size_t i = 1; i < size; ++i) sql += ", ?";
  sql += ")";
  auto& select = session.prepare(sql);
  for (std::size_t i = 0; i < size; ++i) {
    mysql::bind_one(select, static_cast<int>(i + 1), sku_ids[std::min(i, sku_ids.size() - 1)]);
  }
  auto rows = mysql::query(select);
  while (rows->next()) {
    auto sku = read_row(*rows);
    skus.emplace(sku.sku_id, std::move(sku));
  }
  return skus;
}

namespace {

OrderableSku read_row(sql::ResultSet& result) {
  auto* row = &result;
  OrderableSku sku;
  sku.sku_id = row->getInt64("sku_id");
  sku.product_id = row->getInt64("product_id");
  sku.supplier_id = row->getInt64("supplier_id");
  sku.county_id = row->getInt64("county_id");
  sku.category_id = row->getInt64("category_id");
  sku.product_title = mysql::get_string(*row, "product_title");
  sku.sku_spec = mysql::get_string(*row, "sku_spec");
  sku.sale_unit = mysql::get_string(*row, "sale_unit");
  sku.net_weight_grams = row->getInt64("net_weight_grams");
  sku.price_fen = row->getInt64("price_fen");
  sku.is_orderable = row->getInt("is_orderable") != 0;
  sku.certificate_id = mysql::get_optional_int64(*row, "certificate_id");
  sku.certificate_number = mysql::get_optional_string(*row, "certificate_number");
  sku.supplier_name = mysql::get_string(*row, "supplier_name");
  sku.county_name = mysql::get_string(*row, "county_name");
  return sku;
}

}  // namespace

}  // namespace huicai::ordering

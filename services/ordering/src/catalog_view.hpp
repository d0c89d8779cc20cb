#pragma once
// Reads the catalog's published view `catalog_orderable_sku` (the contract with catalog):
// price, supplier, county, listing and certification of a SKU, inside ordering's own
// transaction. Ordering never writes catalog tables.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

struct OrderableSku {
  std::int64_t sku_id = 0;
  std::int64_t product_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  std::int64_t category_id = 0;
  std::string product_title;
  std::string sku_spec;
  std::string sale_unit;
  std::int64_t net_weight_grams = 0;
  std::int64_t price_fen = 0;
  bool is_orderable = false;
  std::optional<std::int64_t> certificate_id;  // set when certified today
  std::optional<std::string> certificate_number;
  std::string supplier_name;
  std::string county_name;
};

std::optional<OrderableSku> read_orderable_sku(mysql::Session& session, std::int64_t sku_id);
// Every SKU of `sku_ids` the view has, in one SELECT, by SKU id (missing ones are left out).
std::map<std::int64_t, OrderableSku> read_orderable_skus(mysql::Session& session,
                                                         const std::vector<std::int64_t>& sku_ids);

}  // namespace huicai::ordering

#pragma once
// SQL for products (SPU), SKUs, images, price history and the search index. A product and its
// SKUs are one aggregate: every write bumps catalog_products.version, and the search terms and
// min_price_fen are rewritten in the same transaction as the rows they derive from.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/catalog/attribute_rules.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog_events.hpp"

namespace huicai::catalog {

// A sane cap for one SKU's price: ¥100,000.00. Anything above is a typo in yuan vs fen.
inline constexpr std::int64_t kMaxPriceFen = 10'000'000;
// A sane cap for one SKU's net weight: 1,000 kg.
inline constexpr std::int64_t kMaxNetWeightGrams = 1'000'000'000;

struct SkuFields {
  std::optional<std::string> spec;
  std::optional<std::string> sale_unit;
  std::optional<std::int64_t> net_weight_grams;
  std::optional<std::int64_t> price_fen;
  // Set by the demo loader only; the supplier's routes refuse it (operators set it with
  // set_market_reference_price).
  std::optional<std::int64_t> market_reference_price_fen;
  std::optional<std::string> status;
  // The "attributes" object as sent (code -> value, null removes); checked against the
  // category's attributes in the write transaction, which fills attribute_values.
  std::optional<boost::json::object> attributes;
  std::vector<AttributeValue> attribute_values;  // written with a new SKU
};

struct ProductFields {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> origin_county_id;
  std::optional<std::vector<std::string>> image_urls;
  std::vector<SkuFields> skus;
};

struct ProductKey {
  bool exists = false;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  std::int64_t category_id = 0;
  std::string status;
  std::int64_t version = 0;
};
ProductKey load_product_key(mysql::Session& session, std::int64_t product_id);
std::optional<std::string> supplier_status(mysql::Session& session, std::int64_t supplier_id,
                                           std::int64_t* county_id);

std::int64_t insert_product(mysql::Session& session, std::int64_t supplier_id,
                            std::int64_t county_id, const ProductFields& fields,
                            std::int64_t actor);
// Content edit: compare-and-set on an editable status and the version.
int update_product_content(mysql::Session& session, std::int64_t product_id,
                           std::optional<std::int64_t> expected_version,
                           const ProductFields& fields);
// Bumps the aggregate version (for SKU writes); compare-and-set when expected is given.
int bump_product_version(mysql::Session& session, std::int64_t product_id,
                         std::optional<std::int64_t> expected_version);
std::int64_t insert_sku(mysql::Session& session, std::int64_t product_id, const SkuFields& sku,
                        int position, std::int64_t actor);
// Updates a SKU of the product; returns the price change when the price changed. Throws 404
// when the SKU is not the product's.
std::optional<PriceChange> update_sku(mysql::Session& session, std::int64_t product_id,
                                      std::int64_t sku_id, const SkuFields& sku,
                                      std::int64_t actor);
void refresh_min_price(mysql::Session& session, std::int64_t product_id);
// Sets (or clears, nullopt) the operator's market reference price of a SKU of the product;
// returns the value it replaced. Throws 404 when the SKU is not the product's.
std::optional<std::int64_t> set_market_reference_price(mysql::Session& session,
                                                       std::int64_t product_id, std::int64_t sku_id,
                                                       std::optional<std::int64_t> price_fen);
int count_active_skus(mysql::Session& session, std::int64_t product_id);
int move_product(mysql::Session& session, std::int64_t product_id,
                 std::optional<std::int64_t> expected_version, const std::string& from_csv,
                 const std::string& to, const std::optional<std::string>& reason);

std::optional<boost::json::object> product_detail(mysql::Session& session, std::int64_t product_id);
boost::json::array price_history(mysql::Session& session, std::int64_t product_id,
                                 std::int64_t after_id, int limit);
// Products in any status, for supplier staff, officers and reviewers (keyset on id).
boost::json::array product_summaries(mysql::Session& session,
                                     std::optional<std::int64_t> supplier_id,
                                     std::optional<std::string> status, std::int64_t after_id,
                                     int limit);
std::optional<std::int64_t> find_product_id(mysql::Session& session, std::int64_t supplier_id,
                                            const std::string& title);

}  // namespace huicai::catalog

#pragma once
// Reads the catalog's published view `catalog_sku_pricing` (db/migrations/0310, the contract
// with catalog) inside ordering's own transaction: price, supplier, county, listing and
// certification of a SKU; one SKU with the names (cart, inventory), or every SKU of an order in
// one SELECT without them. Ordering never writes catalog tables.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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
  std::int64_t price_fen = 0;       // what the buyer pays now: the campaign price during a campaign
  std::int64_t list_price_fen = 0;  // the SKU's own price (catalog_skus.price_fen)
  bool is_orderable = false;
  // The holiday campaign pricing the SKU now (catalog_sku_pricing, 0320), with its cap.
  std::optional<std::int64_t> campaign_id;
  std::int64_t campaign_stock_cap = 0;
  std::optional<std::int64_t> certificate_id;  // set when certified today
  std::optional<std::string> certificate_number;
  std::string supplier_name;  // read_orderable_sku only (pricing does not need the names)
  std::string county_name;    // read_orderable_sku only
  // Ordering's own, read_orderable_skus only: the SKU's stock row has units in harvest batches.
  bool stock_in_batches = false;
};

// A certification as catalog_sku_pricing names it: '<valid_to YYYY-MM-DD> <id> <number>'.
struct PricingCertificate {
  std::string valid_to;
  std::int64_t id = 0;
  std::string number;
};
// nullopt when `text` is not that shape.
std::optional<PricingCertificate> parse_pricing_certificate(std::string_view text);
// The SKU's certificate of a product-scope and a supplier-scope candidate: the one valid longest,
// then the higher id (catalog_orderable_sku's choice).
const std::optional<PricingCertificate>& later_certificate(
    const std::optional<PricingCertificate>& product,
    const std::optional<PricingCertificate>& supplier);

std::optional<OrderableSku> read_orderable_sku(mysql::Session& session, std::int64_t sku_id);
// Every SKU of `sku_ids` catalog_sku_pricing has, in one SELECT, by SKU id (missing ones are
// left out; the names stay empty). At most 64 ids (an order has at most 50 lines).
std::map<std::int64_t, OrderableSku> read_orderable_skus(mysql::Session& session,
                                                         const std::vector<std::int64_t>& sku_ids);

}  // namespace huicai::ordering

#pragma once
// SQL for holiday campaigns (catalog_campaigns, catalog_campaign_products, catalog_campaign_skus,
// 0220). The price a campaign sets is never written into catalog_skus: catalog_sku_pricing
// (0320) computes the price in effect from the window, so it reverts when the window closes. The
// price history records both changes at the window's edges (rows carrying campaign_id).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::catalog {

struct CampaignSkuInput {
  std::int64_t sku_id = 0;
  std::int64_t price_fen = 0;
  std::int64_t stock_cap = 0;
};

struct CampaignInput {
  std::string code;
  std::string name;
  std::string kind;
  std::string starts_at;  // MySQL DATETIME(6) text, UTC (campaign_time)
  std::string ends_at;
  std::vector<std::int64_t> featured_product_ids;  // empty: the products of the SKUs
  std::vector<CampaignSkuInput> skus;
};

// Writes the campaign in the caller's transaction and returns its id; a window that began in
// the past starts now. The SKUs are locked
// first (in id order), then checked: 422 naming skus[i].* for a missing SKU or a campaign price
// not below the SKU's price, 422 for a window already over or an unknown featured product, 409
// "campaign-overlap" listing each SKU whose other campaign's window overlaps this one, 409
// "duplicate-campaign-code". Nothing is written before every check passed.
std::int64_t create_campaign(mysql::Session& session, const CampaignInput& input,
                             std::int64_t actor);

// The campaign with its state (upcoming | active | ended, from the database's clock), featured
// products and SKU prices; nullopt when there is none.
std::optional<boost::json::object> campaign_json(mysql::Session& session, std::int64_t id);

// Campaigns in `state` (active | upcoming | ended | all), by id, keyset after `after_id`.
boost::json::array campaign_list(mysql::Session& session, const std::string& state,
                                 std::int64_t after_id, int limit);

struct CampaignRow {
  bool exists = false;
  std::int64_t version = 0;
  bool ended = false;
};
CampaignRow read_campaign_row(mysql::Session& session, std::int64_t id);

// Ends the campaign now (compare-and-set: not yet ended, and at `expected_version` when given):
// ends_at becomes now, and starts_at too when it had not started; the SKU rows follow and the
// campaign's price history rows dated later than now are dated now. False when nothing changed.
bool end_campaign(mysql::Session& session, std::int64_t id,
                  std::optional<std::int64_t> expected_version, const std::string& reason);

}  // namespace huicai::catalog

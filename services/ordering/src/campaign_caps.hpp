#pragma once
// Holiday campaign stock caps (ordering_campaign_sales, 0321): the units a campaign sold of a
// SKU never exceed the cap catalog publishes with the campaign price (catalog_sku_pricing).
// One statement per campaign line, in the caller's order-placing transaction; never
// read-then-write.

#include <cstdint>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

struct CampaignTake {
  std::int64_t campaign_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
  std::int64_t cap = 0;
};
// Counts every take against its cap. Throws Problem 409 "campaign-cap-reached" naming the SKU,
// the campaign and what is left of the cap when one does not fit (the caller's transaction
// rolls back, earlier takes included).
void take_campaign_caps(mysql::Session& session, const std::vector<CampaignTake>& takes);

}  // namespace huicai::ordering

#pragma once
// Holiday campaign stock caps (ordering_campaign_sales, 0321): the units a campaign sold of a
// SKU never exceed the cap catalog publishes with the campaign price (catalog_sku_pricing).
// An order that ends unfulfilled (cancelled, expired, rejected) gives its units back to the
// campaign, as it gives its stock back. One statement per campaign line, in the caller's
// transaction; never read-then-write.

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

struct OrderRecord;
// Gives the campaign lines' units of an order that ends unfulfilled back to their campaigns, in
// the transaction whose compare-and-set ended the order (so exactly once). Called before the
// stock is released: placing takes the campaign rows before the stock rows, so both lock in
// the same order. Throws std::logic_error when the books disagree (fewer sold than returned).
void return_campaign_caps(mysql::Session& session, const OrderRecord& order);

}  // namespace huicai::ordering

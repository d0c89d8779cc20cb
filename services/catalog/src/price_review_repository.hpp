#pragma once
// SQL for 比质比价 price reviews (catalog_price_reviews, 0214): a supplier's justification of a
// SKU price above its market reference by more than the allowed margin, and the operator's
// decision. An approval covers exactly one (SKU, price, reference).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::catalog {

struct SkuPrice {
  std::int64_t price_fen = 0;
  std::optional<std::int64_t> reference_fen;
};
// The SKU's price and reference, locked for the transaction; 404 when not the product's.
SkuPrice lock_sku_price(mysql::Session& session, std::int64_t product_id, std::int64_t sku_id);

struct PriceReviewFiling {
  std::int64_t product_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t price_fen = 0;
  std::int64_t reference_fen = 0;
  std::int64_t allowed_margin_bp = 0;
  std::string justification;
};
// Files a pending review (superseding a pending one of the SKU); returns its id.
std::int64_t file_price_review(mysql::Session& session, const PriceReviewFiling& filing,
                               std::int64_t actor);

// Whether an approved review covers this SKU at this price against this reference.
bool price_approved(mysql::Session& session, std::int64_t sku_id, std::int64_t price_fen,
                    std::int64_t reference_fen);

// An active SKU of the product priced beyond the margin without an approved review.
struct UnjustifiedPrice {
  std::int64_t sku_id = 0;
  std::int64_t price_fen = 0;
  std::int64_t reference_fen = 0;
  std::int64_t margin_bp = 0;
};
std::vector<UnjustifiedPrice> unjustified_prices(mysql::Session& session, std::int64_t product_id,
                                                 std::int64_t allowed_margin_bp);

// 409 "price-review-required" listing the unjustified SKUs (only `sku_id` when given), each
// with its margin; nothing when every price is within the margin or approved.
void require_justified_prices(mysql::Session& session, std::int64_t product_id,
                              std::int64_t allowed_margin_bp,
                              std::optional<std::int64_t> sku_id = std::nullopt);

struct PriceReviewOwner {
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
};
std::optional<boost::json::object> price_review_json(mysql::Session& session, std::int64_t id,
                                                     PriceReviewOwner* owner = nullptr);
// pending -> `to` (approved | rejected), compare-and-set; false when no longer pending.
bool decide_price_review(mysql::Session& session, std::int64_t id, const std::string& to,
                         std::int64_t decider, const std::optional<std::string>& reason);
// The queue: reviews in `status`, oldest first, keyset on id.
boost::json::array price_review_queue(mysql::Session& session, const std::string& status,
                                      std::int64_t after_id, int limit);

}  // namespace huicai::catalog

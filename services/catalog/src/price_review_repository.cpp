#include "price_review_repository.hpp"

#include <huicai/catalog/price_check.hpp>

#include "http_support.hpp"
#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT r.id, r.product_id, p.title AS product_title, r.sku_id, s.spec AS sku_spec, "
    "p.supplier_id, p.county_id, r.price_fen, r.reference_fen, r.margin_bp, r.allowed_margin_bp, "
    "r.justification, r.status, r.requested_by_account_id, "
    "DATE_FORMAT(r.requested_at, '%Y-%m-%dT%H:%i:%sZ') AS requested_at, "
    "r.decided_by_account_id, DATE_FORMAT(r.decided_at, '%Y-%m-%dT%H:%i:%sZ') AS decided_at, "
    "r.decision_reason FROM catalog_price_reviews r "
    "JOIN catalog_products p ON p.id = r.product_id JOIN catalog_skus s ON s.id = r.sku_id ";

boost::json::object review_from(sql::ResultSet& row) {
  boost::json::object review;
  review["id"] = row.getInt64("id");
  review["product_id"] = row.getInt64("product_id");
  review["product_title"] = mysql::get_string(row, "product_title");
  review["sku_id"] = row.getInt64("sku_id");
  review["sku_spec"] = mysql::get_string(row, "sku_spec");
  review["supplier_id"] = row.getInt64("supplier_id");
  review["county_id"] = row.getInt64("county_id");
  review["price_fen"] = row.getInt64("price_fen");
  review["market_reference_price_fen"] = row.getInt64("reference_fen");
  review["margin_bp"] = row.getInt64("margin_bp");
  review["allowed_margin_bp"] = row.getInt64("allowed_margin_bp");
  review["justification"] = mysql::get_string(row, "justification");
  review["status"] = mysql::get_string(row, "status");
  review["requested_by_account_id"] = nullable_int(row, "requested_by_account_id");
  review["requested_at"] = mysql::get_string(row, "requested_at");
  review["decided_by_account_id"] = nullable_int(row, "decided_by_account_id");
  review["decided_at"] = nullable_string(row, "decided_at");
  review["decision_reason"] = nullable_string(row, "decision_reason");
  return review;
}

}  // namespace

SkuPrice lock_sku_price(mysql::Session& session, std::int64_t product_id, std::int64_t sku_id) {
  auto& select = session.prepare(
      "SELECT price_fen, market_reference_price_fen FROM catalog_skus "
      "WHERE id = ? AND product_id = ? FOR UPDATE");
  auto row = mysql::query(mysql::bind(select, sku_id, product_id));
  if (!row->next()) throw not_found("sku");
  return {row->getInt64("price_fen"),
          mysql::get_optional_int64(*row, "market_reference_price_fen")};
}

std::int64_t file_price_review(mysql::Session& session, const PriceReviewFiling& filing,
                               std::int64_t actor) {
  auto& supersede = session.prepare(
      "UPDATE catalog_price_reviews SET status = 'superseded', pending_slot = NULL, "
      "decided_at = CURRENT_TIMESTAMP(6) WHERE sku_id = ? AND status = 'pending'");
  mysql::bind(supersede, filing.sku_id).executeUpdate();
  auto& insert = session.prepare(
      "INSERT INTO catalog_price_reviews (product_id, sku_id, price_fen, reference_fen, "
      "margin_bp, allowed_margin_bp, justification, requested_by_account_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, filing.product_id, filing.sku_id, filing.price_fen, filing.reference_fen,
              margin_basis_points(filing.price_fen, filing.reference_fen), filing.allowed_margin_bp,
              filing.justification, actor);
  insert.executeUpdate();
  return last_insert_id(session);
}

bool price_approved(mysql::Session& session, std::int64_t sku_id, std::int64_t price_fen,
                    std::int64_t reference_fen) {
  auto& select = session.prepare(
      "SELECT 1 FROM catalog_price_reviews WHERE sku_id = ? AND status = 'approved' "
      "AND price_fen = ? AND reference_fen = ? LIMIT 1");
  return mysql::query(mysql::bind(select, sku_id, price_fen, reference_fen))->next();
}

std::vector<UnjustifiedPrice> unjustified_prices(mysql::Session& session, std::int64_t product_id,
                                                 std::int64_t allowed_margin_bp) {
  auto& select = session.prepare(
      "SELECT s.id, s.price_fen, s.market_reference_price_fen AS reference_fen, "
      "EXISTS (SELECT 1 FROM catalog_price_reviews r WHERE r.sku_id = s.id "
      " AND r.status = 'approved' AND r.price_fen = s.price_fen "
      " AND r.reference_fen = s.market_reference_price_fen) AS approved "
      "FROM catalog_skus s WHERE s.product_id = ? AND s.status = 'active' "
      "AND s.market_reference_price_fen IS NOT NULL ORDER BY s.position, s.id");
  auto rows = mysql::query(mysql::bind(select, product_id));
  std::vector<UnjustifiedPrice> found;
  while (rows->next()) {
    const auto price = rows->getInt64("price_fen");
    const auto reference = rows->getInt64("reference_fen");
    if (rows->getInt("approved") != 0 || !exceeds_margin(price, reference, allowed_margin_bp))
      continue;
    found.push_back(
        {rows->getInt64("id"), price, reference, margin_basis_points(price, reference)});
  }
  return found;
}

void require_justified_prices(mysql::Session& session, std::int64_t product_id,
                              std::int64_t allowed_margin_bp, std::optional<std::int64_t> sku_id) {
  boost::json::array skus;
  std::string detail;
  for (const auto& price : unjustified_prices(session, product_id, allowed_margin_bp)) {
    if (sku_id && price.sku_id != *sku_id) continue;
    skus.push_back({{"sku_id", price.sku_id},
                    {"price_fen", price.price_fen},
                    {"market_reference_price_fen", price.reference_fen},
                    {"margin_bp", price.margin_bp}});
    detail += (detail.empty() ? "" : "; ") + std::string("SKU ") + std::to_string(price.sku_id) +
              " is " + std::to_string(price.margin_bp) + " basis points above its market reference";
  }
  if (skus.empty()) return;
  throw http::Problem(409, "price-review-required", "Price needs review",
                      detail + " (allowed: " + std::to_string(allowed_margin_bp) +
                          "); file a justification for the operator to approve")
      .with("skus", std::move(skus))
      .with("allowed_margin_bp", allowed_margin_bp);
}

std::optional<boost::json::object> price_review_json(mysql::Session& session, std::int64_t id,
                                                     PriceReviewOwner* owner) {
  auto& select = session.prepare(std::string(kSelect) + "WHERE r.id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  if (!row->next()) return std::nullopt;
  if (owner) *owner = {row->getInt64("supplier_id"), row->getInt64("county_id")};
  return review_from(*row);
}

bool decide_price_review(mysql::Session& session, std::int64_t id, const std::string& to,
                         std::int64_t decider, const std::optional<std::string>& reason) {
  auto& update = session.prepare(
      "UPDATE catalog_price_reviews SET status = ?, pending_slot = NULL, "
      "decided_by_account_id = ?, decided_at = CURRENT_TIMESTAMP(6), decision_reason = ? "
      "WHERE id = ? AND status = 'pending'");
  mysql::bind(update, to, decider, reason, id);
  return update.executeUpdate() == 1;
}

boost::json::array price_review_queue(mysql::Session& session, const std::string& status,
                                      std::int64_t after_id, int limit) {
  auto& select = session.prepare(std::string(kSelect) +
                                 "WHERE r.status = ? AND r.id > ? ORDER BY r.id LIMIT ?");
  auto rows = mysql::query(mysql::bind(select, status, after_id, limit));
  boost::json::array items;
  while (rows->next()) items.push_back(review_from(*rows));
  return items;
}

}  // namespace huicai::catalog

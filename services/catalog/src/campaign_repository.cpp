#include "campaign_repository.hpp"

#include <cppconn/exception.h>

#include <algorithm>
#include <huicai/catalog/campaign_rules.hpp>
#include <huicai/core/validation.hpp>
#include <map>
#include <set>

#include "http_support.hpp"
#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

// "?, ?, ?" for an IN list of `count` values.
std::string placeholders(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

constexpr const char* kTime = "'%Y-%m-%d %H:%i:%s.%f'";
constexpr const char* kIsoTime = "'%Y-%m-%dT%H:%i:%s.%fZ'";

struct LockedSku {
  std::int64_t product_id = 0;
  std::int64_t price_fen = 0;
};

// The SKUs, locked in id order (every writer of campaign SKUs locks them the same way, so the
// overlap check below sees every committed campaign of these SKUs and none can slip in).
std::map<std::int64_t, LockedSku> lock_skus(mysql::Session& session,
                                            const std::vector<CampaignSkuInput>& skus) {
  std::vector<std::int64_t> ids;
  for (const auto& sku : skus) ids.push_back(sku.sku_id);
  std::sort(ids.begin(), ids.end());
  auto& select =
      session.prepare("SELECT id, product_id, price_fen FROM catalog_skus WHERE id IN (" +
                      placeholders(ids.size()) + ") ORDER BY id FOR UPDATE");
  int index = 1;
  for (const auto id : ids) mysql::bind_one(select, index++, id);
  auto rows = mysql::query(select);
  std::map<std::int64_t, LockedSku> found;
  while (rows->next()) {
    found[rows->getInt64("id")] = {rows->getInt64("product_id"), rows->getInt64("price_fen")};
  }
  return found;
}

// 409 listing each SKU whose other campaign's window overlaps [starts_at, ends_at).
void require_no_overlap(mysql::Session& session, const CampaignInput& input) {
  auto& select =
      session.prepare(std::string("SELECT sku_id, campaign_id, DATE_FORMAT(starts_at, ") + kTime +
                      ") AS starts_at, DATE_FORMAT(ends_at, " + kTime +
                      ") AS ends_at FROM catalog_campaign_skus WHERE ends_at > ? AND sku_id IN (" +
                      placeholders(input.skus.size()) + ") ORDER BY sku_id, campaign_id");
  int index = 1;
  mysql::bind_one(select, index++, input.starts_at);
  for (const auto& sku : input.skus) mysql::bind_one(select, index++, sku.sku_id);
  auto rows = mysql::query(select);
  boost::json::array overlapping;
  std::string detail;
  while (rows->next()) {
    if (!windows_overlap(input.starts_at, input.ends_at, mysql::get_string(*rows, "starts_at"),
                         mysql::get_string(*rows, "ends_at"))) {
      continue;
    }
    const auto sku_id = rows->getInt64("sku_id");
    const auto campaign_id = rows->getInt64("campaign_id");
    overlapping.push_back({{"sku_id", sku_id}, {"campaign_id", campaign_id}});
    detail += (detail.empty() ? "" : "; ") + std::string("SKU ") + std::to_string(sku_id) +
              " has a campaign price in campaign " + std::to_string(campaign_id);
  }
  if (overlapping.empty()) return;
  throw http::Problem(409, "campaign-overlap", "Campaign prices overlap",
                      detail + " during this window: a SKU has one campaign price at a time")
      .with("skus", std::move(overlapping));
}

std::string database_now(mysql::Session& session) {
  auto& select =
      session.prepare(std::string("SELECT DATE_FORMAT(UTC_TIMESTAMP(6), ") + kTime + ") AS now");
  auto row = mysql::query(select);
  row->next();
  return mysql::get_string(*row, "now");
}

void record_campaign_prices(mysql::Session& session, std::int64_t campaign_id,
                            const CampaignInput& input,
                            const std::map<std::int64_t, LockedSku>& locked, std::int64_t actor) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_price_history (sku_id, product_id, old_price_fen, new_price_fen, "
      "changed_at, changed_by_account_id, campaign_id) VALUES (?, ?, ?, ?, ?, ?, ?), "
      "(?, ?, ?, ?, ?, ?, ?)");
  for (const auto& sku : input.skus) {
    const auto& base = locked.at(sku.sku_id);
    mysql::bind(insert, sku.sku_id, base.product_id, base.price_fen, sku.price_fen, input.starts_at,
                actor, campaign_id, sku.sku_id, base.product_id, sku.price_fen, base.price_fen,
                input.ends_at, actor, campaign_id);
    insert.executeUpdate();
  }
}

}  // namespace

std::int64_t create_campaign(mysql::Session& session, const CampaignInput& requested,
                             std::int64_t actor) {
  const auto locked = lock_skus(session, requested.skus);
  std::vector<http::FieldError> errors;
  const auto now = database_now(session);
  if (requested.ends_at <= now) errors.push_back({"ends_at", "must be in the future"});
  // A window that began in the past starts now: prices are never changed retroactively (orders
  // already placed paid the SKU's own price, and the price history says so).
  auto input = requested;
  if (input.starts_at < now) input.starts_at = now;
  std::set<std::int64_t> sku_products;
  for (std::size_t i = 0; i < input.skus.size(); ++i) {
    const auto& sku = input.skus[i];
    const auto prefix = "skus[" + std::to_string(i) + "].";
    const auto found = locked.find(sku.sku_id);
    if (found == locked.end()) {
      errors.push_back({prefix + "sku_id", "is not a SKU"});
      continue;
    }
    sku_products.insert(found->second.product_id);
    if (sku.price_fen >= found->second.price_fen) {
      errors.push_back(
          {prefix + "price_fen",
           "must be below the SKU's price (" + std::to_string(found->second.price_fen) + " fen)"});
    }
  }
  auto featured = input.featured_product_ids;
  if (featured.empty()) featured.assign(sku_products.begin(), sku_products.end());
  if (!input.featured_product_ids.empty()) {
    auto& select = session.prepare("SELECT id FROM catalog_products WHERE id IN (" +
                                   placeholders(featured.size()) + ")");
    int index = 1;
    for (const auto id : featured) mysql::bind_one(select, index++, id);
    auto rows = mysql::query(select);
    std::set<std::int64_t> existing;
    while (rows->next()) existing.insert(rows->getInt64("id"));
    for (std::size_t i = 0; i < featured.size(); ++i) {
      if (!existing.contains(featured[i])) {
        errors.push_back({"featured_product_ids[" + std::to_string(i) + "]", "is not a product"});
      }
    }
  }
  if (!errors.empty()) throw validation_failed(errors);
  require_no_overlap(session, input);

  auto& insert = session.prepare(
      "INSERT INTO catalog_campaigns (code, name, kind, starts_at, ends_at, "
      "created_by_account_id) VALUES (?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, input.code, input.name, input.kind, input.starts_at, input.ends_at, actor);
  try {
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (!is_duplicate_key(error)) throw;
    throw conflict("duplicate-campaign-code", "Duplicate campaign code",
                   "a campaign with code '" + input.code + "' exists");
  }
  const auto id = last_insert_id(session);
  auto& feature = session.prepare(
      "INSERT INTO catalog_campaign_products (campaign_id, product_id, position) VALUES (?, ?, ?)");
  int position = 0;
  for (const auto product_id : featured) {
    mysql::bind(feature, id, product_id, position++);
    feature.executeUpdate();
  }
  auto& price = session.prepare(
      "INSERT INTO catalog_campaign_skus (campaign_id, sku_id, product_id, base_price_fen, "
      "price_fen, stock_cap, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& sku : input.skus) {
    const auto& base = locked.at(sku.sku_id);
    mysql::bind(price, id, sku.sku_id, base.product_id, base.price_fen, sku.price_fen,
                sku.stock_cap, input.starts_at, input.ends_at);
    price.executeUpdate();
  }
  record_campaign_prices(session, id, input, locked, actor);
  return id;
}

std::optional<boost::json::object> campaign_json(mysql::Session& session, std::int64_t id) {
  auto& select = session.prepare(
      std::string("SELECT id, code, name, kind, DATE_FORMAT(starts_at, ") + kIsoTime +
      ") AS starts_at, DATE_FORMAT(ends_at, " + kIsoTime +
      ") AS ends_at, CASE WHEN ends_at <= UTC_TIMESTAMP(6) THEN 'ended' "
      "WHEN starts_at > UTC_TIMESTAMP(6) THEN 'upcoming' ELSE 'active' END AS state, "
      "ended_early, end_reason, version, created_by_account_id, DATE_FORMAT(created_at, " +
      kIsoTime + ") AS created_at FROM catalog_campaigns WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  if (!row->next()) return std::nullopt;
  boost::json::object campaign;
  campaign["id"] = id;
  campaign["code"] = mysql::get_string(*row, "code");
  campaign["name"] = mysql::get_string(*row, "name");
  campaign["kind"] = mysql::get_string(*row, "kind");
  campaign["starts_at"] = mysql::get_string(*row, "starts_at");
  campaign["ends_at"] = mysql::get_string(*row, "ends_at");
  campaign["state"] = mysql::get_string(*row, "state");
  campaign["ended_early"] = row->getInt("ended_early") != 0;
  campaign["end_reason"] = nullable_string(*row, "end_reason");
  campaign["version"] = row->getInt64("version");
  campaign["created_by_account_id"] = nullable_int(*row, "created_by_account_id");
  campaign["created_at"] = mysql::get_string(*row, "created_at");

  auto& products = session.prepare(
      "SELECT p.id, p.title, p.status, p.min_price_fen FROM catalog_campaign_products cp "
      "JOIN catalog_products p ON p.id = cp.product_id WHERE cp.campaign_id = ? "
      "ORDER BY cp.position");
  auto product_rows = mysql::query(mysql::bind(products, id));
  boost::json::array featured;
  while (product_rows->next()) {
    featured.push_back({{"product_id", product_rows->getInt64("id")},
                        {"title", mysql::get_string(*product_rows, "title")},
                        {"listed", mysql::get_string(*product_rows, "status") == "listed"},
                        {"min_price_fen", nullable_int(*product_rows, "min_price_fen")}});
  }
  campaign["featured_products"] = std::move(featured);

  auto& skus = session.prepare(
      "SELECT cs.sku_id, cs.product_id, p.title, s.spec, cs.base_price_fen, cs.price_fen, "
      "cs.stock_cap FROM catalog_campaign_skus cs JOIN catalog_skus s ON s.id = cs.sku_id "
      "JOIN catalog_products p ON p.id = cs.product_id WHERE cs.campaign_id = ? "
      "ORDER BY cs.sku_id");
  auto sku_rows = mysql::query(mysql::bind(skus, id));
  boost::json::array priced;
  while (sku_rows->next()) {
    priced.push_back({{"sku_id", sku_rows->getInt64("sku_id")},
                      {"product_id", sku_rows->getInt64("product_id")},
                      {"product_title", mysql::get_string(*sku_rows, "title")},
                      {"sku_spec", mysql::get_string(*sku_rows, "spec")},
                      {"base_price_fen", sku_rows->getInt64("base_price_fen")},
                      {"campaign_price_fen", sku_rows->getInt64("price_fen")},
                      {"stock_cap", sku_rows->getInt64("stock_cap")}});
  }
  campaign["skus"] = std::move(priced);
  return campaign;
}

boost::json::array campaign_list(mysql::Session& session, const std::string& state,
                                 std::int64_t after_id, int limit) {
  std::string where = "id > ?";
  if (state == "active")
    where += " AND starts_at <= UTC_TIMESTAMP(6) AND ends_at > UTC_TIMESTAMP(6)";
  if (state == "upcoming") where += " AND starts_at > UTC_TIMESTAMP(6)";
  if (state == "ended") where += " AND ends_at <= UTC_TIMESTAMP(6)";
  auto& select =
      session.prepare("SELECT id FROM catalog_campaigns WHERE " + where + " ORDER BY id LIMIT ?");
  std::vector<std::int64_t> ids;
  {
    auto rows = mysql::query(mysql::bind(select, after_id, limit));
    while (rows->next()) ids.push_back(rows->getInt64("id"));
  }
  boost::json::array items;
  for (const auto id : ids) {
    if (auto campaign = campaign_json(session, id)) items.push_back(std::move(*campaign));
  }
  return items;
}

CampaignRow read_campaign_row(mysql::Session& session, std::int64_t id) {
  auto& select = session.prepare(
      "SELECT version, ends_at <= UTC_TIMESTAMP(6) AS ended FROM catalog_campaigns WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  CampaignRow found;
  if (!row->next()) return found;
  found.exists = true;
  found.version = row->getInt64("version");
  found.ended = row->getInt("ended") != 0;
  return found;
}

bool end_campaign(mysql::Session& session, std::int64_t id,
                  std::optional<std::int64_t> expected_version, const std::string& reason) {
  // One "now" for the three statements (the statement clock differs between statements).
  const auto now = database_now(session);
  auto& update = session.prepare(
      "UPDATE catalog_campaigns SET starts_at = LEAST(starts_at, ?), ends_at = ?, "
      "ended_early = 1, end_reason = ?, version = version + 1, "
      "updated_at = CURRENT_TIMESTAMP(6) WHERE id = ? AND ends_at > ? AND (? IS NULL OR version = "
      "?)");
  mysql::bind(update, now, now, reason, id, now, expected_version, expected_version);
  if (update.executeUpdate() != 1) return false;
  auto& skus = session.prepare(
      "UPDATE catalog_campaign_skus SET starts_at = LEAST(starts_at, ?), ends_at = ? "
      "WHERE campaign_id = ?");
  mysql::bind(skus, now, now, id);
  skus.executeUpdate();
  auto& history = session.prepare(
      "UPDATE catalog_price_history SET changed_at = ? WHERE campaign_id = ? AND changed_at > ?");
  mysql::bind(history, now, id, now);
  history.executeUpdate();
  return true;
}

}  // namespace huicai::catalog

#include "product_repository.hpp"

#include <algorithm>

#include "attribute_repository.hpp"
#include "certification_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "search_index.hpp"

namespace huicai::catalog {
namespace {

void replace_images(mysql::Session& session, std::int64_t product_id,
                    const std::vector<std::string>& urls) {
  auto& remove = session.prepare("DELETE FROM catalog_product_images WHERE product_id = ?");
  mysql::bind(remove, product_id);
  remove.executeUpdate();
  auto& insert = session.prepare(
      "INSERT INTO catalog_product_images (product_id, position, url) VALUES (?, ?, ?)");
  int position = 0;
  for (const auto& url : urls) {
    mysql::bind(insert, product_id, position++, url);
    insert.executeUpdate();
  }
}

std::int64_t record_price(mysql::Session& session, std::int64_t sku_id, std::int64_t product_id,
                          std::optional<std::int64_t> old_price, std::int64_t new_price,
                          std::int64_t actor) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_price_history (sku_id, product_id, old_price_fen, new_price_fen, "
      "changed_by_account_id) VALUES (?, ?, ?, ?, ?)");
  mysql::bind(insert, sku_id, product_id, old_price, new_price, actor);
  insert.executeUpdate();
  return last_insert_id(session);
}

boost::json::object sku_json(sql::ResultSet& row) {
  boost::json::object sku;
  sku["id"] = row.getInt64("id");
  sku["spec"] = mysql::get_string(row, "spec");
  sku["sale_unit"] = mysql::get_string(row, "sale_unit");
  sku["net_weight_grams"] = row.getInt64("net_weight_grams");
  sku["price_fen"] = row.getInt64("price_fen");
  const auto reference = mysql::get_optional_int64(row, "market_reference_price_fen");
  sku["market_reference_price_fen"] = reference ? boost::json::value(*reference) : nullptr;
  // 比质比价: flag a price above the market reference for buyers and reviewers.
  sku["above_market_reference"] = reference && row.getInt64("price_fen") > *reference;
  sku["status"] = mysql::get_string(row, "status");
  // The holiday campaign pricing the SKU now (the price an order is charged until ends_at), or
  // null. Pages holding it are cached; the catalog version moves at every window edge
  // (campaign_edges.hpp), so a cached page never shows a price past its edge.
  const auto campaign_id = mysql::get_optional_int64(row, "campaign_id");
  if (campaign_id) {
    sku["campaign"] = {{"campaign_id", *campaign_id},
                       {"price_fen", row.getInt64("campaign_price_fen")},
                       {"stock_cap", row.getInt64("campaign_stock_cap")},
                       {"ends_at", mysql::get_string(row, "campaign_ends_at")}};
  } else {
    sku["campaign"] = nullptr;
  }
  return sku;
}

}  // namespace

ProductKey load_product_key(mysql::Session& session, std::int64_t product_id) {
  auto& select = session.prepare(
      "SELECT supplier_id, county_id, category_id, status, version FROM catalog_products "
      "WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, product_id));
  ProductKey key;
  if (!row->next()) return key;
  key.exists = true;
  key.supplier_id = row->getInt64("supplier_id");
  key.county_id = row->getInt64("county_id");
  key.category_id = row->getInt64("category_id");
  key.status = mysql::get_string(*row, "status");
  key.version = row->getInt64("version");
  return key;
}

std::optional<std::string> supplier_status(mysql::Session& session, std::int64_t supplier_id,
                                           std::int64_t* county_id) {
  auto& select =
      session.prepare("SELECT status, county_id FROM catalog_suppliers WHERE id = ? FOR UPDATE");
  auto row = mysql::query(mysql::bind(select, supplier_id));
  if (!row->next()) return std::nullopt;
  if (county_id) *county_id = row->getInt64("county_id");
  return mysql::get_string(*row, "status");
}

std::int64_t insert_product(mysql::Session& session, std::int64_t supplier_id,
                            std::int64_t county_id, const ProductFields& fields,
                            std::int64_t actor) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, description, "
      "created_by_account_id) VALUES (?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, supplier_id, county_id, *fields.category_id, *fields.title,
              fields.description.value_or(""), actor);
  insert.executeUpdate();
  const auto product_id = last_insert_id(session);
  int position = 0;
  for (const auto& sku : fields.skus) insert_sku(session, product_id, sku, position++, actor);
  if (fields.image_urls) replace_images(session, product_id, *fields.image_urls);
  write_search_terms(session, product_id, *fields.title);
  refresh_min_price(session, product_id);
  return product_id;
}

int update_product_content(mysql::Session& session, std::int64_t product_id,
                           std::optional<std::int64_t> expected_version,
                           const ProductFields& fields) {
  auto& update = session.prepare(
      "UPDATE catalog_products SET title = COALESCE(?, title), "
      "description = COALESCE(?, description), category_id = COALESCE(?, category_id), "
      "version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND status IN ('draft', 'rejected', 'delisted') "
      "AND (? IS NULL OR version = ?)");
  mysql::bind(update, fields.title, fields.description, fields.category_id, product_id,
              expected_version, expected_version);
  const int changed = update.executeUpdate();
  if (changed == 0) return 0;
  if (fields.title) write_search_terms(session, product_id, *fields.title);
  if (fields.image_urls) replace_images(session, product_id, *fields.image_urls);
  return changed;
}

int bump_product_version(mysql::Session& session, std::int64_t product_id,
                         std::optional<std::int64_t> expected_version) {
  auto& update = session.prepare(
      "UPDATE catalog_products SET version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND (? IS NULL OR version = ?)");
  mysql::bind(update, product_id, expected_version, expected_version);
  return update.executeUpdate();
}

std::int64_t insert_sku(mysql::Session& session, std::int64_t product_id, const SkuFields& sku,
                        int position, std::int64_t actor) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen, "
      "market_reference_price_fen, status, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, product_id, *sku.spec, *sku.sale_unit, *sku.net_weight_grams, *sku.price_fen,
              sku.market_reference_price_fen, sku.status.value_or("active"), position);
  insert.executeUpdate();
  const auto sku_id = last_insert_id(session);
  record_price(session, sku_id, product_id, std::nullopt, *sku.price_fen, actor);
  write_sku_attribute_values(session, sku_id, sku.attribute_values);
  return sku_id;
}

std::optional<PriceChange> update_sku(mysql::Session& session, std::int64_t product_id,
                                      std::int64_t sku_id, const SkuFields& sku,
                                      std::int64_t actor) {
  // Locked read of the old price: the history row must name exactly the price replaced.
  auto& select = session.prepare(
      "SELECT s.price_fen, p.supplier_id, p.county_id FROM catalog_skus s "
      "JOIN catalog_products p ON p.id = s.product_id "
      "WHERE s.id = ? AND s.product_id = ? FOR UPDATE");
  std::int64_t old_price = 0;
  PriceChange change;
  {
    auto row = mysql::query(mysql::bind(select, sku_id, product_id));
    if (!row->next()) throw not_found("sku");
    old_price = row->getInt64("price_fen");
    change.supplier_id = row->getInt64("supplier_id");
    change.county_id = row->getInt64("county_id");
  }
  auto& update = session.prepare(
      "UPDATE catalog_skus SET spec = COALESCE(?, spec), sale_unit = COALESCE(?, sale_unit), "
      "net_weight_grams = COALESCE(?, net_weight_grams), price_fen = COALESCE(?, price_fen), "
      "status = COALESCE(?, status), updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?");
  mysql::bind(update, sku.spec, sku.sale_unit, sku.net_weight_grams, sku.price_fen, sku.status,
              sku_id);
  update.executeUpdate();
  refresh_min_price(session, product_id);
  if (!sku.price_fen || *sku.price_fen == old_price) return std::nullopt;
  change.sku_id = sku_id;
  change.product_id = product_id;
  change.old_price_fen = old_price;
  change.new_price_fen = *sku.price_fen;
  change.price_history_id =
      record_price(session, sku_id, product_id, old_price, *sku.price_fen, actor);
  return change;
}

void refresh_min_price(mysql::Session& session, std::int64_t product_id) {
  auto& update = session.prepare(
      "UPDATE catalog_products SET min_price_fen = (SELECT MIN(s.price_fen) FROM catalog_skus s "
      "WHERE s.product_id = ? AND s.status = 'active') WHERE id = ?");
  mysql::bind(update, product_id, product_id);
  update.executeUpdate();
}

std::optional<std::int64_t> set_market_reference_price(mysql::Session& session,
                                                       std::int64_t product_id, std::int64_t sku_id,
                                                       std::optional<std::int64_t> price_fen) {
  auto& select = session.prepare(
      "SELECT market_reference_price_fen FROM catalog_skus WHERE id = ? AND product_id = ? "
      "FOR UPDATE");
  std::optional<std::int64_t> old_value;
  {
    auto row = mysql::query(mysql::bind(select, sku_id, product_id));
    if (!row->next()) throw not_found("sku");
    old_value = mysql::get_optional_int64(*row, "market_reference_price_fen");
  }
  auto& update = session.prepare(
      "UPDATE catalog_skus SET market_reference_price_fen = ?, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND product_id = ?");
  mysql::bind(update, price_fen, sku_id, product_id);
  update.executeUpdate();
  return old_value;
}

int count_active_skus(mysql::Session& session, std::int64_t product_id) {
  auto& select = session.prepare(
      "SELECT COUNT(*) AS n FROM catalog_skus WHERE product_id = ? AND status = 'active'");
  auto row = mysql::query(mysql::bind(select, product_id));
  row->next();
  return row->getInt("n");
}

int move_product(mysql::Session& session, std::int64_t product_id,
                 std::optional<std::int64_t> expected_version, const std::string& from_csv,
                 const std::string& to, const std::optional<std::string>& reason) {
  auto& update = session.prepare(
      "UPDATE catalog_products SET status = ?, status_reason = ?, version = version + 1, "
      "listed_at = CASE WHEN ? = 'listed' THEN CURRENT_TIMESTAMP(6) ELSE listed_at END, "
      "updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND FIND_IN_SET(status, ?) > 0 AND (? IS NULL OR version = ?)");
  mysql::bind(update, to, reason, to, product_id, from_csv, expected_version, expected_version);
  return update.executeUpdate();
}

std::optional<boost::json::object> product_detail(mysql::Session& session,
                                                  std::int64_t product_id) {
  boost::json::object product;
  std::int64_t supplier_id = 0;
  {
    auto& select = session.prepare(
        "SELECT p.id, p.title, p.description, p.status, p.status_reason, p.version, "
        "p.min_price_fen, p.sales_count, "
        "DATE_FORMAT(p.listed_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS listed_at, "
        "DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS created_at, "
        "p.supplier_id, sup.name AS supplier_name, sup.status AS supplier_status, "
        "p.county_id, co.name AS county_name, co.code AS county_code, "
        "p.category_id, cat.name AS category_name, cat.path AS category_path "
        "FROM catalog_products p JOIN catalog_suppliers sup ON sup.id = p.supplier_id "
        "JOIN catalog_counties co ON co.id = p.county_id "
        "JOIN catalog_categories cat ON cat.id = p.category_id WHERE p.id = ?");
    auto row = mysql::query(mysql::bind(select, product_id));
    if (!row->next()) return std::nullopt;
    supplier_id = row->getInt64("supplier_id");
    product["id"] = row->getInt64("id");
    product["title"] = mysql::get_string(*row, "title");
    product["description"] = mysql::get_string(*row, "description");
    product["status"] = mysql::get_string(*row, "status");
    product["status_reason"] = nullable_string(*row, "status_reason");
    product["version"] = row->getInt64("version");
    product["min_price_fen"] = nullable_int(*row, "min_price_fen");
    product["sales_count"] = row->getInt64("sales_count");
    product["listed_at"] = nullable_string(*row, "listed_at");
    product["created_at"] = mysql::get_string(*row, "created_at");
    product["supplier"] = {{"id", supplier_id},
                           {"name", mysql::get_string(*row, "supplier_name")},
                           {"status", mysql::get_string(*row, "supplier_status")}};
    product["county"] = {{"id", row->getInt64("county_id")},
                         {"name", mysql::get_string(*row, "county_name")},
                         {"code", mysql::get_string(*row, "county_code")}};
    product["category"] = {{"id", row->getInt64("category_id")},
                           {"name", mysql::get_string(*row, "category_name")},
                           {"path", mysql::get_string(*row, "category_path")}};
  }
  {
    auto& select = session.prepare(
        "SELECT s.id, s.spec, s.sale_unit, s.net_weight_grams, s.price_fen, "
        "s.market_reference_price_fen, s.status, cs.campaign_id, cs.price_fen AS "
        "campaign_price_fen, cs.stock_cap AS campaign_stock_cap, DATE_FORMAT(cs.ends_at, "
        "'%Y-%m-%dT%H:%i:%s.%fZ') AS campaign_ends_at FROM catalog_skus s LEFT JOIN "
        "catalog_campaign_skus cs ON cs.sku_id = s.id AND cs.starts_at <= UTC_TIMESTAMP(6) AND "
        "cs.ends_at > UTC_TIMESTAMP(6) WHERE s.product_id = ? ORDER BY s.position, s.id");
    auto rows = mysql::query(mysql::bind(select, product_id));
    boost::json::array skus;
    while (rows->next()) skus.push_back(sku_json(*rows));
    auto attributes = product_attribute_json(session, product_id);
    for (auto& sku : skus) {
      auto found = attributes.find(sku.as_object().at("id").as_int64());
      sku.as_object()["attributes"] =
          found == attributes.end() ? boost::json::array{} : std::move(found->second);
    }
    // The product's lowest price is what an order is charged now: a SKU's active campaign
    // price while below its own, else its own (active SKUs only, like the stored
    // min_price_fen).
    std::optional<std::int64_t> lowest;
    for (const auto& value : skus) {
      const auto& sku = value.as_object();
      if (sku.at("status").as_string() != "active") continue;
      const auto& campaign = sku.at("campaign");
      // Ordering pays the campaign price while it is below the SKU's own.
      const auto own = sku.at("price_fen").as_int64();
      const auto price =
          campaign.is_null() ? own : std::min(own, campaign.at("price_fen").as_int64());
      if (!lowest || price < *lowest) lowest = price;
    }
    if (lowest) product["min_price_fen"] = *lowest;
    product["skus"] = std::move(skus);
  }
  {
    auto& select = session.prepare(
        "SELECT url FROM catalog_product_images WHERE product_id = ? ORDER BY position");
    auto rows = mysql::query(mysql::bind(select, product_id));
    boost::json::array images;
    while (rows->next()) images.push_back(boost::json::value(mysql::get_string(*rows, "url")));
    product["images"] = std::move(images);
  }
  auto certification = current_certification(session, product_id, supplier_id);
  product["certified"] = !certification.is_null();
  product["certification"] = std::move(certification);
  return product;
}

boost::json::array price_history(mysql::Session& session, std::int64_t product_id,
                                 std::int64_t after_id, int limit) {
  auto& select = session.prepare(
      "SELECT id, sku_id, old_price_fen, new_price_fen, changed_by_account_id, campaign_id, "
      "DATE_FORMAT(changed_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS changed_at "
      "FROM catalog_price_history WHERE product_id = ? AND id > ? ORDER BY id LIMIT ?");
  auto rows = mysql::query(mysql::bind(select, product_id, after_id, limit));
  boost::json::array items;
  while (rows->next()) {
    boost::json::object entry;
    entry["id"] = rows->getInt64("id");
    entry["sku_id"] = rows->getInt64("sku_id");
    entry["old_price_fen"] = nullable_int(*rows, "old_price_fen");
    entry["new_price_fen"] = rows->getInt64("new_price_fen");
    entry["changed_by_account_id"] = nullable_int(*rows, "changed_by_account_id");
    entry["changed_at"] = mysql::get_string(*rows, "changed_at");
    // A holiday campaign's price at its start and its revert at its end (changed_at is when the
    // price takes effect).
    entry["campaign_id"] = nullable_int(*rows, "campaign_id");
    items.push_back(std::move(entry));
  }
  return items;
}

boost::json::array product_summaries(mysql::Session& session,
                                     std::optional<std::int64_t> supplier_id,
                                     std::optional<std::string> status, std::int64_t after_id,
                                     int limit) {
  auto& select = session.prepare(
      "SELECT id, title, status, status_reason, version, min_price_fen, supplier_id, county_id, "
      "category_id, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS created_at "
      "FROM catalog_products WHERE id > ? AND (? IS NULL OR supplier_id = ?) "
      "AND (? IS NULL OR status = ?) ORDER BY id LIMIT ?");
  mysql::bind(select, after_id, supplier_id, supplier_id, status, status, limit);
  auto rows = mysql::query(select);
  boost::json::array items;
  while (rows->next()) {
    boost::json::object item;
    item["id"] = rows->getInt64("id");
    item["title"] = mysql::get_string(*rows, "title");
    item["status"] = mysql::get_string(*rows, "status");
    item["status_reason"] = nullable_string(*rows, "status_reason");
    item["version"] = rows->getInt64("version");
    item["min_price_fen"] = nullable_int(*rows, "min_price_fen");
    item["supplier_id"] = rows->getInt64("supplier_id");
    item["county_id"] = rows->getInt64("county_id");
    item["category_id"] = rows->getInt64("category_id");
    item["created_at"] = mysql::get_string(*rows, "created_at");
    items.push_back(std::move(item));
  }
  return items;
}

std::optional<std::int64_t> find_product_id(mysql::Session& session, std::int64_t supplier_id,
                                            const std::string& title) {
  auto& select =
      session.prepare("SELECT id FROM catalog_products WHERE supplier_id = ? AND title = ?");
  auto row = mysql::query(mysql::bind(select, supplier_id, title));
  if (!row->next()) return std::nullopt;
  return row->getInt64("id");
}

}  // namespace huicai::catalog

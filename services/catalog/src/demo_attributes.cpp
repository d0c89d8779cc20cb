#include "demo_attributes.hpp"

#include <huicai/core/mysql/statement.hpp>
#include <vector>

#include "attribute_repository.hpp"

namespace huicai::catalog::demo {
namespace {

struct DemoAttribute {
  std::string_view category_code;
  std::string_view code;
  std::string_view name;
  AttributeType type;
  std::string_view unit;
  std::int64_t min, max;
  std::vector<std::string> choices;
  bool required;
};

const std::vector<DemoAttribute>& attributes() {
  static const std::vector<DemoAttribute> list = [] {
    std::vector<DemoAttribute> all;
    for (std::string_view root : {"grain", "meat", "produce", "tea", "specialty"}) {
      all.push_back({root, "origin", "产地", AttributeType::text, "", 0, 0, {}, true});
      all.push_back(
          {root, "net_content", "净含量", AttributeType::integer, "g", 1, 1'000'000, {}, true});
      all.push_back(
          {root, "shelf_life", "保质期", AttributeType::integer, "天", 1, 3650, {}, true});
      all.push_back({root,
                     "storage",
                     "储存方式",
                     AttributeType::choice,
                     "",
                     0,
                     0,
                     {"常温", "冷藏", "冷冻"},
                     true});
    }
    all.push_back({"grain",
                   "grade",
                   "等级",
                   AttributeType::choice,
                   "",
                   0,
                   0,
                   {"特级", "一级", "二级"},
                   false});
    return all;
  }();
  return list;
}

std::int64_t shelf_life_days(std::string_view category) {
  if (category == "grain-oil" || category == "tea-leaf") return 540;
  if (category == "specialty-honey") return 730;
  if (category == "meat-eggs") return 30;
  if (category == "produce-potato") return 60;
  if (category == "specialty-dairy") return 180;
  if (category.starts_with("meat")) return 180;
  if (category.starts_with("produce")) return 15;
  return 365;
}

std::string storage(std::string_view category) {
  if (category == "meat-eggs" || category == "specialty-dairy") return "冷藏";
  if (category.starts_with("meat")) return "冷冻";
  if (category == "produce-fruit" || category == "produce-vegetable") return "冷藏";
  return "常温";
}

const County& county_of(std::int64_t id) {
  for (const auto& county : counties()) {
    if (county.id == id) return county;
  }
  return counties().front();
}

}  // namespace

void load_attributes(mysql::Session& session,
                     const std::map<std::string, std::int64_t>& category_ids) {
  int position = 0;
  for (const auto& attribute : attributes()) {
    const auto category_id = category_ids.at(std::string(attribute.category_code));
    ++position;
    if (attribute_code_taken(session, category_id, std::string(attribute.code))) continue;
    AttributeDefinition definition;
    definition.category_id = category_id;
    definition.code = std::string(attribute.code);
    definition.name = std::string(attribute.name);
    definition.type = attribute.type;
    definition.unit = std::string(attribute.unit);
    definition.min = attribute.min;
    definition.max = attribute.max;
    definition.choices = attribute.choices;
    definition.required = attribute.required;
    insert_attribute(session, definition, position, 0);
  }
}

void fill_sku_attributes(mysql::Session& session, std::int64_t product_id,
                         std::string_view category_code, const Supplier& supplier,
                         int rank_in_county) {
  auto& category = session.prepare("SELECT category_id FROM catalog_products WHERE id = ?");
  auto found = mysql::query(mysql::bind(category, product_id));
  if (!found->next()) return;
  const auto definitions = category_attributes(session, found->getInt64("category_id"));
  const auto& county = county_of(supplier.county_id);
  const std::string origin = std::string(county.province) + std::string(county.prefecture) +
                             std::string(county.name) + std::string(supplier.brand);
  auto& skus =
      session.prepare("SELECT id, net_weight_grams FROM catalog_skus WHERE product_id = ?");
  std::vector<std::pair<std::int64_t, std::int64_t>> sku_weights;  // read all, then write
  for (auto rows = mysql::query(mysql::bind(skus, product_id)); rows->next();)
    sku_weights.emplace_back(rows->getInt64("id"), rows->getInt64("net_weight_grams"));
  for (const auto& [sku_id, grams] : sku_weights) {
    if (!sku_attribute_values(session, sku_id).empty()) continue;
    std::vector<AttributeValue> values;
    for (const auto& definition : definitions) {
      AttributeValue value{definition.id, std::nullopt, std::nullopt};
      if (definition.code == "origin") value.text = origin;
      if (definition.code == "net_content") value.integer = grams;
      if (definition.code == "shelf_life") value.integer = shelf_life_days(category_code);
      if (definition.code == "storage") value.text = storage(category_code);
      if (definition.code == "grade") value.text = rank_in_county == 0 ? "特级" : "一级";
      if (value.integer || value.text) values.push_back(std::move(value));
    }
    write_sku_attribute_values(session, sku_id, values);
  }
}

}  // namespace huicai::catalog::demo

#include "attribute_repository.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kDefinitionColumns =
    "a.id, a.category_id, a.code, a.name, a.value_type, a.unit, a.min_value, a.max_value, "
    "a.enum_values, a.required";

AttributeDefinition definition_of(sql::ResultSet& row) {
  AttributeDefinition definition;
  definition.id = row.getInt64("id");
  definition.category_id = row.getInt64("category_id");
  definition.code = mysql::get_string(row, "code");
  definition.name = mysql::get_string(row, "name");
  definition.type =
      attribute_type_from(mysql::get_string(row, "value_type")).value_or(AttributeType::text);
  definition.unit = mysql::get_optional_string(row, "unit").value_or("");
  definition.min = mysql::get_optional_int64(row, "min_value").value_or(INT64_MIN);
  definition.max = mysql::get_optional_int64(row, "max_value").value_or(INT64_MAX);
  if (auto choices = mysql::get_optional_string(row, "enum_values")) {
    const auto parsed = boost::json::parse(*choices);  // kept: the loop borrows from it
    for (const auto& choice : parsed.as_array()) {
      definition.choices.emplace_back(choice.as_string());
    }
  }
  definition.required = row.getInt("required") != 0;
  return definition;
}

}  // namespace

std::vector<AttributeDefinition> category_attributes(mysql::Session& session,
                                                     std::int64_t category_id) {
  auto& select =
      session.prepare(std::string("SELECT ") + kDefinitionColumns +
                      " FROM catalog_categories mine "
                      "JOIN catalog_categories c ON LEFT(mine.path, CHAR_LENGTH(c.path)) = c.path "
                      "JOIN catalog_category_attributes a ON a.category_id = c.id "
                      "WHERE mine.id = ? ORDER BY CHAR_LENGTH(c.path), a.position, a.id");
  auto rows = mysql::query(mysql::bind(select, category_id));
  std::vector<AttributeDefinition> definitions;
  while (rows->next()) definitions.push_back(definition_of(*rows));
  return definitions;
}

bool attribute_code_taken(mysql::Session& session, std::int64_t category_id,
                          const std::string& code) {
  auto& select = session.prepare(
      "SELECT 1 FROM catalog_categories mine "
      "JOIN catalog_categories c ON LEFT(mine.path, CHAR_LENGTH(c.path)) = c.path "
      "OR LEFT(c.path, CHAR_LENGTH(mine.path)) = mine.path "
      "JOIN catalog_category_attributes a ON a.category_id = c.id "
      "WHERE mine.id = ? AND a.code = ? LIMIT 1");
  return mysql::query(mysql::bind(select, category_id, code))->next();
}

std::int64_t insert_attribute(mysql::Session& session, const AttributeDefinition& definition,
                              int position, std::int64_t actor) {
  const bool integer = definition.type == AttributeType::integer;
  std::optional<std::string> unit, choices;
  std::optional<std::int64_t> min, max;
  if (integer) {
    unit = definition.unit;
    min = definition.min;
    max = definition.max;
  }
  if (definition.type == AttributeType::choice) {
    boost::json::array list;
    for (const auto& choice : definition.choices) list.emplace_back(choice);
    choices = boost::json::serialize(list);
  }
  auto& insert = session.prepare(
      "INSERT INTO catalog_category_attributes (category_id, code, name, value_type, unit, "
      "min_value, max_value, enum_values, required, position, created_by_account_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, definition.category_id, definition.code, definition.name,
              std::string(to_string(definition.type)), unit, min, max, choices, definition.required,
              position, actor > 0 ? std::optional(actor) : std::nullopt);
  insert.executeUpdate();
  return last_insert_id(session);
}

boost::json::object attribute_definition_json(const AttributeDefinition& definition) {
  boost::json::object out;
  out["id"] = definition.id;
  out["category_id"] = definition.category_id;
  out["code"] = definition.code;
  out["name"] = definition.name;
  out["type"] = to_string(definition.type);
  out["required"] = definition.required;
  const bool integer = definition.type == AttributeType::integer;
  out["unit"] = integer ? boost::json::value(definition.unit) : nullptr;
  out["min"] = integer ? boost::json::value(definition.min) : nullptr;
  out["max"] = integer ? boost::json::value(definition.max) : nullptr;
  if (definition.type == AttributeType::choice) {
    boost::json::array choices;
    for (const auto& choice : definition.choices) choices.emplace_back(choice);
    out["values"] = std::move(choices);
  } else {
    out["values"] = nullptr;
  }
  return out;
}

std::vector<AttributeValue> sku_attribute_values(mysql::Session& session, std::int64_t sku_id) {
  auto& select = session.prepare(
      "SELECT attribute_id, int_value, text_value FROM catalog_sku_attribute_values "
      "WHERE sku_id = ? ORDER BY attribute_id");
  auto rows = mysql::query(mysql::bind(select, sku_id));
  std::vector<AttributeValue> values;
  while (rows->next()) {
    values.push_back({rows->getInt64("attribute_id"), mysql::get_optional_int64(*rows, "int_value"),
                      mysql::get_optional_string(*rows, "text_value")});
  }
  return values;
}

void write_sku_attribute_values(mysql::Session& session, std::int64_t sku_id,
                                const std::vector<AttributeValue>& values) {
  auto& remove = session.prepare("DELETE FROM catalog_sku_attribute_values WHERE sku_id = ?");
  mysql::bind(remove, sku_id).executeUpdate();
  auto& insert = session.prepare(
      "INSERT INTO catalog_sku_attribute_values (sku_id, attribute_id, int_value, text_value) "
      "VALUES (?, ?, ?, ?)");
  for (const auto& value : values) {
    mysql::bind(insert, sku_id, value.attribute_id, value.integer, value.text).executeUpdate();
  }
}

std::map<std::int64_t, boost::json::array> product_attribute_json(mysql::Session& session,
                                                                  std::int64_t product_id) {
  auto& select = session.prepare(
      std::string("SELECT v.sku_id, v.int_value, v.text_value, ") + kDefinitionColumns +
      " FROM catalog_skus s JOIN catalog_sku_attribute_values v ON v.sku_id = s.id "
      "JOIN catalog_category_attributes a ON a.id = v.attribute_id "
      "JOIN catalog_categories c ON c.id = a.category_id "
      "WHERE s.product_id = ? ORDER BY v.sku_id, CHAR_LENGTH(c.path), a.position, a.id");
  auto rows = mysql::query(mysql::bind(select, product_id));
  std::map<std::int64_t, boost::json::array> by_sku;
  while (rows->next()) {
    const auto definition = definition_of(*rows);
    const AttributeValue value{definition.id, mysql::get_optional_int64(*rows, "int_value"),
                               mysql::get_optional_string(*rows, "text_value")};
    by_sku[rows->getInt64("sku_id")].push_back(attribute_value_json(definition, value));
  }
  return by_sku;
}

std::map<std::int64_t, std::vector<AttributeValue>> product_attribute_values(
    mysql::Session& session, std::int64_t product_id, bool active_only) {
  auto& select = session.prepare(
      "SELECT s.id AS sku_id, v.attribute_id, v.int_value, v.text_value FROM catalog_skus s "
      "LEFT JOIN catalog_sku_attribute_values v ON v.sku_id = s.id "
      "WHERE s.product_id = ? AND (? = 0 OR s.status = 'active')");
  auto rows = mysql::query(mysql::bind(select, product_id, active_only));
  std::map<std::int64_t, std::vector<AttributeValue>> by_sku;
  while (rows->next()) {
    auto& values = by_sku[rows->getInt64("sku_id")];  // every SKU, with or without values
    if (auto attribute = mysql::get_optional_int64(*rows, "attribute_id")) {
      values.push_back({*attribute, mysql::get_optional_int64(*rows, "int_value"),
                        mysql::get_optional_string(*rows, "text_value")});
    }
  }
  return by_sku;
}

}  // namespace huicai::catalog

#pragma once
// SQL for category attributes (catalog_category_attributes) and SKU attribute values
// (catalog_sku_attribute_values). A category's attributes are its own and its ancestors'.

#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/catalog/attribute_rules.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <map>
#include <vector>

namespace huicai::catalog {

// Attributes that apply to products of `category_id`: declared by it or an ancestor, the
// ancestors' first, each in its declared position.
std::vector<AttributeDefinition> category_attributes(mysql::Session& session,
                                                     std::int64_t category_id);
// Whether `code` is declared by the category, an ancestor or a descendant (a product would
// then see the code twice).
bool attribute_code_taken(mysql::Session& session, std::int64_t category_id,
                          const std::string& code);
std::int64_t insert_attribute(mysql::Session& session, const AttributeDefinition& definition,
                              int position, std::int64_t actor);
boost::json::object attribute_definition_json(const AttributeDefinition& definition);

std::vector<AttributeValue> sku_attribute_values(mysql::Session& session, std::int64_t sku_id);
// Replaces every value of the SKU.
void write_sku_attribute_values(mysql::Session& session, std::int64_t sku_id,
                                const std::vector<AttributeValue>& values);
// Values of every SKU of the product, as readers see them (sku id -> [{code, name, value,
// unit}]).
std::map<std::int64_t, boost::json::array> product_attribute_json(mysql::Session& session,
                                                                  std::int64_t product_id);
// Values of every SKU of the product (only the active SKUs when `active_only`), by SKU id;
// SKUs without values are there with none.
std::map<std::int64_t, std::vector<AttributeValue>> product_attribute_values(
    mysql::Session& session, std::int64_t product_id, bool active_only);

}  // namespace huicai::catalog

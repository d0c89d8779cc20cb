#include "sku_attributes.hpp"

#include <algorithm>
#include <huicai/core/validation.hpp>

#include "attribute_repository.hpp"

namespace huicai::catalog {

void resolve_new_sku_attributes(mysql::Session& session, std::int64_t category_id,
                                std::vector<SkuFields>& skus, bool indexed,
                                std::vector<http::FieldError>& errors) {
  const auto definitions = category_attributes(session, category_id);
  for (std::size_t i = 0; i < skus.size(); ++i) {
    auto& sku = skus[i];
    const std::string prefix = indexed ? "skus[" + std::to_string(i) + "]." : "";
    sku.attribute_values = apply_attribute_input(
        definitions, {}, sku.attributes ? &*sku.attributes : nullptr, prefix, errors);
  }
}

void apply_sku_attribute_change(mysql::Session& session, std::int64_t category_id,
                                std::int64_t sku_id, const SkuFields& sku) {
  if (!sku.attributes) return;
  const auto definitions = category_attributes(session, category_id);
  std::vector<http::FieldError> errors;
  auto values = apply_attribute_input(definitions, sku_attribute_values(session, sku_id),
                                      &*sku.attributes, "", errors);
  if (!errors.empty()) throw_validation_failed(errors);
  write_sku_attribute_values(session, sku_id, values);
}

void check_values_fit_category(mysql::Session& session, std::int64_t product_id,
                               std::int64_t category_id, std::vector<http::FieldError>& errors) {
  const auto definitions = category_attributes(session, category_id);
  for (const auto& [sku_id, values] : product_attribute_values(session, product_id, false)) {
    for (const auto& value : values) {
      const bool known =
          std::any_of(definitions.begin(), definitions.end(),
                      [&](const AttributeDefinition& d) { return d.id == value.attribute_id; });
      if (!known) {
        errors.push_back({"category_id",
                          "SKU " + std::to_string(sku_id) +
                              " has attribute values the new category does not declare; "
                              "remove them first (PATCH the SKU with the attribute set to null)"});
        return;
      }
    }
  }
}

void require_complete_attributes(mysql::Session& session, std::int64_t product_id,
                                 std::int64_t category_id) {
  const auto definitions = category_attributes(session, category_id);
  std::vector<http::FieldError> errors;
  for (const auto& [sku_id, values] : product_attribute_values(session, product_id, true)) {
    check_required(definitions, values, "skus[id=" + std::to_string(sku_id) + "].", errors);
  }
  if (!errors.empty()) throw_validation_failed(errors);
}

}  // namespace huicai::catalog

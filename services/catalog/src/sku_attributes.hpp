#pragma once
// The checks that tie SKU attribute values to the product's category, run inside the write
// transaction of the product routes: each throws (or collects) a 422 naming the attribute.

#include <cstdint>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <vector>

#include "product_repository.hpp"

namespace huicai::catalog {

// Fills attribute_values of each new SKU from its input; errors as "<prefix>attributes.<code>"
// where the prefix is "skus[i]." when `indexed`, else "".
void resolve_new_sku_attributes(mysql::Session& session, std::int64_t category_id,
                                std::vector<SkuFields>& skus, bool indexed,
                                std::vector<http::FieldError>& errors);
// Applies a SKU change's "attributes" (when sent) to the SKU's stored values; 422 on error.
void apply_sku_attribute_change(mysql::Session& session, std::int64_t category_id,
                                std::int64_t sku_id, const SkuFields& sku);
// A product moving to another category: every stored value must be an attribute there too.
void check_values_fit_category(mysql::Session& session, std::int64_t product_id,
                               std::int64_t category_id, std::vector<http::FieldError>& errors);
// Before review: every active SKU has every required attribute of the category (which may
// have gained one since the SKU was written); 422 otherwise.
void require_complete_attributes(mysql::Session& session, std::int64_t product_id,
                                 std::int64_t category_id);

}  // namespace huicai::catalog

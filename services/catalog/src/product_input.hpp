#pragma once
// Reading product and SKU bodies into fields, with every problem collected (see
// FieldValidator). Reference checks (category, county) happen in the write transaction.

#include <huicai/catalog/field_validator.hpp>

#include "product_repository.hpp"

namespace huicai::catalog {

SkuFields read_sku_fields(FieldValidator& fields, bool creating);
ProductFields read_product_fields(FieldValidator& fields, bool creating);

}  // namespace huicai::catalog

#include "product_input.hpp"

#include <huicai/core/validation.hpp>

namespace huicai::catalog {

SkuFields read_sku_fields(FieldValidator& fields, bool creating) {
  SkuFields sku;
  sku.spec = fields.text("spec", {creating, 1, 64});
  sku.sale_unit = fields.text("sale_unit", {creating, 1, 16});
  sku.net_weight_grams = fields.integer("net_weight_grams", {creating, 1, kMaxNetWeightGrams});
  sku.price_fen = fields.integer("price_fen", {creating, 1, kMaxPriceFen});
  // 比质比价 is the operators' check on the supplier's price: the supplier does not set it.
  if (fields.present("market_reference_price_fen") ||
      fields.is_null("market_reference_price_fen")) {
    fields.fail("market_reference_price_fen",
                "is set by operators (PUT /v1/products/{product_id}/skus/{sku_id}/"
                "market-reference-price), not by the supplier");
  }
  sku.status = fields.choice("status", false, {"active", "inactive"});
  // Values are checked against the category's attributes in the write transaction.
  if (fields.present("attributes")) {
    if (const auto* attributes = fields.object_of("attributes")) {
      sku.attributes = *attributes;
    } else {
      fields.fail("attributes", "must be an object of attribute code to value");
    }
  }
  return sku;
}

ProductFields read_product_fields(FieldValidator& fields, bool creating) {
  ProductFields product;
  product.title = fields.text("title", {creating, 2, 60});
  product.description = fields.text("description", {false, 0, 2000});
  product.category_id = fields.integer("category_id", {creating, 1, INT64_MAX});
  product.origin_county_id = fields.integer("origin_county_id", {false, 1, INT64_MAX});
  if (const auto* images = fields.array("image_urls", false, 9)) {
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < images->size(); ++i) {
      const auto name = "image_urls[" + std::to_string(i) + "]";
      const auto& value = (*images)[i];
      if (!value.is_string()) {
        fields.fail(name, "must be a string");
        continue;
      }
      std::string url(value.get_string());
      // https only: the page showing it would otherwise load mixed content or a script URL.
      if (!is_https_url(url, 500)) {
        fields.fail(name, "must be an https:// URL of at most 500 characters");
        continue;
      }
      urls.push_back(std::move(url));
    }
    product.image_urls = std::move(urls);
  }
  if (creating) {
    if (const auto* skus = fields.array("skus", true, 20)) {
      if (skus->empty()) fields.fail("skus", "must have at least one SKU");
      for (std::size_t i = 0; i < skus->size(); ++i) {
        const auto prefix = "skus[" + std::to_string(i) + "].";
        if (!(*skus)[i].is_object()) {
          fields.fail("skus[" + std::to_string(i) + "]", "must be an object");
          continue;
        }
        auto nested = fields.nested((*skus)[i].get_object(), fields.path(prefix));
        product.skus.push_back(read_sku_fields(nested, true));
      }
      for (std::size_t i = 0; i < product.skus.size(); ++i) {
        for (std::size_t k = 0; k < i; ++k) {
          if (product.skus[i].spec && product.skus[k].spec &&
              *product.skus[i].spec == *product.skus[k].spec) {
            fields.fail("skus[" + std::to_string(i) + "].spec", "repeats another SKU's spec");
          }
        }
      }
    }
  }
  return product;
}

}  // namespace huicai::catalog

#pragma once
// The demo catalog's attributes: 产地, 净含量, 保质期 and 储存方式 on every root category (so
// every product has them) and 等级 on 粮油, with each demo SKU's values derived from its
// county, supplier, category and weight. Both loaders are idempotent.

#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <map>
#include <string>
#include <string_view>

#include "demo_catalog.hpp"

namespace huicai::catalog::demo {

void load_attributes(mysql::Session& session,
                     const std::map<std::string, std::int64_t>& category_ids);
// Values for every SKU of a demo product that has none yet.
void fill_sku_attributes(mysql::Session& session, std::int64_t product_id,
                         std::string_view category_code, const Supplier& supplier,
                         int rank_in_county);

}  // namespace huicai::catalog::demo

#pragma once
// Writes a product's title terms into catalog_search_terms (inside the caller's transaction).

#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <string>

namespace huicai::catalog {

void write_search_terms(mysql::Session& session, std::int64_t product_id, const std::string& title);

}  // namespace huicai::catalog

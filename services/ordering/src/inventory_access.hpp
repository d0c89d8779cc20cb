#pragma once
// Who may write a SKU's stock and batches: supplier staff of the SKU's supplier, as the catalog
// view names it (routes_inventory.cpp, routes_batches.cpp).

#include <cstdint>

namespace huicai::http {
struct Request;
}
namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

// The SKU's supplier from the catalog view, after checking the caller may act for it
// (Problem 403); 404 when the catalog does not know the SKU.
std::int64_t supplier_of(mysql::Session& session, const http::Request& request,
                         std::int64_t sku_id);

}  // namespace huicai::ordering

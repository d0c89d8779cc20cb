#pragma once
// Stock of a SKU, owned by ordering. reserve: available -> reserved (placing an order);
// release: reserved -> available (the order ended unpaid, rejected or cancelled);
// ship: reserved -> sold (the goods left). Each is one conditional UPDATE in the caller's
// transaction; never read-then-write.

#include <cstdint>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

// Throws Problem 409 "insufficient-stock" naming the SKU and what is left when it does not fit.
void reserve_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity);
// The conditional UPDATE alone: true when reserved.
bool try_reserve_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity);
struct StockRequest {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
};
// Reserves every request in ONE conditional UPDATE (rows locked in SKU id order, the primary
// key's order). Throws Problem 409 "insufficient-stock" naming the first SKU that does not fit
// (the statement's other reservations roll back with the caller's transaction).
void reserve_all_stock(mysql::Session& session, const std::vector<StockRequest>& requests);
// Problem 409 "insufficient-stock" with what is left now.
[[noreturn]] void throw_insufficient_stock(mysql::Session& session, std::int64_t sku_id,
                                           std::int64_t quantity);
// Throws std::logic_error when the books disagree (less reserved than released).
void release_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity);
void ship_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity);

}  // namespace huicai::ordering

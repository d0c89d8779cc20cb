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

// ER_CONSTRAINT_FAILED: a CHECK constraint failed the statement (it changed nothing).
inline constexpr int kErrorConstraintFailed = 4025;

// The most units one write may set a SKU's or a batch's stock to.
inline constexpr std::int64_t kMaxStock = 1'000'000'000;

struct StockRequest {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
  // The SKU holds units in batches (batch_available or presale_available was above 0 when the
  // order was priced): the reservation takes harvested batch units first, then loose units,
  // then pre-sale units, and the caller draws the same from the batches (stock_batches.hpp).
  bool batched = false;
};
// Reserves every request in ONE conditional UPDATE (rows locked in SKU id order, the primary
// key's order). Throws Problem 409 "insufficient-stock" naming the first SKU that does not fit
// (the statement's other reservations roll back with the caller's transaction). A SKU priced as
// without batches takes loose units only (CHECK batch_available <= available); when its first
// batch arrived meanwhile and the loose units do not cover it, every request is retried once as
// batched (the failed statement changed nothing), so `requests` may come back marked batched.
void reserve_all_stock(mysql::Session& session, std::vector<StockRequest>& requests);
// Problem 409 "insufficient-stock" with what is left now.
[[noreturn]] void throw_insufficient_stock(mysql::Session& session, std::int64_t sku_id,
                                           std::int64_t quantity);
// Throws std::logic_error when the books disagree (less reserved than released).
// `in_batches` of the units go back to harvested batches and `in_presale` to pre-sale batches
// that have not arrived (batch_available / presale_available grow by them; the caller moves
// them on the batch rows).
void release_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity,
                   std::int64_t in_batches = 0, std::int64_t in_presale = 0);
void ship_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity);

}  // namespace huicai::ordering

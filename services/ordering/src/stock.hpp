#pragma once
// Stock of a SKU, owned by ordering. reserve: available -> reserved (placing an order);
// release: reserved -> available (the order ended unpaid, rejected or cancelled);
// ship: reserved -> sold (the goods left). Each is one conditional UPDATE in the caller's
// transaction; never read-then-write.

#include <cstdint>
#include <set>
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
// Reserves every request from loose units in ONE UPDATE, for orders priced without knowing
// whether their SKUs hold units in batches (a group's). False when a SKU is short, holds units
// in batches now or has no stock row: the caller rolls its transaction back (the other SKUs
// may have been changed) and places its orders alone, which decides and answers each case.
[[nodiscard]] bool reserve_loose_stock(mysql::Session& session,
                                       const std::vector<StockRequest>& requests);
// The SKUs of `sku_ids` whose stock row holds units in batches now (batch_available or
// presale_available above 0): StockRequest::batched when the order was priced without reading
// ordering_stock (prices from the pricing cache), in one SELECT by primary key.
std::set<std::int64_t> skus_in_batches(mysql::Session& session,
                                       const std::vector<std::int64_t>& sku_ids);
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

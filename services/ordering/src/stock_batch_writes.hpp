#pragma once
// Supplier staff's writes of a SKU's harvest batches (ADR 0021): add a batch (harvested, or a
// pre-sale batch with a cap and a shipping date), change a batch's quantity under its version
// (If-Match), and record a pre-sale batch's arrival. Each locks the SKU's stock row first and
// moves the same units on it (available, batch_available) as on the batch, so the order path's
// one reservation UPDATE stays the decision (stock_batches.hpp).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

struct Harvest {
  std::string harvest_date;  // YYYY-MM-DD
  std::string origin_village;
  std::string inspection_report;
};

struct NewBatch {
  std::int64_t quantity = 0;              // the pre-sale cap for a pre-sale batch
  std::optional<Harvest> harvest;         // a harvested batch
  std::optional<std::string> ships_from;  // a pre-sale batch: YYYY-MM-DD
};

// Adds the batch (creating the SKU's stock row when it has none); returns it as JSON.
boost::json::object add_batch(mysql::Session& session, std::int64_t sku_id,
                              std::int64_t supplier_id, const NewBatch& batch);

// Sets the batch's quantity (available + reserved + sold) and, for a pre-sale batch that has
// not arrived, records its arrival. 404 when the SKU has no such batch; 412 when the version is
// not the batch's; 409 "batch-quantity-below-reserved" when fewer than the units already
// ordered or shipped from it; 409 "batch-already-harvested" when harvest facts are given for a
// batch that has them. Nothing changes on any refusal.
boost::json::object set_batch(mysql::Session& session, std::int64_t sku_id, std::int64_t batch_id,
                              std::int64_t expected_version, std::int64_t quantity,
                              const std::optional<Harvest>& arrival);

// Closes the batch's unsold remainder: its quantity becomes what is ordered or shipped from it
// (available 0; a pre-sale batch's cap becomes what was pre-sold), under the SKU's lock and the
// batch's version. 404 / 412 like set_batch; a closed batch can be closed again (no change but
// its version) or reopened by set_batch.
boost::json::object close_batch(mysql::Session& session, std::int64_t sku_id, std::int64_t batch_id,
                                std::int64_t expected_version);

// The SKU's batches, oldest first (the order in which orders take from them).
boost::json::array list_batches(mysql::Session& session, std::int64_t sku_id);

}  // namespace huicai::ordering

#include "stock_batch_writes.hpp"

#include <huicai/events/v1/ordering.pb.h>

#include <chrono>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/http/etag.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "order_events.hpp"
#include "order_records.hpp"

namespace huicai::ordering {
namespace {

constexpr const char* kBatchColumns =
    "SELECT id, sku_id, supplier_id, presale, harvest_date IS NOT NULL AS arrived, "
    "DATE_FORMAT(harvest_date, '%Y-%m-%d') AS harvest_date, origin_village, inspection_report, "
    "DATE_FORMAT(ships_from, '%Y-%m-%d') AS ships_from, available, reserved, sold, version, "
    "created_at, arrived_at FROM ordering_stock_batches ";

boost::json::value optional_text(sql::ResultSet& row, const char* column) {
  auto value = mysql::get_optional_string(row, column);
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

boost::json::value optional_time(sql::ResultSet& row, const char* column) {
  auto value = mysql::get_optional_string(row, column);
  return value ? boost::json::value(iso_time(*value)) : boost::json::value(nullptr);
}

boost::json::object batch_json(sql::ResultSet& row) {
  const auto available = row.getInt64("available");
  const auto reserved = row.getInt64("reserved");
  const auto sold = row.getInt64("sold");
  return boost::json::object{{"id", row.getInt64("id")},
                             {"sku_id", row.getInt64("sku_id")},
                             {"supplier_id", row.getInt64("supplier_id")},
                             {"presale", row.getInt("presale") != 0},
                             {"arrived", row.getInt("arrived") != 0},
                             {"harvest_date", optional_text(row, "harvest_date")},
                             {"origin_village", optional_text(row, "origin_village")},
                             {"inspection_report", optional_text(row, "inspection_report")},
                             {"ships_from", optional_text(row, "ships_from")},
                             {"quantity", available + reserved + sold},
                             {"available", available},
                             {"reserved", reserved},
                             {"sold", sold},
                             {"version", row.getInt64("version")},
                             {"created_at", iso_time(mysql::get_string(row, "created_at"))},
                             {"arrived_at", optional_time(row, "arrived_at")}};
}

std::string text_or_empty(const boost::json::object& batch, const char* field) {
  const auto& value = batch.at(field);
  return value.is_null() ? std::string() : std::string(value.as_string());
}

// The batch as it is after the change, into the outbox in the change's transaction.
void emit_batch_changed(mysql::Session& session, std::string_view name,
                        const boost::json::object& batch) {
  huicai::events::v1::StockBatchChanged message;
  message.set_batch_id(batch.at("id").as_int64());
  message.set_sku_id(batch.at("sku_id").as_int64());
  message.set_supplier_id(batch.at("supplier_id").as_int64());
  message.set_presale(batch.at("presale").as_bool());
  message.set_harvest_date(text_or_empty(batch, "harvest_date"));
  message.set_origin_village(text_or_empty(batch, "origin_village"));
  message.set_inspection_report(text_or_empty(batch, "inspection_report"));
  message.set_ships_from(text_or_empty(batch, "ships_from"));
  message.set_quantity(batch.at("quantity").as_int64());
  message.set_available(batch.at("available").as_int64());
  message.set_reserved(batch.at("reserved").as_int64());
  message.set_sold(batch.at("sold").as_int64());
  message.set_version(batch.at("version").as_int64());
  message.set_occurred_at_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                 business_clock::now().time_since_epoch())
                                 .count());
  events::OutgoingEvent event;
  event.stream = std::string(kStream);
  event.type = "ordering." + std::string(name) + ".v1";
  event.aggregate_id = "batch-" + std::to_string(message.batch_id());
  event.payload = message.SerializeAsString();
  events::enqueue(session, kOutboxTable, kProducer, event);
}

std::optional<boost::json::object> read_batch(mysql::Session& session, std::int64_t sku_id,
                                              std::int64_t batch_id) {
  auto& select = session.prepare(std::string(kBatchColumns) + "WHERE id = ? AND sku_id = ?");
  mysql::bind(select, batch_id, sku_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return batch_json(*row);
}

// A batch's available units change: `harvested` on harvested batches, `presale` on pre-sale
// batches that have not arrived. The SKU's row moves the same, first (it is the lock every
// batch writer and every order of the SKU takes).
void move_sku_units(mysql::Session& session, std::int64_t sku_id, std::int64_t harvested,
                    std::int64_t presale) {
  auto& update = session.prepare(
      "UPDATE ordering_stock SET available = available + ?, batch_available = batch_available + "
      "?, presale_available = presale_available + ?, version = version + 1, updated_at = NOW(6) "
      "WHERE sku_id = ?");
  mysql::bind(update, harvested + presale, harvested, presale, sku_id);
  if (update.executeUpdate() != 1) {
    throw std::logic_error("SKU " + std::to_string(sku_id) + " has batches but no stock row");
  }
}

}  // namespace

boost::json::object add_batch(mysql::Session& session, std::int64_t sku_id,
                              std::int64_t supplier_id, const NewBatch& batch) {
  auto& ensure = session.prepare(
      "INSERT IGNORE INTO ordering_stock (sku_id, supplier_id, available) VALUES (?, ?, 0)");
  mysql::bind(ensure, sku_id, supplier_id);
  ensure.executeUpdate();
  if (batch.harvest) {
    move_sku_units(session, sku_id, batch.quantity, 0);
  } else {
    move_sku_units(session, sku_id, 0, batch.quantity);
  }
  auto& insert = session.prepare(
      "INSERT INTO ordering_stock_batches (sku_id, supplier_id, harvest_date, origin_village, "
      "inspection_report, presale, ships_from, available, arrived_at) VALUES (?, ?, ?, ?, ?, ?, "
      "?, ?, IF(? IS NULL, NULL, NOW(6))) RETURNING id");
  std::optional<std::string> date, village, report;
  if (batch.harvest) {
    date = batch.harvest->harvest_date;
    village = batch.harvest->origin_village;
    report = batch.harvest->inspection_report;
  }
  mysql::bind(insert, sku_id, supplier_id, date, village, report, batch.ships_from.has_value(),
              batch.ships_from, batch.quantity, date);
  auto row = mysql::query(insert);
  if (!row->next()) throw std::logic_error("INSERT ... RETURNING returned no row");
  auto created = *read_batch(session, sku_id, row->getInt64("id"));
  emit_batch_changed(session, "batch_created", created);
  return created;
}

namespace {

boost::json::object change_batch(mysql::Session& session, std::int64_t sku_id,
                                 std::int64_t batch_id, std::int64_t expected_version,
                                 std::int64_t quantity, const std::optional<Harvest>& arrival,
                                 std::string_view event_name) {
  // The SKU's row first, locked: no order or other writer changes this SKU's batches until
  // the COMMIT, so what is read below is what the UPDATEs change.
  auto& lock = session.prepare("SELECT sku_id FROM ordering_stock WHERE sku_id = ? FOR UPDATE");
  mysql::bind(lock, sku_id);
  const bool has_stock = mysql::query(lock)->next();
  auto batch = has_stock ? read_batch(session, sku_id, batch_id) : std::nullopt;
  if (!batch) throw http::Problem(404, "not-found", "Not found", "no such batch of this SKU");
  const auto version = batch->at("version").as_int64();
  if (version != expected_version) throw http::stale_version(version);
  const auto reserved = batch->at("reserved").as_int64();
  const auto sold = batch->at("sold").as_int64();
  if (quantity < reserved + sold) {
    throw http::Problem(409, "batch-quantity-below-reserved", "Batch quantity below reserved",
                        "the batch has " + std::to_string(reserved) + " units ordered and " +
                            std::to_string(sold) + " shipped; its quantity cannot be " +
                            std::to_string(quantity))
        .with("batch_id", batch_id)
        .with("reserved", reserved)
        .with("sold", sold)
        .with("requested", quantity);
  }
  if (arrival && batch->at("arrived").as_bool()) {
    throw http::Problem(409, "batch-already-harvested", "Batch already harvested",
                        "the batch's harvest date, village and inspection are recorded already")
        .with("batch_id", batch_id);
  }
  const auto available = quantity - reserved - sold;
  const auto before = batch->at("available").as_int64();
  if (batch->at("arrived").as_bool()) {
    move_sku_units(session, sku_id, available - before, 0);
  } else if (arrival) {
    // It arrives: its units are harvested ones from now on.
    move_sku_units(session, sku_id, available, -before);
  } else {
    move_sku_units(session, sku_id, 0, available - before);
  }
  auto& update = session.prepare(
      "UPDATE ordering_stock_batches SET available = ?, version = version + 1, "
      "updated_at = NOW(6), harvest_date = COALESCE(?, harvest_date), "
      "origin_village = COALESCE(?, origin_village), "
      "inspection_report = COALESCE(?, inspection_report), "
      "arrived_at = IF(? IS NULL, arrived_at, NOW(6)) WHERE id = ? AND version = ?");
  std::optional<std::string> date, village, report;
  if (arrival) {
    date = arrival->harvest_date;
    village = arrival->origin_village;
    report = arrival->inspection_report;
  }
  mysql::bind(update, available, date, village, report, date, batch_id, expected_version);
  if (update.executeUpdate() != 1) throw std::logic_error("batch changed under the SKU's lock");
  auto changed = *read_batch(session, sku_id, batch_id);
  emit_batch_changed(session, event_name, changed);
  return changed;
}

}  // namespace

boost::json::object set_batch(mysql::Session& session, std::int64_t sku_id, std::int64_t batch_id,
                              std::int64_t expected_version, std::int64_t quantity,
                              const std::optional<Harvest>& arrival) {
  return change_batch(session, sku_id, batch_id, expected_version, quantity, arrival,
                      arrival ? "batch_arrived" : "batch_corrected");
}

boost::json::object close_batch(mysql::Session& session, std::int64_t sku_id, std::int64_t batch_id,
                                std::int64_t expected_version) {
  // The SKU's row locked first, as in change_batch (which locks it again, a no-op in this
  // transaction): the units ordered and shipped read here are the ones the close keeps.
  auto& lock = session.prepare("SELECT sku_id FROM ordering_stock WHERE sku_id = ? FOR UPDATE");
  mysql::bind(lock, sku_id);
  const bool has_stock = mysql::query(lock)->next();
  auto batch = has_stock ? read_batch(session, sku_id, batch_id) : std::nullopt;
  if (!batch) throw http::Problem(404, "not-found", "Not found", "no such batch of this SKU");
  const auto kept = batch->at("reserved").as_int64() + batch->at("sold").as_int64();
  return change_batch(session, sku_id, batch_id, expected_version, kept, std::nullopt,
                      "batch_closed");
}

boost::json::array list_batches(mysql::Session& session, std::int64_t sku_id) {
  auto& select = session.prepare(std::string(kBatchColumns) +
                                 "WHERE sku_id = ? ORDER BY harvest_date IS NULL, "
                                 "harvest_date, created_at, id LIMIT 500");
  mysql::bind(select, sku_id);
  auto rows = mysql::query(select);
  boost::json::array items;
  while (rows->next()) items.push_back(batch_json(*rows));
  return items;
}

}  // namespace huicai::ordering

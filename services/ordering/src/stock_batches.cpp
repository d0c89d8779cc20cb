#include "stock_batches.hpp"

#include <algorithm>
#include <boost/json/string.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "stock.hpp"

namespace huicai::ordering {
namespace {

struct Part {
  std::int64_t line_id = 0, batch_id = 0, quantity = 0;
};

// "Oldest open batch first": harvested batches by harvest date, then pre-sale batches (no
// harvest date yet) by age.
constexpr const char* kOldestFirst =
    " ORDER BY sku_id, harvest_date IS NULL, harvest_date, created_at, id";

void take_from_batch(mysql::Session& session, const Part& part) {
  auto& update = session.prepare(
      "UPDATE ordering_stock_batches SET available = available - ?, reserved = reserved + ?, "
      "version = version + 1, updated_at = NOW(6) WHERE id = ? AND available >= ?");
  mysql::bind(update, part.quantity, part.quantity, part.batch_id, part.quantity);
  if (update.executeUpdate() != 1) {
    throw std::logic_error("batch " + std::to_string(part.batch_id) +
                           " has fewer units than its SKU's stock row counts");
  }
}

void record_parts(mysql::Session& session, std::int64_t order_id,
                  const std::vector<std::pair<Part, std::int64_t>>& parts) {
  if (parts.empty()) return;
  auto& insert = session.prepare(
      "INSERT INTO ordering_line_batches (line_id, batch_id, order_id, sku_id, quantity) VALUES " +
      mysql::repeated("(?, ?, ?, ?, ?)", ", ", parts.size()));
  int index = 1;
  for (const auto& [part, sku_id] : parts) {
    mysql::bind_one(insert, index++, part.line_id);
    mysql::bind_one(insert, index++, part.batch_id);
    mysql::bind_one(insert, index++, order_id);
    mysql::bind_one(insert, index++, sku_id);
    mysql::bind_one(insert, index++, part.quantity);
  }
  insert.executeUpdate();
}

// The parts of an order's lines with what shipping needs to know of their batches.
struct StoredPart {
  Part part;
  bool arrived = true;
  bool too_early = false;
  std::string ships_from;
};
std::multimap<std::int64_t, StoredPart> parts_of(mysql::Session& session, std::int64_t order_id) {
  auto& select = session.prepare(
      "SELECT lb.line_id, lb.batch_id, lb.quantity, b.harvest_date IS NOT NULL AS arrived, "
      "COALESCE(b.ships_from > CURRENT_DATE, 0) AS too_early, "
      "COALESCE(DATE_FORMAT(b.ships_from, '%Y-%m-%d'), '') AS ships_from "
      "FROM ordering_line_batches lb JOIN ordering_stock_batches b ON b.id = lb.batch_id "
      "WHERE lb.order_id = ? ORDER BY lb.line_id, lb.batch_id");
  mysql::bind(select, order_id);
  auto rows = mysql::query(select);
  std::multimap<std::int64_t, StoredPart> parts;
  while (rows->next()) {
    StoredPart stored;
    stored.part = {rows->getInt64("line_id"), rows->getInt64("batch_id"),
                   rows->getInt64("quantity")};
    stored.arrived = rows->getInt("arrived") != 0;
    stored.too_early = rows->getInt("too_early") != 0;
    stored.ships_from = mysql::get_string(*rows, "ships_from");
    parts.emplace(stored.part.line_id, std::move(stored));
  }
  return parts;
}

// Moves a part's units out of `reserved` on its batch: back to available or on to sold.
void move_batch_reserved(mysql::Session& session, const Part& part, bool to_sold) {
  auto& update = session.prepare(
      to_sold ? "UPDATE ordering_stock_batches SET reserved = reserved - ?, sold = sold + ?, "
                "version = version + 1, updated_at = NOW(6) WHERE id = ? AND reserved >= ?"
              : "UPDATE ordering_stock_batches SET reserved = reserved - ?, available = "
                "available + ?, version = version + 1, updated_at = NOW(6) WHERE id = ? AND "
                "reserved >= ?");
  mysql::bind(update, part.quantity, part.quantity, part.batch_id, part.quantity);
  if (update.executeUpdate() != 1) {
    throw std::logic_error("batch " + std::to_string(part.batch_id) +
                           " has less reserved than an order line holds");
  }
}

}  // namespace

void draw_from_batches(mysql::Session& session, const OrderRecord& order,
                       const std::vector<StockRequest>& requests) {
  struct Draw {
    std::int64_t line_id = 0, sku_id = 0, quantity = 0;
  };
  std::vector<Draw> lines;
  for (const auto& request : requests) {
    if (!request.batched) continue;
    for (const auto& line : order.lines) {
      if (line.sku_id == request.sku_id) lines.push_back({line.id, line.sku_id, line.quantity});
    }
  }
  if (lines.empty()) return;
  const auto order_id = order.id;
  // The SKU's presale_available after the reservation, beside each batch: what the pre-sale
  // batches give is what they hold now minus it (every order of a SKU has one line of it).
  auto& select = session.prepare(
      "SELECT b.id, b.sku_id, b.available, b.harvest_date IS NULL AS presale, (SELECT "
      "s.presale_available FROM ordering_stock s WHERE s.sku_id = b.sku_id) AS presale_left "
      "FROM ordering_stock_batches b WHERE b.sku_id IN (" +
      mysql::repeated("?", ", ", lines.size()) + ") AND b.available > 0" + kOldestFirst);
  int index = 1;
  for (const auto& line : lines) mysql::bind_one(select, index++, line.sku_id);
  auto rows = mysql::query(select);
  struct Open {
    std::int64_t id = 0, available = 0;
    bool presale = false;
  };
  std::multimap<std::int64_t, Open> open;              // by SKU, oldest first, pre-sale last
  std::map<std::int64_t, std::int64_t> presale_given;  // by SKU
  while (rows->next()) {
    const auto sku_id = rows->getInt64("sku_id");
    Open batch{rows->getInt64("id"), rows->getInt64("available"), rows->getInt("presale") != 0};
    if (batch.presale) {
      auto it = presale_given.try_emplace(sku_id, -rows->getInt64("presale_left")).first;
      it->second += batch.available;
    }
    open.emplace(sku_id, batch);
  }
  std::vector<std::pair<Part, std::int64_t>> parts;
  const auto take = [&](const Draw& line, const Open& batch, std::int64_t& wanted) {
    const auto units = std::min(wanted, batch.available);
    if (units <= 0) return;
    Part part{line.line_id, batch.id, units};
    take_from_batch(session, part);
    parts.emplace_back(part, line.sku_id);
    wanted -= units;
  };
  for (const auto& line : lines) {
    // Harvested batches first; then the loose units (the reservation took them out of
    // `available` only); then pre-sale batches, as much as the reservation took from them.
    std::int64_t wanted = line.quantity;
    auto [first, last] = open.equal_range(line.sku_id);
    for (auto it = first; it != last; ++it) {
      if (!it->second.presale) take(line, it->second, wanted);
    }
    auto given = presale_given.find(line.sku_id);
    std::int64_t from_presale = given == presale_given.end() ? 0 : given->second;
    for (auto it = first; it != last; ++it) {
      if (it->second.presale) take(line, it->second, from_presale);
    }
  }
  record_parts(session, order_id, parts);
}

void release_order_stock(mysql::Session& session, const OrderRecord& order) {
  const auto parts = parts_of(session, order.id);
  for (const auto& line : order.lines) {
    std::int64_t in_batches = 0, in_presale = 0;
    auto [first, last] = parts.equal_range(line.id);
    for (auto it = first; it != last; ++it) {
      (it->second.arrived ? in_batches : in_presale) += it->second.part.quantity;
    }
    // The SKU's row first: it orders every batch writer of this SKU.
    release_stock(session, line.sku_id, line.quantity, in_batches, in_presale);
    for (auto it = first; it != last; ++it) move_batch_reserved(session, it->second.part, false);
  }
}

void ship_fulfilment_stock(mysql::Session& session, const OrderRecord& order,
                           std::int64_t fulfilment_id) {
  const auto parts = parts_of(session, order.id);
  for (const auto& line : order.lines) {
    if (line.fulfilment_id != fulfilment_id) continue;
    auto [first, last] = parts.equal_range(line.id);
    for (auto it = first; it != last; ++it) {
      const auto& stored = it->second;
      if (stored.arrived && !stored.too_early) continue;
      throw http::Problem(409, "batch-not-shipping", "Batch not shipping yet",
                          !stored.arrived ? "SKU " + std::to_string(line.sku_id) +
                                                " was pre-sold from a batch that has not arrived"
                                          : "SKU " + std::to_string(line.sku_id) +
                                                " was pre-sold to ship from " + stored.ships_from)
          .with("sku_id", line.sku_id)
          .with("batch_id", stored.part.batch_id)
          .with("ships_from", boost::json::string(stored.ships_from));
    }
  }
  for (const auto& line : order.lines) {
    if (line.fulfilment_id != fulfilment_id) continue;
    ship_stock(session, line.sku_id, line.quantity);
    auto [first, last] = parts.equal_range(line.id);
    for (auto it = first; it != last; ++it) move_batch_reserved(session, it->second.part, true);
  }
}

}  // namespace huicai::ordering

// Keeping the totals live (huicai/aidstats/totals.hpp).
#include <algorithm>
#include <charconv>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "multi_row.hpp"
#include "order_facts.hpp"

namespace huicai::aidstats {

Totals apply_orders(mysql::Session& session, std::vector<std::int64_t> order_ids,
                    Totals* amounts_after) {
  std::sort(order_ids.begin(), order_ids.end());
  order_ids.erase(std::unique(order_ids.begin(), order_ids.end()), order_ids.end());
  // The whole batch in a few statements: the applied facts (row-locked), the source facts, the
  // changed orders' facts replaced, and one multi-row upsert of the totals.
  const auto before = load_applied_facts(session, order_ids);
  const auto now = load_source_facts(session, order_ids);
  Totals delta;
  std::vector<std::int64_t> replaced;
  std::vector<OrderFacts> stored;
  for (const auto order_id : order_ids) {
    const auto old_facts = before.find(order_id);
    const auto new_facts = now.find(order_id);
    const bool had = old_facts != before.end();
    const bool has = new_facts != now.end();
    if (had == has && (!had || old_facts->second == new_facts->second)) continue;
    if (had) {
      add_contribution(delta, old_facts->second, -1);
      replaced.push_back(order_id);
    }
    if (has) {
      add_contribution(delta, new_facts->second, +1);
      stored.push_back(new_facts->second);
    }
  }
  store_applied_facts(session, replaced, stored);
  std::erase_if(delta, [](const auto& entry) { return entry.second == 0; });
  add_to_totals(session, delta, amounts_after);
  return delta;
}

Totals apply_ordering_events(mysql::Session& session, std::span<const events::ReceivedEvent> batch,
                             Totals* amounts_after) {
  std::vector<std::int64_t> order_ids;
  for (const auto& event : batch) {
    if (std::find(kTotalsEventTypes.begin(), kTotalsEventTypes.end(), event.type) ==
        kTotalsEventTypes.end()) {
      continue;
    }
    std::int64_t order_id = 0;
    const auto& text = event.aggregate_id;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), order_id);
    if (error != std::errc() || end != text.data() + text.size() || order_id <= 0) {
      // Not an order: the event can never be applied. Throwing keeps it pending for a person.
      throw std::runtime_error("ordering event " + event.event_id + " names no order: " + text);
    }
    order_ids.push_back(order_id);
  }
  return apply_orders(session, std::move(order_ids), amounts_after);
}

void add_to_totals(mysql::Session& session, const Totals& delta, Totals* amounts_after) {
  std::vector<std::pair<const TotalKey*, std::int64_t>> rows;
  for (const auto& [key, amount_fen] : delta) {
    if (amount_fen != 0) rows.emplace_back(&key, amount_fen);
  }
  // In key order (the map's), so concurrent writers lock alike; the padding adds 0 to the last
  // row of the chunk. RETURNING gives each row's amount after the upsert (MariaDB returns the
  // updated row of a duplicate key): the row is locked by it, so that is the amount this
  // transaction commits, without a read afterwards.
  const bool returning = amounts_after != nullptr;
  per_chunk(
      session, rows,
      [returning](std::size_t n) {
        return "INSERT INTO aidstats_totals (dimension, period, item, amount_fen) VALUES " +
               value_rows(4, n) +
               " ON DUPLICATE KEY UPDATE amount_fen = amount_fen + VALUES(amount_fen), "
               "updated_at = NOW(6)" +
               (returning ? " RETURNING dimension, period, item, amount_fen" : "");
      },
      [](sql::PreparedStatement& upsert, int& index, const auto& row, bool padding) {
        const auto& [key, amount_fen] = row;
        bind_at(upsert, index, key->dimension, key->period, key->item,
                padding ? std::int64_t{0} : amount_fen);
      },
      [amounts_after](sql::PreparedStatement& upsert) {
        if (!amounts_after) {
          upsert.executeUpdate();
          return;
        }
        auto rows = mysql::query(upsert);
        while (rows->next()) {
          (*amounts_after)[TotalKey{
              mysql::get_string(*rows, "dimension"), mysql::get_string(*rows, "period"),
              mysql::get_string(*rows, "item")}] = rows->getInt64("amount_fen");
        }
      });
}

}  // namespace huicai::aidstats

// Keeping the totals live (huicai/aidstats/totals.hpp).
#include <algorithm>
#include <charconv>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "order_facts.hpp"

namespace huicai::aidstats {

Totals apply_orders(mysql::Session& session, std::vector<std::int64_t> order_ids) {
  std::sort(order_ids.begin(), order_ids.end());
  order_ids.erase(std::unique(order_ids.begin(), order_ids.end()), order_ids.end());
  Totals delta;
  for (const auto order_id : order_ids) {
    const auto before = load_applied_facts(session, order_id);
    const auto now = load_source_facts(session, order_id);
    if (before == now) continue;
    if (before) add_contribution(delta, *before, -1);
    if (now) add_contribution(delta, *now, +1);
    store_applied_facts(session, order_id, before, now);
  }
  std::erase_if(delta, [](const auto& entry) { return entry.second == 0; });
  add_to_totals(session, delta);
  return delta;
}

Totals apply_ordering_events(mysql::Session& session,
                             std::span<const events::ReceivedEvent> batch) {
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
  return apply_orders(session, std::move(order_ids));
}

void add_to_totals(mysql::Session& session, const Totals& delta) {
  auto& upsert = session.prepare(
      "INSERT INTO aidstats_totals (dimension, period, item, amount_fen) VALUES (?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE amount_fen = amount_fen + VALUES(amount_fen), "
      "updated_at = NOW(6)");
  for (const auto& [key, amount_fen] : delta) {
    if (amount_fen == 0) continue;
    mysql::bind(upsert, key.dimension, key.period, key.item, amount_fen);
    upsert.executeUpdate();
  }
}

}  // namespace huicai::aidstats

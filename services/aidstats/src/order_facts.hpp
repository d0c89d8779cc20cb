#pragma once
// An order's facts, read from ordering's published views (the source: ordering_aid_orders and
// ordering_aid_lines, migration 0391) or from what the totals applied last (aidstats_orders and
// aidstats_order_lines), and written back after an order is applied.
#include <cstdint>
#include <functional>
#include <huicai/aidstats/contribution.hpp>
#include <optional>

namespace huicai::mysql {
class Session;
}

namespace huicai::aidstats {

// The order as ordering holds it now; nullopt when it is not paid or has no certified line
// left worth anything (it adds nothing).
std::optional<OrderFacts> load_source_facts(mysql::Session& session, std::int64_t order_id);

// The facts the totals hold for the order (row-locked); nullopt when it adds nothing to them.
std::optional<OrderFacts> load_applied_facts(mysql::Session& session, std::int64_t order_id);

// Replaces what the totals hold for `order_id` with `now` (nullopt: nothing).
void store_applied_facts(mysql::Session& session, std::int64_t order_id,
                         const std::optional<OrderFacts>& before,
                         const std::optional<OrderFacts>& now);

// For the rebuild command: the paid orders of the source, and one page of them (ids after
// `after_order_id`, at most `limit`) in order id order; `visit` gets each one with certified
// lines. Returns the last order id of the page, 0 when there is none.
std::int64_t count_source_orders(mysql::Session& session);
std::int64_t visit_source_orders(mysql::Session& session, std::int64_t after_order_id,
                                 std::int64_t limit,
                                 const std::function<void(const OrderFacts&)>& visit);

}  // namespace huicai::aidstats

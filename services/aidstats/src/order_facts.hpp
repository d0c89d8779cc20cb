#pragma once
// Orders' facts, read from ordering's published views (the source: ordering_aid_orders and
// ordering_aid_lines, migration 0391) or from what the totals applied last (aidstats_orders and
// aidstats_order_lines), and written back after orders are applied. Every call handles a whole
// batch of orders in a few statements (multi_row.hpp), not a round trip per order.
#include <cstdint>
#include <functional>
#include <huicai/aidstats/contribution.hpp>
#include <map>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::aidstats {

using FactsByOrder = std::map<std::int64_t, OrderFacts>;

// The orders of `order_ids` as ordering holds them now. An order is missing from the answer when
// it is not paid or has no certified line left worth anything (it adds nothing).
FactsByOrder load_source_facts(mysql::Session& session, const std::vector<std::int64_t>& order_ids);

// The facts the totals hold for the orders of `order_ids` (row-locked). An order is missing from
// the answer when it adds nothing to them.
FactsByOrder load_applied_facts(mysql::Session& session,
                                const std::vector<std::int64_t>& order_ids);

// Replaces what the totals hold for the orders of `replaced` (all of it deleted) with `now`
// (written; an order of `now` need not be in `replaced` when the totals held nothing of it).
void store_applied_facts(mysql::Session& session, const std::vector<std::int64_t>& replaced,
                         const std::vector<OrderFacts>& now);

// For the rebuild command: the paid orders of the source, and one page of them (ids after
// `after_order_id`, at most `limit`) in order id order; `visit` gets each one with certified
// lines. Returns the last order id of the page, 0 when there is none.
std::int64_t count_source_orders(mysql::Session& session);
std::int64_t visit_source_orders(mysql::Session& session, std::int64_t after_order_id,
                                 std::int64_t limit,
                                 const std::function<void(const OrderFacts&)>& visit);

}  // namespace huicai::aidstats

// The rebuild (huicai/aidstats/rebuild.hpp) and its command, `huicai aidstats-rebuild`.
#include <huicai/aidstats/rebuild.hpp>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "order_facts.hpp"

namespace huicai::aidstats {

RebuildResult rebuild_totals(mysql::Pool& pool,
                             const std::function<void(std::int64_t, std::int64_t)>& progress) {
  constexpr std::int64_t kPage = 2000;
  return pool.run_blocking(
      [&](mysql::Session& session) {
        RebuildResult result;
        // Locks every applied order first: a live consumer applying an order meanwhile waits for
        // this transaction and then starts from the rebuilt facts.
        auto& lock = session.prepare("SELECT COUNT(*) AS n FROM aidstats_orders FOR UPDATE");
        mysql::query(lock)->next();
        session.execute_direct("DELETE FROM aidstats_order_lines");
        session.execute_direct("DELETE FROM aidstats_orders");
        const std::int64_t orders = count_source_orders(session);
        Totals totals;
        std::int64_t after = 0;
        while (true) {
          std::vector<OrderFacts> page;
          const std::int64_t last =
              visit_source_orders(session, after, kPage, [&](const OrderFacts& order) {
                add_contribution(totals, order);
                page.push_back(order);
                ++result.aid_orders;
              });
          if (last == 0) break;
          store_applied_facts(session, {}, page);
          after = last;
          result.orders = std::min(orders, result.orders + kPage);
          if (progress) progress(result.orders, orders);
        }
        result.orders = orders;
        session.execute_direct("DELETE FROM aidstats_totals");
        std::erase_if(totals, [](const auto& entry) { return entry.second == 0; });
        add_to_totals(session, totals);
        auto found = totals.find(TotalKey{"total", "", ""});
        result.total_fen = found == totals.end() ? 0 : found->second;
        return result;
      },
      true);
}

}  // namespace huicai::aidstats

#include "campaign_edges.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {
namespace {

struct EdgeCheck {
  std::string checked_at;                      // the database's UTC_TIMESTAMP(6) of this check
  bool passed = false;                         // an edge lies in (the previous check, this one]
  std::optional<std::int64_t> micros_to_next;  // to the next edge ahead, if any
};

// One statement on the database's clock (the pricing view's): did a start or end of a campaign
// price window pass since `previous` (empty: the first check, nothing to catch up), and how far
// is the next one.
EdgeCheck check_edges(mysql::Session& session, const std::string& previous) {
  auto& select = session.prepare(
      "SELECT DATE_FORMAT(n.now_at, '%Y-%m-%d %H:%i:%s.%f') AS checked_at, "
      "(SELECT COUNT(*) FROM catalog_campaign_skus WHERE (starts_at > ? AND starts_at <= n.now_at) "
      "OR (ends_at > ? AND ends_at <= n.now_at)) AS passed, "
      "TIMESTAMPDIFF(MICROSECOND, n.now_at, LEAST("
      "COALESCE((SELECT MIN(starts_at) FROM catalog_campaign_skus WHERE starts_at > n.now_at), "
      "'9999-12-31'), "
      "COALESCE((SELECT MIN(ends_at) FROM catalog_campaign_skus WHERE ends_at > n.now_at), "
      "'9999-12-31'))) AS wait "
      "FROM (SELECT UTC_TIMESTAMP(6) AS now_at) n");
  const std::string since = previous.empty() ? "9999-12-31" : previous;
  auto row = mysql::query(mysql::bind(select, since, since));
  row->next();
  EdgeCheck check;
  check.checked_at = mysql::get_string(*row, "checked_at");
  check.passed = row->getInt64("passed") > 0;
  const auto wait = row->getInt64("wait");
  // Nothing ahead reads as the year 9999: no edge to wait for.
  if (wait < std::int64_t{365} * 24 * 3600 * 1'000'000) check.micros_to_next = wait;
  return check;
}

}  // namespace

void start_campaign_edge_bumps(app::Context& context, StatePtr state) {
  context.spawn_background(
      "catalog-campaign-edges", [&context, state]() -> boost::asio::awaitable<void> {
        boost::asio::steady_timer timer(context.io());
        std::string previous;
        for (;;) {
          const auto check = co_await context.db().run(
              [&previous](mysql::Session& session) { return check_edges(session, previous); });
          previous = check.checked_at;
          if (check.passed) co_await state->cache.changed();
          // A millisecond past the next edge (the pricing view then sees the new price), or the
          // next look for campaigns defined meanwhile, whichever comes first.
          std::chrono::microseconds wait = kCampaignEdgeRecheck;
          if (check.micros_to_next) {
            wait = std::min(wait, std::chrono::microseconds(*check.micros_to_next) +
                                      std::chrono::milliseconds(1));
          }
          timer.expires_after(wait);
          co_await timer.async_wait(boost::asio::use_awaitable);
        }
      });
}

}  // namespace huicai::catalog

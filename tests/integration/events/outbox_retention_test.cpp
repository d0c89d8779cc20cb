// Published outbox rows are deleted once past their retention (docs/adr/0032); rows not yet
// published never are, however old, and neither are rows published within the retention (the
// relay publishes the last 7 days again after Redis lost its data).
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/retention.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <string>
#include <vector>

using huicai::test::EventSpineHarness;

namespace {

void execute(EventSpineHarness& spine, const std::string& sql) {
  spine.io.run<int>([&]() -> boost::asio::awaitable<int> {
    co_await spine.pool.run([&](huicai::mysql::Session& session) { session.execute_direct(sql); });
    co_return 0;
  });
}

bool row_kept(EventSpineHarness& spine, const std::string& event_id) {
  return spine.io.run<bool>([&]() -> boost::asio::awaitable<bool> {
    co_return co_await spine.pool.run([&](huicai::mysql::Session& session) {
      auto& select = session.prepare("SELECT 1 FROM core_selftest_outbox WHERE event_id = ?");
      huicai::mysql::bind(select, event_id);
      return huicai::mysql::query(select)->next();
    });
  });
}

std::string in_list(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "'" : ", '") + id + "'";
  return list;
}

}  // namespace

TEST_CASE("published outbox rows past the retention are deleted, unpublished ones never",
          "[events][retention]") {
  EventSpineHarness spine;
  // 3 rows published 31 days ago, 1 published 20 days ago, 2 never published though written 40
  // days ago (the relay does not run in this test: nothing publishes them meanwhile).
  const auto aged = spine.enqueue({1, 2, 3});
  const auto recent = spine.enqueue({4});
  const auto unpublished = spine.enqueue({5, 6});
  execute(spine,
          "UPDATE core_selftest_outbox SET occurred_at = NOW(6) - INTERVAL 40 DAY, "
          "published_at = NOW(6) - INTERVAL 31 DAY WHERE event_id IN (" +
              in_list(aged) + ")");
  execute(spine,
          "UPDATE core_selftest_outbox SET published_at = NOW(6) - INTERVAL 20 DAY WHERE "
          "event_id IN (" +
              in_list(recent) + ")");
  execute(spine,
          "UPDATE core_selftest_outbox SET occurred_at = NOW(6) - INTERVAL 40 DAY WHERE "
          "event_id IN (" +
              in_list(unpublished) + ")");

  auto rule = huicai::events::outbox_retention_rule("core_selftest_outbox", std::chrono::days(30));
  rule.batch = 2;  // 3 aged rows (or more left by older runs): at least 2 batches
  const auto deleted =
      spine.io.run<std::size_t>([&]() { return huicai::mysql::delete_expired(spine.pool, rule); });
  CHECK(deleted >= 3);
  for (const auto& id : aged) CHECK_FALSE(row_kept(spine, id));
  for (const auto& id : recent) CHECK(row_kept(spine, id));
  for (const auto& id : unpublished) CHECK(row_kept(spine, id));

  // The unpublished rows stay for the relay; the test leaves none of them behind for others.
  execute(spine,
          "DELETE FROM core_selftest_outbox WHERE event_id IN (" + in_list(unpublished) + ")");
}

// The catalog cache with Redis stopped: pages come from MySQL (never stale, never a hang), a
// write during the outage still invalidates every cached page once Redis is back, and caching
// resumes. Stops and starts the shared Redis, hence in `restarts` (run serially).
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <huicai/catalog/browse_cache.hpp>
#include <huicai/catalog/service.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <random>
#include <thread>

#include "stack_control.hpp"
#include "test_app.hpp"

namespace {

namespace asio = boost::asio;
using huicai::catalog::BrowseCache;
using huicai::catalog::CachedPage;
using namespace huicai::test::stack_control;

}  // namespace

TEST_CASE("catalog pages are served from MySQL while Redis is down", "[catalog][restarts]") {
  RedisRestorer restorer;
  huicai::test::TestApp app({huicai::catalog::service_entry()});
  auto& context = app.context();
  BrowseCache cache(context);
  std::atomic<int> loads{0};
  const std::string key = "restarts-test:" + std::to_string(std::random_device{}());

  // The loader reads MySQL for real: the number of listed products.
  using PagePointer = std::shared_ptr<const CachedPage>;
  auto read_page = [&]() -> PagePointer {
    return app.run<PagePointer>([&]() -> asio::awaitable<PagePointer> {
      co_return co_await cache.get_or_load(
          key, [&]() -> asio::awaitable<std::optional<CachedPage>> {
            ++loads;
            auto count = co_await context.db().run([](huicai::mysql::Session& session) {
              auto& select = session.prepare(
                  "SELECT COUNT(*) AS n FROM catalog_products WHERE status = 'listed'");
              auto row = huicai::mysql::query(select);
              row->next();
              return row->getInt64("n");
            });
            co_return CachedPage{"{\"listed\":" + std::to_string(count) + "}", "\"t\""};
          });
    });
  };

  // Redis up: the first read loads, the second is a cache hit.
  REQUIRE(wait_until([&] { return context.redis().connected(); }, std::chrono::seconds(10)));
  REQUIRE(read_page());
  REQUIRE(read_page());
  CHECK(loads == 1);

  stack("stop-redis");
  REQUIRE(wait_until([&] { return !context.redis().connected(); }, std::chrono::seconds(10)));
  // Redis down: every read goes to MySQL and still answers, quickly.
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    auto page = read_page();
    REQUIRE(page);
    CHECK(page->body.find("\"listed\":") != std::string::npos);
  }
  CHECK(loads == 4);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));

  // A catalog write while Redis is down cannot bump the version now...
  app.run<bool>([&]() -> asio::awaitable<bool> {
    co_await cache.changed();
    co_return true;
  });

  stack("start-redis");
  REQUIRE(wait_until([&] { return context.redis().connected(); }, std::chrono::seconds(15)));
  // ...but it is bumped once Redis is back: the page cached before the outage is not served.
  const int before = loads;
  REQUIRE(wait_until(
      [&] {
        read_page();
        return loads > before;
      },
      std::chrono::seconds(10)));
  // And caching works again.
  REQUIRE(wait_until(
      [&] {
        const int now = loads;
        read_page();
        return loads == now;
      },
      std::chrono::seconds(10)));
  CHECK(cache.stats().bypassed >= 3);
}

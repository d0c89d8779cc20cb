// Paid orders from ordering's stream raise a product's sales count, once per event.
#include <huicai/events/v1/envelope.pb.h>
#include <huicai/events/v1/ordering.pb.h>

#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <thread>

#include "catalog_fixture.hpp"

using namespace catalog_test;
namespace asio = boost::asio;

namespace {

std::int64_t sales_count(CatalogWorld& world, std::int64_t product_id) {
  return world.app().run<std::int64_t>([&]() -> asio::awaitable<std::int64_t> {
    co_return co_await world.app().context().db().run(
        [product_id](huicai::mysql::Session& session) {
          auto& select = session.prepare("SELECT sales_count FROM catalog_products WHERE id = ?");
          auto row = huicai::mysql::query(huicai::mysql::bind(select, product_id));
          row->next();
          return row->getInt64("sales_count");
        });
  });
}

void publish_paid_order(CatalogWorld& world, const std::string& event_id, std::int64_t product_id,
                        std::int64_t quantity) {
  huicai::events::v1::OrderChanged order;
  order.set_order_id(1);
  order.set_to_status("paid");
  auto* line = order.add_lines();
  line->set_product_id(product_id);
  line->set_quantity(quantity);
  huicai::events::v1::Envelope envelope;
  envelope.set_event_id(event_id);
  envelope.set_type("ordering.order_paid.v1");
  envelope.set_producer("ordering");
  // A time like the relay's: consumers skip entries dated zero (the envelope check).
  envelope.set_occurred_at_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  envelope.set_aggregate_id("1");
  envelope.set_payload(order.SerializeAsString());
  std::vector<std::string> command = {"XADD", huicai::events::stream_key("ordering"), "*", "e",
                                      envelope.SerializeAsString()};
  auto reply = world.app().run<bool>([&]() -> asio::awaitable<bool> {
    auto result = co_await world.app().context().redis().command(std::move(command));
    co_return result && !result->is_error();
  });
  REQUIRE(reply);
}

bool wait_for_count(CatalogWorld& world, std::int64_t product_id, std::int64_t expected) {
  // Tests in other processes run apps with consumers in the same group; one that read the
  // event and stopped before acking holds it until a live consumer reclaims it
  // (ConsumerOptions::reclaim_after, 30 s). Wait past that, not just for the happy path.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  while (std::chrono::steady_clock::now() < deadline) {
    if (sales_count(world, product_id) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("paid orders raise the sales count exactly once per event", "[catalog][sales]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto product =
      world.listed_product(supplier, unique("销量小米"), 2000, world.category_id("grain-millet"));
  CHECK(sales_count(world, product) == 0);
  const auto event_id = huicai::events::new_uuid();
  publish_paid_order(world, event_id, product, 3);
  REQUIRE(wait_for_count(world, product, 3));
  // The same event again (a relay retry) changes nothing; a new one adds.
  publish_paid_order(world, event_id, product, 3);
  publish_paid_order(world, huicai::events::new_uuid(), product, 2);
  // Stream order: had the duplicate counted, the count would go 3 -> 6 -> 8, never 5.
  REQUIRE(wait_for_count(world, product, 5));
}

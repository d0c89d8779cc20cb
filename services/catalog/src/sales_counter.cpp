// Sales counts are a ranking signal, not money: cached pages may show a count up to the cache
// lifetime (two minutes) old, so the consumer does not bump the catalog version.
#include "sales_counter.hpp"

#include <huicai/events/v1/ordering.pb.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>

namespace huicai::catalog {

void count_sales(mysql::Session& session, std::span<const events::ReceivedEvent> events) {
  std::map<std::int64_t, std::int64_t> quantity_by_product;
  for (const auto& event : events) {
    if (event.type != kOrderPaidEvent) continue;
    events::v1::OrderChanged order;
    // A payload we cannot read is a bug upstream: throwing keeps it pending for a fixed build
    // (the rest of the batch is applied one event at a time meanwhile).
    if (!order.ParseFromString(event.payload)) {
      throw std::runtime_error("catalog: unreadable ordering.order_paid.v1 payload");
    }
    for (const auto& line : order.lines()) {
      if (line.quantity() <= 0) continue;
      quantity_by_product[static_cast<std::int64_t>(line.product_id())] +=
          static_cast<std::int64_t>(line.quantity());
    }
  }
  auto& update =
      session.prepare("UPDATE catalog_products SET sales_count = sales_count + ? WHERE id = ?");
  for (const auto& [product_id, quantity] : quantity_by_product) {
    mysql::bind(update, quantity, product_id);
    update.executeUpdate();
  }
}

void start_sales_counter(app::Context& context) {
  context.spawn_background("catalog-sales-counter", [&context]() -> boost::asio::awaitable<void> {
    events::ConsumerOptions options;
    options.stream = "ordering";
    options.group = "catalog-sales";
    options.consumer_name = events::this_process_consumer_name();
    options.processed_table = "catalog_processed_events";
    options.metrics = &context.metrics();
    options.linger = context.config().events_linger;
    options.event_types = {kOrderPaidEvent};
    events::Consumer consumer(context.db(), context.dedicated_redis("catalog-sales"),
                              std::move(options), events::BatchHandler(&count_sales));
    co_await consumer.run();
  });
}

}  // namespace huicai::catalog

// Sales counts are a ranking signal, not money: cached pages may show a count up to the cache
// lifetime (two minutes) old, so the consumer does not bump the catalog version.
#include "sales_counter.hpp"

#include <huicai/events/v1/ordering.pb.h>
#include <unistd.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::catalog {

void count_sales(mysql::Session& session, const events::ReceivedEvent& event) {
  if (event.type != "ordering.order_paid.v1") return;
  events::v1::OrderChanged order;
  // A payload we cannot read is a bug upstream: throwing keeps it pending for a fixed build.
  if (!order.ParseFromString(event.payload)) {
    throw std::runtime_error("catalog: unreadable ordering.order_paid.v1 payload");
  }
  auto& update =
      session.prepare("UPDATE catalog_products SET sales_count = sales_count + ? WHERE id = ?");
  for (const auto& line : order.lines()) {
    if (line.quantity() <= 0) continue;
    mysql::bind(update, static_cast<std::int64_t>(line.quantity()),
                static_cast<std::int64_t>(line.product_id()));
    update.executeUpdate();
  }
}

void start_sales_counter(app::Context& context) {
  context.spawn_background("catalog-sales-counter", [&context]() -> boost::asio::awaitable<void> {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    events::ConsumerOptions options;
    options.stream = "ordering";
    options.group = "catalog-sales";
    options.consumer_name = std::string(host) + ":" + std::to_string(::getpid());
    options.processed_table = "catalog_processed_events";
    options.metrics = &context.metrics();
    events::Consumer consumer(context.db(), context.dedicated_redis("catalog-sales"),
                              std::move(options), &count_sales);
    co_await consumer.run();
  });
}

}  // namespace huicai::catalog

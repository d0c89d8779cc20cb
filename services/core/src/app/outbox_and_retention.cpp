#include <huicai/core/app/context.hpp>
#include <huicai/core/app/outbox_and_retention.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/events/relay.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/mysql/retention.hpp>
#include <vector>

namespace huicai::app {

void start_outbox_and_retention(Context& context, const OwnedTables& tables) {
  context.spawn_background(tables.service + "-outbox-relay",
                           [&context, outbox = tables.outbox,
                            producer = tables.producer]() -> boost::asio::awaitable<void> {
                             events::Relay relay(context.db(), context.redis(),
                                                 events::RelayOptions{outbox, producer},
                                                 &context.metrics());
                             co_await relay.run();
                           });

  const Config& config = context.config();
  if (config.retention_sweep_interval.count() == 0) return;
  std::vector<mysql::RetentionRule> rules{
      events::outbox_retention_rule(tables.outbox, config.outbox_retention)};
  if (!tables.idempotency_keys.empty() && config.idempotency_retention.count() > 0) {
    rules.push_back(
        http::Idempotency::retention_rule(tables.idempotency_keys, config.idempotency_retention));
  }
  context.spawn_background(tables.service + "-retention",
                           [&context, rules, interval = config.retention_sweep_interval]() {
                             return mysql::run_retention(context.db(), rules, interval);
                           });
}

}  // namespace huicai::app

#include "audit_consumer.hpp"

#include <huicai/core/audit.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::identity {

namespace {

constexpr const char* kGroup = "identity-audit";

std::optional<std::string> json_or_null(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// One INSERT per entry, all in the consumer's batch transaction (one commit per batch).
void store(mysql::Session& session, const events::ReceivedEvent& event) {
  auto entry = audit::decode(event.payload);
  if (!entry) {
    // Recording the failure beats blocking the stream on one bad message forever.
    log::error("undecodable audit event skipped", {{"event_id", event.event_id}});
    return;
  }
  auto& insert = session.prepare(
      "INSERT IGNORE INTO identity_audit_log (at, service, actor_account_id, actor_login, "
      "actor_role, action, target_type, target_id, before_summary, after_summary, request_id, "
      "source_event_id) VALUES (FROM_UNIXTIME(? / 1000000), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, event.occurred_at_us,
              entry->service.empty() ? event.producer : entry->service, entry->actor_account_id,
              entry->actor_login, entry->actor_role, entry->action, entry->target_type,
              entry->target_id, json_or_null(entry->before_json), json_or_null(entry->after_json),
              entry->request_id, event.event_id);
  insert.executeUpdate();
}

}  // namespace

std::vector<std::string> audited_streams() {
  return {"catalog", "ordering", "settlement", "aidstats"};
}

void start_audit_consumers(app::Context& context) {
  for (const std::string& stream : audited_streams()) {
    context.spawn_background(
        "identity-audit-consumer-" + stream, [&context, stream]() -> boost::asio::awaitable<void> {
          events::ConsumerOptions options;
          options.stream = stream;
          options.group = kGroup;
          options.consumer_name = events::this_process_consumer_name();
          options.processed_table = "identity_processed_events";
          options.metrics = &context.metrics();
          options.linger = context.config().events_linger;
          // Only audit entries: the stream's other events cost this consumer no database work.
          options.event_types = {std::string(audit::kEventType)};
          events::Consumer consumer(context.db(), context.dedicated_redis("audit-" + stream),
                                    options, events::EventHandler(&store));
          co_await consumer.run();
        });
  }
}

}  // namespace huicai::identity

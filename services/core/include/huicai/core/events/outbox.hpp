#pragma once
// The transactional outbox. A service writes its events into its own outbox table in the same
// transaction as the state change; the Relay publishes them to Redis Streams afterwards. Redis
// down means events wait in the table, never that they are lost.
//
// Each owning service has `<service>_outbox` and `<service>_processed_events` for what it
// consumes, created by its own migration in the shape given in services/core/src/events/README.md
// (db/migrations/0002_core_selftest_events.sql is an example).

#include <cstdint>
#include <huicai/core/mysql/retention.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::events {

struct OutgoingEvent {
  std::string stream;        // logical stream, e.g. "ordering"; see stream_key()
  std::string type;          // e.g. "ordering.order_placed.v1"
  std::string aggregate_id;  // e.g. the order id as text
  std::string payload;       // serialized protobuf message named by type
  std::string request_id;    // for tracing; may be empty
};

// Inserts the event into `outbox_table` using the caller's session (inside its transaction).
// Returns the generated event id (a UUID).
std::string enqueue(mysql::Session& session, std::string_view outbox_table,
                    std::string_view producer, const OutgoingEvent& event);

// The same for several events, in ONE multi-row INSERT (a group of orders written together);
// their ids in the order given, and published in that order.
std::vector<std::string> enqueue_all(mysql::Session& session, std::string_view outbox_table,
                                     std::string_view producer,
                                     std::span<const OutgoingEvent> events);

// The rows of `outbox_table` a retention pass may delete (docs/adr/0032): published more than
// `keep` ago. Rows not yet published are never deleted. `keep` must exceed the relay's
// republish_window (7 days): after Redis lost its data the relay publishes that window again.
mysql::RetentionRule outbox_retention_rule(std::string outbox_table, std::chrono::days keep);

// The Redis key of a logical stream, with a hash tag so Redis Cluster keeps it on one slot:
// "ordering" -> "huicai:{ordering}:events".
std::string stream_key(std::string_view stream);

// A fresh random UUID v4 as text (libsodium randomness).
std::string new_uuid();

}  // namespace huicai::events

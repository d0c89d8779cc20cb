// Writing events into a service's outbox table, inside the caller's transaction.
#include <sodium.h>

#include <huicai/core/business_clock.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/events/relay_wakeup.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "events/sql_names.hpp"

namespace huicai::events {

mysql::RetentionRule outbox_retention_rule(std::string outbox_table, std::chrono::days keep) {
  mysql::RetentionRule rule;
  rule.table = std::move(outbox_table);
  rule.age_column = "published_at";  // ix_<service>_outbox_unpublished (published_at, id)
  rule.condition = "published_at IS NOT NULL";
  rule.keep = keep;
  return rule;
}

std::string stream_key(std::string_view stream) {
  std::string key = "huicai:{";
  key += stream;
  key += "}:events";
  return key;
}

std::string new_uuid() {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready) throw std::runtime_error("libsodium failed to initialise");
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += hex[bytes[i] >> 4];
    text += hex[bytes[i] & 0x0f];
  }
  return text;
}

std::string enqueue(mysql::Session& session, std::string_view outbox_table,
                    std::string_view producer, const OutgoingEvent& event) {
  return enqueue_all(session, outbox_table, producer, std::span(&event, 1)).front();
}

std::vector<std::string> enqueue_all(mysql::Session& session, std::string_view outbox_table,
                                     std::string_view producer,
                                     std::span<const OutgoingEvent> events) {
  const auto table = checked_table_name(outbox_table, "outbox table");
  // A service writes only its own outbox: "ordering" -> "ordering_outbox".
  if (table != std::string(producer) + "_outbox") {
    throw std::invalid_argument("producer \"" + std::string(producer) +
                                "\" may only write its own outbox, not " + table);
  }
  for (const auto& event : events) {
    if (event.stream.empty() || event.stream.size() > 64 ||
        event.stream.find_first_of("{}") != std::string::npos) {
      throw std::invalid_argument("event stream must be 1-64 characters without braces");
    }
    if (event.type.empty() || event.type.size() > 128) {
      throw std::invalid_argument("event type must be 1-128 characters");
    }
    if (event.aggregate_id.size() > 64 || event.request_id.size() > 64) {
      throw std::invalid_argument("aggregate_id and request_id are at most 64 characters");
    }
  }
  std::vector<std::string> event_ids;
  if (events.empty()) return event_ids;
  const auto occurred = business_clock::now();
  const auto occurred_text = utc_datetime(occurred);
  auto& insert = session.prepare(
      "INSERT INTO " + table +
      " (event_id, stream, event_type, aggregate_id, payload, request_id, occurred_at) VALUES " +
      mysql::repeated("(?, ?, ?, ?, ?, ?, ?)", ", ", events.size()));
  int index = 1;
  for (const auto& event : events) {
    event_ids.push_back(new_uuid());
    mysql::bind_one(insert, index++, event_ids.back());
    mysql::bind_one(insert, index++, event.stream);
    mysql::bind_one(insert, index++, event.type);
    mysql::bind_one(insert, index++, event.aggregate_id);
    mysql::bind_one(insert, index++, event.payload);
    mysql::bind_one(insert, index++, event.request_id);
    mysql::bind_one(insert, index++, occurred_text);
  }
  insert.executeUpdate();
  // The relay of this outbox in this process publishes the rows as soon as they are committed,
  // from these copies, without reading them back, in the order of the places taken here.
  const auto occurred_us =
      std::chrono::duration_cast<std::chrono::microseconds>(occurred.time_since_epoch()).count();
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto ticket = take_outbox_ticket(table);
    if (!ticket) continue;
    const auto& event = events[i];
    CommittedEvent committed{event_ids[i],  event.stream,     event.type, event.aggregate_id,
                             event.payload, event.request_id, occurred_us};
    // Dropped unrun (rolled back, run again, outcome unknown), the effect drops the ticket,
    // which gives the place up.
    mysql::after_commit(session, [ticket, committed = std::move(committed)]() mutable {
      ticket->committed(std::move(committed));
    });
  }
  return event_ids;
}

}  // namespace huicai::events

#pragma once
// Consumes a Redis Stream in a consumer group, a batch at a time. Events of types the consumer
// does not declare are acknowledged at once with no database work. The others are applied in
// ONE MySQL transaction together with their rows in the consumer's processed-events table
// (keyed by event id; ids processed before are filtered out), so a redelivered or replayed
// event changes nothing and a batch costs one commit. If the batch transaction fails, each
// event is retried in a transaction of its own, so one poison event does not hold back the
// others. XACK after commit. Messages pending longer than `reclaim_after` on a dead consumer are
// claimed (XAUTOCLAIM). On start the consumer first takes over the pending messages of
// consumers that were processes of this host and have ended (a killed process restarted as this
// one: ADR 0025), then re-reads its own pending messages (delivered before a crash, never acked).
// Details and the processed-events table shape: services/core/src/events/README.md.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace huicai::mysql {
class Pool;
class Session;
}  // namespace huicai::mysql
namespace huicai::redis {
class Client;
}
namespace huicai::metrics {
class Registry;
}

namespace huicai::events {

struct ReceivedEvent {
  std::string stream_entry_id;  // Redis stream id, e.g. "1700000000000-0"
  std::string event_id;
  std::string type;
  std::int64_t occurred_at_us = 0;
  std::string producer;
  std::string aggregate_id;
  std::string payload;
  std::string request_id;
};

struct ConsumerOptions {
  std::string stream;           // logical stream, e.g. "ordering"
  std::string group;            // e.g. "settlement"
  std::string consumer_name;    // unique per process, e.g. host:pid
  std::string processed_table;  // e.g. "settlement_processed_events"
  // The event types this consumer applies ("ordering.order_paid.v1", ...). Every other event of
  // the stream is acknowledged with no database work at all. Empty means every type.
  std::vector<std::string> event_types;
  std::size_t batch_size = 100;
  std::chrono::milliseconds block{1'000};
  std::chrono::milliseconds reclaim_after{30'000};
  bool start_from_beginning = true;              // a new group reads the stream from "0"
  std::chrono::milliseconds error_backoff{500};  // run(): pause after MySQL/Redis failures
  // run(): pause after a poll that did not fill a batch, so the next one reads more at once
  // (Config::events_linger); 0 for a consumer whose effects someone waits for.
  std::chrono::milliseconds linger{0};
  // Counts entries skipped as undecodable or failing the envelope check
  // (huicai_events_rejected_total{stream, group}); may be null.
  metrics::Registry* metrics = nullptr;
  // run(): called after each poll that acknowledged something (after the commits and the XACK),
  // on the consumer's executor; for effects that must follow the commit (a live feed's
  // notification). Its exceptions count as a failed poll. May be empty.
  std::function<boost::asio::awaitable<void>()> after_batch;
};

// Runs inside the batch transaction with the events of the declared types not processed before,
// in stream order (never empty). Throw to roll the batch back: its events are then retried one
// per transaction (the handler sees a span of one), and an event that still fails stays
// pending and comes back after reclaim_after. May run again for the same events (deadlock
// retry, fallback): touch only the session and locals.
using BatchHandler = std::function<void(mysql::Session&, std::span<const ReceivedEvent>)>;

// One event at a time, inside the batch transaction: a convenience for consumers whose effect
// is one statement per event anyway. Same rules as BatchHandler.
using EventHandler = std::function<void(mysql::Session&, const ReceivedEvent&)>;

// "host:pid": a consumer name unique to this process, as ConsumerOptions::consumer_name wants.
std::string this_process_consumer_name();

class Consumer {
 public:
  // `redis` should be a client of its own: XREADGROUP BLOCK holds the connection.
  Consumer(mysql::Pool& pool, redis::Client& redis, ConsumerOptions options, BatchHandler handler);
  Consumer(mysql::Pool& pool, redis::Client& redis, ConsumerOptions options, EventHandler handler);
  boost::asio::awaitable<std::size_t> poll_once();  // reads, handles, acks one batch
  boost::asio::awaitable<void> run();               // until cancelled

 private:
  boost::asio::awaitable<void> take_over_dead_consumers(const std::string& key);

  mysql::Pool& pool_;
  redis::Client& redis_;
  ConsumerOptions options_;
  BatchHandler handler_;
  bool group_ready_ = false;
  bool took_over_dead_ = false;  // pending entries of dead consumers of this host, once
  // Own pending history (ID 0 onwards) is read before new messages ('>'): after start, and again
  // after a batch MySQL could not take.
  bool history_done_ = false;
  std::string history_cursor_ = "0";
  // XAUTOCLAIM scans the pending list in pages; a full scan at most every reclaim_after / 2.
  std::string reclaim_cursor_ = "0-0";
  std::chrono::steady_clock::time_point next_reclaim_{};
};

}  // namespace huicai::events

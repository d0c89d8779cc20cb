// A consumer-group reader of one stream. Each batch comes from, in this order:
//   1. this consumer's own pending history (XREADGROUP ... STREAMS key <cursor from 0>), once
//      after start: messages delivered before a crash and never acknowledged;
//   2. messages idle longer than reclaim_after on any consumer (XAUTOCLAIM), in pages;
//   3. new messages (XREADGROUP ... BLOCK ms STREAMS key >).
// Every message is handled in its own MySQL transaction that first inserts (group, event id)
// into the processed-events table; a duplicate (0 rows inserted) skips the handler. XACK after
// the commit. So redelivery, reclaiming and replaying the stream from 0 change nothing.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/events/envelope_check.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <optional>

#include "events/sql_names.hpp"
#include "huicai/events/v1/envelope.pb.h"

namespace huicai::events {

namespace {

using redis::Reply;

// One stream entry as read: the event, or nullopt when it cannot be decoded (or was deleted).
struct StreamEntry {
  std::string id;
  std::optional<ReceivedEvent> event;
  std::string problem;  // why event is empty
};

StreamEntry decode_entry(const Reply& entry) {
  StreamEntry decoded;
  if (entry.type != Reply::Type::array || entry.elements.empty()) {
    decoded.problem = "malformed stream entry";
    return decoded;
  }
  decoded.id = entry.elements[0].text;
  if (entry.elements.size() < 2 || entry.elements[1].type != Reply::Type::array) {
    decoded.problem = "entry was deleted from the stream";
    return decoded;
  }
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].text != "e") continue;
    huicai::events::v1::Envelope envelope;
    if (!envelope.ParseFromString(fields[i + 1].text) || envelope.event_id().empty()) {
      decoded.problem = "field e is not an Envelope with an event id";
      return decoded;
    }
    ReceivedEvent event;
    event.stream_entry_id = decoded.id;
    event.event_id = envelope.event_id();
    event.type = envelope.type();
    event.occurred_at_us = envelope.occurred_at_us();
    event.producer = envelope.producer();
    event.aggregate_id = envelope.aggregate_id();
    event.payload = envelope.payload();
    event.request_id = envelope.request_id();
    decoded.problem = envelope_problem(event);
    if (decoded.problem.empty()) decoded.event = std::move(event);
    return decoded;
  }
  decoded.problem = "entry has no field e";
  return decoded;
}

// Entries of an XREADGROUP reply: nil (nothing arrived) or [[key, [entry...]]].
std::vector<StreamEntry> decode_read(const Reply& reply) {
  std::vector<StreamEntry> entries;
  if (reply.type != Reply::Type::array) return entries;
  for (const auto& stream : reply.elements) {
    if (stream.elements.size() < 2) continue;
    for (const auto& entry : stream.elements[1].elements) entries.push_back(decode_entry(entry));
  }
  return entries;
}

Reply expect_reply(boost::system::result<Reply> reply, const std::string& command) {
  if (!reply) throw ServiceUnavailable("redis", command + ": " + reply.error().message());
  return std::move(*reply);
}

bool is_nogroup(const Reply& reply) {
  return reply.is_error() && reply.text.rfind("NOGROUP", 0) == 0;
}

// Command builders and log lines live outside coroutine bodies: GCC 12 miscompiles braced
// initializer lists there.
std::vector<std::string> create_group_command(const std::string& key, const std::string& group,
                                              bool from_beginning) {
  return {"XGROUP", "CREATE", key, group, from_beginning ? "0" : "$", "MKSTREAM"};
}

std::vector<std::string> read_command(const ConsumerOptions& options, const std::string& key,
                                      const std::string& from, bool block) {
  std::vector<std::string> command{"XREADGROUP",  "GROUP",
                                   options.group, options.consumer_name,
                                   "COUNT",       std::to_string(options.batch_size)};
  if (block) {
    command.push_back("BLOCK");
    command.push_back(std::to_string(options.block.count()));
  }
  command.push_back("STREAMS");
  command.push_back(key);
  command.push_back(from);
  return command;
}

std::vector<std::string> autoclaim_command(const ConsumerOptions& options, const std::string& key,
                                           const std::string& cursor) {
  return {"XAUTOCLAIM",
          key,
          options.group,
          options.consumer_name,
          std::to_string(options.reclaim_after.count()),
          cursor,
          "COUNT",
          std::to_string(options.batch_size)};
}

std::vector<std::string> ack_command(const ConsumerOptions& options, const std::string& key,
                                     const std::vector<std::string>& ids) {
  std::vector<std::string> command{"XACK", key, options.group};
  command.insert(command.end(), ids.begin(), ids.end());
  return command;
}

void log_undecodable(const ConsumerOptions& options, const StreamEntry& entry) {
  // Acknowledged so it does not block the group for ever (and never applied); the entry stays
  // in the stream.
  if (options.metrics) {
    options.metrics
        ->counter("huicai_events_rejected_total",
                  {{"stream", options.stream}, {"group", options.group}})
        .increment();
  }
  log::error("event consumer skips an undecodable stream entry", {{"stream", options.stream},
                                                                  {"group", options.group},
                                                                  {"entry", entry.id},
                                                                  {"problem", entry.problem}});
}

void log_handler_failure(const ConsumerOptions& options, const ReceivedEvent& event,
                         const std::string& reason) {
  // Not acknowledged: it stays pending and is retried once reclaim_after has passed.
  log::error("event handler failed; the event will be retried", {{"stream", options.stream},
                                                                 {"group", options.group},
                                                                 {"event_id", event.event_id},
                                                                 {"type", event.type},
                                                                 {"reason", reason},
                                                                 {"request_id", event.request_id}});
}

void log_consumer_failure(const ConsumerOptions& options, const std::string& reason) {
  log::warn("event consumer cannot read, retrying",
            {{"stream", options.stream}, {"group", options.group}, {"reason", reason}});
}

void log_consumer_recovered(const ConsumerOptions& options) {
  log::info("event consumer reading again", {{"stream", options.stream}, {"group", options.group}});
}

// On a pool thread, inside the transaction: returns false for a duplicate.
bool handle_in_transaction(mysql::Session& session, const std::string& processed_table,
                           const std::string& group, const ReceivedEvent& event,
                           const EventHandler& handler) {
  auto& remember = session.prepare("INSERT IGNORE INTO " + processed_table +
                                   " (consumer_group, event_id, processed_at)"
                                   " VALUES (?, ?, UTC_TIMESTAMP(6))");
  mysql::bind(remember, group, event.event_id);
  if (remember.executeUpdate() == 0) return false;  // handled before: the effect exists
  handler(session, event);
  return true;
}

}  // namespace

Consumer::Consumer(mysql::Pool& pool, redis::Client& redis, ConsumerOptions options,
                   EventHandler handler)
    : pool_(pool), redis_(redis), options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.metrics) {
    options_.metrics->describe("huicai_events_rejected_total",
                               "Stream entries a consumer skipped: undecodable or failing the "
                               "envelope check (acknowledged, never applied)",
                               "counter");
  }
  checked_table_name(options_.processed_table, "processed-events table");
  if (options_.stream.empty() || options_.group.empty() || options_.consumer_name.empty()) {
    throw std::invalid_argument("consumer needs a stream, a group and a consumer name");
  }
  if (options_.batch_size == 0) options_.batch_size = 1;
}

boost::asio::awaitable<std::size_t> Consumer::poll_once() {
  const auto key = stream_key(options_.stream);
  if (!group_ready_) {
    auto created = expect_reply(co_await redis_.command(create_group_command(
                                    key, options_.group, options_.start_from_beginning)),
                                "XGROUP CREATE");
    if (created.is_error() && created.text.rfind("BUSYGROUP", 0) != 0) {
      throw std::runtime_error("XGROUP CREATE " + key + " " + options_.group + ": " + created.text);
    }
    group_ready_ = true;
  }

  std::vector<StreamEntry> entries;
  if (!history_done_) {
    auto reply = expect_reply(
        co_await redis_.command(read_command(options_, key, history_cursor_, false)), "XREADGROUP");
    if (is_nogroup(reply)) {
      group_ready_ = false;  // the group vanished (Redis lost data): create it again
      co_return 0;
    }
    entries = decode_read(reply);
    if (entries.empty()) {
      history_done_ = true;
    } else {
      history_cursor_ = entries.back().id;
    }
  }

  const auto now = std::chrono::steady_clock::now();
  if (entries.empty() && now >= next_reclaim_) {
    auto reply = expect_reply(
        co_await redis_.command(autoclaim_command(options_, key, reclaim_cursor_)), "XAUTOCLAIM");
    if (is_nogroup(reply)) {
      group_ready_ = false;
      co_return 0;
    }
    if (reply.type == Reply::Type::array && reply.elements.size() >= 2) {
      reclaim_cursor_ = reply.elements[0].text;
      for (const auto& entry : reply.elements[1].elements) {
        entries.push_back(decode_entry(entry));
      }
    } else {
      reclaim_cursor_ = "0-0";
    }
    if (reclaim_cursor_ == "0-0") next_reclaim_ = now + options_.reclaim_after / 2;
  }

  if (entries.empty()) {
    // BLOCK holds the connection: the deadline must outlast it.
    auto reply = expect_reply(co_await redis_.command(read_command(options_, key, ">", true),
                                                      options_.block + std::chrono::seconds(5)),
                              "XREADGROUP");
    if (is_nogroup(reply)) {
      group_ready_ = false;
      co_return 0;
    }
    if (reply.is_error()) throw std::runtime_error("XREADGROUP " + key + ": " + reply.text);
    entries = decode_read(reply);
  }
  if (entries.empty()) co_return 0;

  std::vector<std::string> acknowledged;
  std::exception_ptr unavailable;
  for (const auto& entry : entries) {
    if (!entry.event) {
      log_undecodable(options_, entry);
      acknowledged.push_back(entry.id);
      continue;
    }
    const auto& table = options_.processed_table;
    const auto& group = options_.group;
    const auto& event = *entry.event;
    const auto& handler = handler_;
    // Named, not a temporary inside co_await (GCC 12 destroys those twice). The references
    // stay valid: this coroutine waits for the call.
    auto handle = [&table, &group, &event, &handler](mysql::Session& session) {
      return handle_in_transaction(session, table, group, event, handler);
    };
    try {
      co_await pool_.transaction(handle);
      acknowledged.push_back(entry.id);
    } catch (const ServiceUnavailable&) {
      // MySQL is down: stop this batch, acknowledge what is committed, let run() back off.
      unavailable = std::current_exception();
      break;
    } catch (const std::exception& error) {
      log_handler_failure(options_, event, error.what());
    }
  }
  if (!acknowledged.empty()) {
    auto acked =
        expect_reply(co_await redis_.command(ack_command(options_, key, acknowledged)), "XACK");
    if (acked.is_error()) throw std::runtime_error("XACK " + key + ": " + acked.text);
  }
  if (unavailable) std::rethrow_exception(unavailable);
  co_return acknowledged.size();
}

boost::asio::awaitable<void> Consumer::run() {
  // Cancellation ends the loop quietly; see Relay::run for why the catch wraps everything.
  try {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    bool failing = false;
    for (;;) {
      try {
        co_await poll_once();
        if (failing) log_consumer_recovered(options_);
        failing = false;
        continue;
      } catch (const boost::system::system_error& error) {
        if (error.code() == boost::asio::error::operation_aborted) throw;
        if (!failing) log_consumer_failure(options_, error.what());
      } catch (const std::exception& error) {
        // Redis or MySQL unavailable: nothing was acknowledged that was not committed.
        if (!failing) log_consumer_failure(options_, error.what());
      }
      failing = true;
      timer.expires_after(options_.error_backoff);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  } catch (const boost::system::system_error& error) {
    if (error.code() != boost::asio::error::operation_aborted) throw;
  }
}

}  // namespace huicai::events

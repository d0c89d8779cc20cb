// A consumer-group reader of one stream. Each batch comes from, in this order:
//   1. this consumer's own pending history (XREADGROUP ... STREAMS key <cursor from 0>), once
//      after start: messages delivered before a crash and never acknowledged;
//   2. messages idle longer than reclaim_after on any consumer (XAUTOCLAIM), in pages;
//   3. new messages (XREADGROUP ... BLOCK ms STREAMS key >).
// Events of types the consumer does not declare are acknowledged without touching MySQL. The
// rest are applied in one transaction: one statement inserts the processed-events rows of the
// ids not there yet (INSERT IGNORE ... RETURNING) and those events are handed to the handler,
// then one COMMIT. If that transaction fails, every event gets a transaction of its own, so only a
// poison event stays pending. XACK after the commits. So redelivery, reclaiming and replaying
// the stream from 0 change nothing.
#include <unistd.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/events/envelope_check.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/local_process.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <optional>
#include <span>
#include <unordered_set>

#include "events/sql_names.hpp"
#include "events/stream_entry.hpp"

namespace huicai::events {

namespace {

using redis::Reply;

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

// Pending entries of consumers that were processes of this host and have ended (ADR 0025).
std::vector<std::string> pending_summary_command(const std::string& key, const std::string& group) {
  return {"XPENDING", key, group};
}

std::vector<std::string> pending_of_command(const std::string& key, const std::string& group,
                                            const std::string& consumer) {
  return {"XPENDING", key, group, "-", "+", "500", consumer};
}

std::vector<std::string> claim_ids_command(const ConsumerOptions& options, const std::string& key,
                                           const std::vector<std::string>& ids) {
  std::vector<std::string> command{"XCLAIM", key, options.group, options.consumer_name, "0"};
  command.insert(command.end(), ids.begin(), ids.end());
  command.push_back("JUSTID");
  return command;
}

std::vector<std::string> delete_consumer_command(const std::string& key, const std::string& group,
                                                 const std::string& consumer) {
  return {"XGROUP", "DELCONSUMER", key, group, consumer};
}

// From XPENDING's summary [count, first id, last id, [[consumer, count], ...]]: the consumers
// named "<this host>:<pid>" (this_process_consumer_name) whose process is gone.
std::vector<std::string> dead_local_consumers(const Reply& summary, const std::string& own_name) {
  std::vector<std::string> dead;
  if (summary.type != Reply::Type::array || summary.elements.size() < 4) return dead;
  const auto host = local_process::host_name() + ":";
  for (const auto& consumer : summary.elements[3].elements) {
    if (consumer.elements.empty()) continue;
    const auto& name = consumer.elements[0].text;
    if (name != own_name && local_process::gone(local_process::pid_after(name, host))) {
      dead.push_back(name);
    }
  }
  return dead;
}

// The ids of an extended XPENDING reply: [[id, consumer, idle, deliveries], ...].
std::vector<std::string> pending_ids(const Reply& reply) {
  std::vector<std::string> ids;
  for (const auto& entry : reply.elements) {
    if (!entry.elements.empty()) ids.push_back(entry.elements[0].text);
  }
  return ids;
}

void log_took_over(const ConsumerOptions& options, const std::string& dead) {
  log::info("event consumer took over the pending entries of a consumer that died on this host",
            {{"stream", options.stream}, {"group", options.group}, {"dead_consumer", dead}});
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

void log_batch_failure(const ConsumerOptions& options, std::size_t events,
                       const std::string& reason) {
  // Rolled back whole; each of its events is tried again in a transaction of its own.
  log::warn("event batch failed; applying its events one by one",
            {{"stream", options.stream},
             {"group", options.group},
             {"events", std::to_string(events)},
             {"reason", reason}});
}

bool is_declared(const ConsumerOptions& options, const std::string& type) {
  if (options.event_types.empty()) return true;
  return std::find(options.event_types.begin(), options.event_types.end(), type) !=
         options.event_types.end();
}

// Statements with one placeholder per event are padded to a power of two (repeating the last id;
// mysql/placeholders.hpp), so consumers do not churn the per-connection statement cache.
using mysql::padded_size;
using mysql::repeated;

// Inserts a processed-events row for each id of `ids` this group has not processed before, in
// one statement, and returns the ids it inserted: the events to apply. UNION (not UNION ALL)
// drops the padding repeats; IGNORE skips the ids with a row already (a duplicate key: ids are
// UUIDs, checked by the envelope check, and the group is configured, so no other error is there
// to be downgraded); a row a concurrent consumer of the group has not committed yet is waited
// for, then skipped if it commits. RETURNING lists only the rows inserted (MariaDB 10.5+).
std::unordered_set<std::string> remember_fresh(mysql::Session& session, const std::string& table,
                                               const std::string& group,
                                               const std::vector<std::string>& ids) {
  const auto size = padded_size(ids.size());
  auto& insert = session.prepare(
      "INSERT IGNORE INTO " + table +
      " (consumer_group, event_id, processed_at) SELECT ?, fresh.id, UTC_TIMESTAMP(6) FROM (" +
      "SELECT ? AS id" + (size > 1 ? " UNION " : "") + repeated("SELECT ?", " UNION ", size - 1) +
      ") AS fresh RETURNING event_id");
  mysql::bind_one(insert, 1, group);
  for (std::size_t i = 0; i < size; ++i) {
    mysql::bind_one(insert, static_cast<int>(i + 2), ids[std::min(i, ids.size() - 1)]);
  }
  std::unordered_set<std::string> inserted;
  auto rows = mysql::query(insert);
  while (rows->next()) inserted.insert(mysql::get_string(*rows, "event_id"));
  return inserted;
}

// On a pool thread, inside the transaction: applies the events of `events` this group has not
// processed yet (each event id once, first occurrence: a relay crash can publish one twice).
void apply_in_transaction(mysql::Session& session, const std::string& processed_table,
                          const std::string& group, std::span<const ReceivedEvent> events,
                          const BatchHandler& handler) {
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (const auto& event : events) {
    if (seen.insert(event.event_id).second) ids.push_back(event.event_id);
  }
  const auto inserted = remember_fresh(session, processed_table, group, ids);
  if (inserted.size() == events.size()) {  // every event new, none repeated
    handler(session, events);
    return;
  }
  std::vector<ReceivedEvent> fresh;
  seen.clear();
  for (const auto& event : events) {
    if (!inserted.contains(event.event_id) || !seen.insert(event.event_id).second) continue;
    fresh.push_back(event);
  }
  if (fresh.empty()) return;  // all handled before: the effects exist
  handler(session, std::span<const ReceivedEvent>(fresh));
}

BatchHandler each_event(EventHandler handler) {
  return [handler = std::move(handler)](mysql::Session& session,
                                        std::span<const ReceivedEvent> events) {
    for (const auto& event : events) handler(session, event);
  };
}

}  // namespace

std::string this_process_consumer_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid());
}

Consumer::Consumer(mysql::Pool& pool, redis::Client& redis, ConsumerOptions options,
                   EventHandler handler)
    : Consumer(pool, redis, std::move(options), each_event(std::move(handler))) {}

Consumer::Consumer(mysql::Pool& pool, redis::Client& redis, ConsumerOptions options,
                   BatchHandler handler)
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

boost::asio::awaitable<void> Consumer::take_over_dead_consumers(const std::string& key) {
  auto summary_command = pending_summary_command(key, options_.group);
  auto summary = expect_reply(co_await redis_.command(std::move(summary_command)), "XPENDING");
  if (summary.is_error()) co_return;  // no group yet (poll_once creates it): nothing pending
  for (const auto& dead : dead_local_consumers(summary, options_.consumer_name)) {
    // XCLAIM ... JUSTID moves the entries into this consumer's pending history, which it reads
    // next; then the dead consumer, with nothing pending any more, is removed from the group.
    // Pages of 500, at most 200 of them (a larger backlog is left to XAUTOCLAIM).
    for (int page = 0; page < 200; ++page) {
      auto list_command = pending_of_command(key, options_.group, dead);
      const auto ids =
          pending_ids(expect_reply(co_await redis_.command(std::move(list_command)), "XPENDING"));
      if (ids.empty()) break;
      auto claim_command = claim_ids_command(options_, key, ids);
      auto claimed = expect_reply(co_await redis_.command(std::move(claim_command)), "XCLAIM");
      if (claimed.is_error()) throw std::runtime_error("XCLAIM " + key + ": " + claimed.text);
    }
    auto forget_command = delete_consumer_command(key, options_.group, dead);
    expect_reply(co_await redis_.command(std::move(forget_command)), "XGROUP DELCONSUMER");
    log_took_over(options_, dead);
  }
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

  if (!took_over_dead_) {
    co_await take_over_dead_consumers(key);
    took_over_dead_ = true;
  }

  std::vector<StreamEntry> entries;
  if (!history_done_) {
    auto reply = expect_reply(
        co_await redis_.command(read_command(options_, key, history_cursor_, false)), "XREADGROUP");
    if (is_nogroup(reply)) {
      group_ready_ = false;  // the group vanished (Redis lost data): create it again
      co_return 0;
    }
    entries = decode_read(reply, options_.event_types);
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
        entries.push_back(decode_entry(entry, options_.event_types));
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
    entries = decode_read(reply, options_.event_types);
  }
  if (entries.empty()) co_return 0;

  std::vector<std::string> acknowledged;
  std::vector<ReceivedEvent> wanted;
  for (auto& entry : entries) {
    if (entry.event && is_declared(options_, entry.event->type)) {
      wanted.push_back(std::move(*entry.event));
      continue;
    }
    // The rest is acknowledged with no database work: entries not ours (by their field t, not
    // even parsed, or by their envelope's type) and entries that cannot be decoded (logged).
    if (!entry.event && !entry.not_wanted) log_undecodable(options_, entry);
    acknowledged.push_back(entry.id);
  }

  std::exception_ptr unavailable;
  const auto& table = options_.processed_table;
  const auto& group = options_.group;
  const auto& handler = handler_;
  bool one_by_one = false;
  if (!wanted.empty()) {
    // Named, not a temporary inside co_await (GCC 12 destroys those twice). The references
    // stay valid: this coroutine waits for the call.
    const std::span<const ReceivedEvent> batch(wanted);
    auto apply_batch = [&table, &group, &handler, batch](mysql::Session& session) {
      apply_in_transaction(session, table, group, batch, handler);
    };
    try {
      co_await pool_.transaction(apply_batch);
      for (const auto& event : wanted) acknowledged.push_back(event.stream_entry_id);
    } catch (const ServiceUnavailable&) {
      // MySQL is down: acknowledge what needs no database, let run() back off.
      unavailable = std::current_exception();
    } catch (const std::exception& error) {
      log_batch_failure(options_, wanted.size(), error.what());
      one_by_one = true;
    }
  }
  if (one_by_one) {
    for (const auto& event : wanted) {
      const std::span<const ReceivedEvent> single(&event, 1);
      auto apply_one = [&table, &group, &handler, single](mysql::Session& session) {
        apply_in_transaction(session, table, group, single, handler);
      };
      try {
        co_await pool_.transaction(apply_one);
        acknowledged.push_back(event.stream_entry_id);
      } catch (const ServiceUnavailable&) {
        unavailable = std::current_exception();
        break;
      } catch (const std::exception& error) {
        log_handler_failure(options_, event, error.what());
      }
    }
  }
  if (!acknowledged.empty()) {
    auto acked =
        expect_reply(co_await redis_.command(ack_command(options_, key, acknowledged)), "XACK");
    if (acked.is_error()) throw std::runtime_error("XACK " + key + ": " + acked.text);
  }
  if (unavailable) {
    // What MySQL could not take stays pending under this consumer's name: read it again first
    // on the next poll rather than leave it to XAUTOCLAIM after reclaim_after (the chaos run saw
    // a MariaDB restart delay events by that long).
    history_done_ = false;
    history_cursor_ = "0";
    std::rethrow_exception(unavailable);
  }
  co_return acknowledged.size();
}

boost::asio::awaitable<void> Consumer::run() {
  // Cancellation ends the loop quietly; see Relay::run for why the catch wraps everything.
  try {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    bool failing = false;
    for (;;) {
      try {
        const auto acknowledged = co_await poll_once();
        if (acknowledged > 0 && options_.after_batch) co_await options_.after_batch();
        if (failing) log_consumer_recovered(options_);
        failing = false;
        if (options_.linger.count() > 0 && acknowledged < options_.batch_size) {
          timer.expires_after(options_.linger);
          co_await timer.async_wait(boost::asio::use_awaitable);
        }
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

// The outbox relay. Two ways a row reaches its stream (README.md in this folder has the full
// argument):
//
// The committed path, for rows this process commits: enqueue takes a place in the relay's order
// inside the transaction and hands the relay a copy of the row after the COMMIT; the relay
// XADDs the copies in place order (one pipelined round trip for all it was handed, after the
// marker check below) and marks the rows published by event id, several batches in one
// transaction while more keeps coming (RelayOptions::mark_linger). No read, no claim.
//
// The poll, for the rest (rows of another process, leftovers after a failure), in three steps,
// because a pool transaction cannot await Redis:
//   1. Claim (one short transaction): SELECT ... FOR UPDATE SKIP LOCKED the oldest unpublished
//      rows that nobody else holds a live lease on, and give them a lease (claimed_by = this
//      relay, claimed_until = now + lease). Concurrent relays skip each other's locked rows
//      while claiming and each other's leased rows afterwards. While the committed path is on,
//      only rows older than its grace.
//   2. XADD every claimed row (one pipelined round trip) to its stream, field "t" = the event's
//      type, field "e" = Envelope.
//   3. Mark the rows Redis accepted as published.
//
// Before each XADD round trip the relay checks each stream's marker key (relay-marker, beside
// the stream), in a round trip of its own: when Redis lost its data the marker is gone with the
// stream, and the rows of that stream published within the republish window are made
// unpublished again, so they go out once more, before the batch that found the loss (consumers
// deduplicate; only what the loss took takes effect; order matters to them: a refund is applied
// after its payment). Then the marker is set.
//
// A crash or error between XADD and the mark leaves rows unpublished: they are published again
// (by this relay's poll at once, by others when the lease or the grace ends). That duplicate is
// harmless: consumers deduplicate by event id. A row is never lost: it stays in MySQL until
// marked.
#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/events/relay.hpp>
#include <huicai/core/events/relay_wakeup.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/leased_claim.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <utility>

#include "events/sql_names.hpp"
#include "huicai/events/v1/envelope.pb.h"

namespace huicai::events {

namespace {

struct OutboxRow {
  std::int64_t id = 0;
  std::string stream;
  huicai::events::v1::Envelope envelope;
};

// Step 1, on a pool thread inside a transaction (the shared lease claim, mysql/leased_claim).
// With `committed_before`, only rows that occurred before it: younger ones are left to the
// committed path of the process that wrote them.
std::vector<OutboxRow> claim_rows(mysql::Session& session, const std::string& table,
                                  const std::string& producer, const std::string& relay_id,
                                  std::size_t batch_size, std::chrono::milliseconds lease,
                                  const std::optional<std::string>& committed_before) {
  mysql::LeasedClaim claim;
  claim.table = table;
  claim.columns =
      "event_id, stream, event_type, aggregate_id, payload, request_id,"
      " TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', occurred_at) AS occurred_us";
  claim.due = "published_at IS NULL";
  if (committed_before) {
    claim.due += " AND occurred_at < ?";
    claim.due_parameters.push_back(*committed_before);
  }
  claim.claimant = relay_id;
  claim.batch_size = batch_size;
  claim.lease = lease;
  std::vector<OutboxRow> rows;
  mysql::claim_with_lease(session, claim, [&](sql::ResultSet& result) {
    OutboxRow row;
    row.id = result.getInt64("id");
    row.stream = mysql::get_string(result, "stream");
    auto& envelope = row.envelope;
    envelope.set_event_id(mysql::get_string(result, "event_id"));
    envelope.set_type(mysql::get_string(result, "event_type"));
    envelope.set_occurred_at_us(result.getInt64("occurred_us"));
    envelope.set_producer(producer);
    envelope.set_aggregate_id(mysql::get_string(result, "aggregate_id"));
    envelope.set_payload(mysql::get_string(result, "payload"));
    envelope.set_request_id(mysql::get_string(result, "request_id"));
    rows.push_back(std::move(row));
  });
  return rows;
}

// Step 3, one short transaction (like the claim: the pool's connections stay in autocommit=0
// between transactions, an autocommit call would switch them). Only rows still unpublished: another
// relay may have published them after our lease ended, and its mark stays.
void mark_published(mysql::Session& session, const std::string& table,
                    const std::vector<std::int64_t>& ids) {
  session.execute_direct("UPDATE " + table +
                         " SET published_at = UTC_TIMESTAMP(6), claimed_by = NULL,"
                         " claimed_until = NULL WHERE id IN (" +
                         mysql::id_list(ids) + ") AND published_at IS NULL");
}

// The committed path's mark: by event id (the relay never read the row's id). Event ids are
// UUIDs made by new_uuid(); checked anyway, since they are spliced into the statement.
void mark_published_events(mysql::Session& session, const std::string& table,
                           const std::vector<std::string>& event_ids) {
  std::string list;
  for (const auto& id : event_ids) {
    if (id.empty() || id.find_first_not_of("0123456789abcdef-") != std::string::npos) {
      throw std::invalid_argument("not an event id: " + id);
    }
    list += (list.empty() ? "'" : ",'") + id + "'";
  }
  session.execute_direct("UPDATE " + table +
                         " SET published_at = UTC_TIMESTAMP(6) WHERE event_id IN (" + list +
                         ") AND published_at IS NULL");
}

OutboxRow row_of(CommittedEvent event, const std::string& producer) {
  OutboxRow row;
  row.stream = std::move(event.stream);
  auto& envelope = row.envelope;
  envelope.set_event_id(std::move(event.event_id));
  envelope.set_type(std::move(event.type));
  envelope.set_occurred_at_us(event.occurred_at_us);
  envelope.set_producer(producer);
  envelope.set_aggregate_id(std::move(event.aggregate_id));
  envelope.set_payload(std::move(event.payload));
  envelope.set_request_id(std::move(event.request_id));
  return row;
}

std::vector<std::string> distinct_streams(const std::vector<OutboxRow>& rows) {
  std::vector<std::string> streams;
  for (const auto& row : rows) {
    if (std::find(streams.begin(), streams.end(), row.stream) == streams.end()) {
      streams.push_back(row.stream);
    }
  }
  return streams;
}

// Helpers kept out of coroutine bodies: GCC 12 miscompiles braced initializer lists there.
std::vector<std::string> xadd_command(const OutboxRow& row) {
  // No MAXLEN: the stream is the history that replays and rebuilds read.
  // "t" lets a consumer skip the types it does not apply without parsing the envelope.
  return {"XADD", stream_key(row.stream),          "*", "t", row.envelope.type(),
          "e",    row.envelope.SerializeAsString()};
}

// Beside the stream, in its hash slot.
std::string marker_key(const std::string& stream) {
  return stream_key(stream) + ":relay-marker";
}

std::vector<std::vector<std::string>> marker_checks(const std::vector<std::string>& streams) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(streams.size());
  for (const auto& stream : streams) commands.push_back({"SET", marker_key(stream), "1", "NX"});
  return commands;
}

// The streams whose marker the SET NX commands (one reply per stream) found gone. SET NX answers
// OK only to the one relay that found the marker gone (several relays of a producer run at
// once: only one of them republishes), nil when it was there.
std::vector<std::string> lost_streams(
    const std::vector<std::string>& streams,
    const std::vector<boost::system::result<redis::Reply>>& replies) {
  std::vector<std::string> lost;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (!replies[i] || replies[i]->is_error()) {
      throw ServiceUnavailable("redis", "SET NX relay marker failed");
    }
    if (!replies[i]->is_nil()) lost.push_back(streams[i]);
  }
  return lost;
}

// What Redis did with a batch of rows.
struct Sent {
  std::vector<std::size_t> accepted;  // rows Redis took, by index
  std::string failure;                // why the first refused one was
};

// Every row XADDed in one pipelined round trip, in the batch's order.
boost::asio::awaitable<Sent> send_rows(redis::Client& redis, const std::vector<OutboxRow>& rows) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(rows.size());
  for (const auto& row : rows) commands.push_back(xadd_command(row));
  auto replies = co_await redis.pipeline(std::move(commands));
  Sent sent;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& reply = replies[i];
    if (reply && reply->type == redis::Reply::Type::string) {
      sent.accepted.push_back(i);
    } else if (sent.failure.empty()) {
      sent.failure = reply ? reply->text : reply.error().message();
    }
  }
  co_return sent;
}

// Rows of `streams` published within the window become unpublished (and unclaimed) again.
// Only rows published before `checked_at` (when this relay found the marker gone): another relay
// that saw the marker this relay just set publishes its own rows meanwhile, and those must not go
// out twice.
std::size_t unpublish_window(mysql::Session& session, const std::string& table,
                             const std::vector<std::string>& streams, std::chrono::seconds window,
                             const std::string& checked_at) {
  std::string list;
  for (const auto& stream : streams) {
    checked_table_name(stream, "stream");  // [a-z0-9_] only: safe to quote
    list += (list.empty() ? "'" : ",'") + stream + "'";
  }
  std::unique_ptr<sql::Statement> statement(session.native().createStatement());
  return static_cast<std::size_t>(statement->executeUpdate(
      "UPDATE " + table +
      " SET published_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE stream IN (" + list +
      ") AND published_at >= UTC_TIMESTAMP(6) - INTERVAL " + std::to_string(window.count()) +
      " SECOND AND published_at < '" + checked_at + "'"));
}

void log_republished(const std::string& producer, std::size_t rows) {
  log::warn("outbox relay: Redis lost its streams, publishing the window again",
            {{"producer", producer}, {"rows", std::to_string(rows)}});
}

void log_released(const std::string& producer, std::size_t rows) {
  log::info("outbox relay: took over the rows of a relay that died on this host",
            {{"producer", producer}, {"rows", std::to_string(rows)}});
}

void count(metrics::Registry* metrics, const std::string& name, const std::string& producer,
           double by = 1) {
  if (metrics) metrics->increment(name, {{"producer", producer}}, by);
}

void log_relay_failure(const std::string& producer, const std::string& reason) {
  log::warn("outbox relay cannot publish, retrying", {{"producer", producer}, {"reason", reason}});
}

void log_relay_recovered(const std::string& producer) {
  log::info("outbox relay publishing again", {{"producer", producer}});
}

}  // namespace

Relay::Relay(mysql::Pool& pool, redis::Client& redis, RelayOptions options,
             metrics::Registry* metrics)
    : pool_(pool),
      redis_(redis),
      options_(std::move(options)),
      metrics_(metrics),
      relay_id_(mysql::make_claimant_id(options_.producer)) {
  checked_table_name(options_.outbox_table, "outbox table");
  if (metrics_) {
    metrics_->describe("huicai_outbox_published_total", "Outbox events published to Redis",
                       "counter");
    metrics_->describe("huicai_outbox_relay_errors_total",
                       "Outbox relay batches that failed (MySQL or Redis unavailable)", "counter");
    metrics_->describe("huicai_outbox_marks_total",
                       "Transactions that marked rows the committed path published (several "
                       "batches each under load)",
                       "counter");
    metrics_->describe("huicai_outbox_relay_committed_path",
                       "1 while the relay publishes this process's commits at once, 0 while it "
                       "catches up by polls (after a start or a failure)",
                       "gauge");
  }
}

boost::asio::awaitable<std::size_t> Relay::publish_batch() {
  co_return co_await claim_and_publish(std::nullopt);
}

boost::asio::awaitable<std::size_t> Relay::claim_and_publish(
    std::optional<std::string> committed_before) {
  const auto table = options_.outbox_table;
  const auto producer = options_.producer;
  const auto relay_id = relay_id_;
  const auto batch_size = options_.batch_size;
  const auto lease = options_.claim_lease;
  // Named, not a temporary inside co_await: GCC 12 destroys closure temporaries in a co_await
  // expression twice.
  auto claim = [table, producer, relay_id, batch_size, lease,
                committed_before](mysql::Session& session) {
    return claim_rows(session, table, producer, relay_id, batch_size, lease, committed_before);
  };
  if (!released_dead_leases_) {
    // A relay of this producer killed on this host (the process this one replaces) leaves its
    // claimed rows leased: publish them now rather than after claim_lease (ADR 0025).
    auto release = [table, producer](mysql::Session& session) {
      return mysql::release_leases_of_dead_processes(session, table, producer);
    };
    const auto released = co_await pool_.transaction(release, mysql::Isolation::read_committed);
    if (released > 0) log_released(producer, released);
    released_dead_leases_ = true;
  }
  // READ COMMITTED: at REPEATABLE READ the locking scan of the unpublished rows takes gap locks
  // up to the end of the index, and every order's outbox INSERT would wait for the claim.
  std::vector<OutboxRow> rows = co_await pool_.transaction(claim, mysql::Isolation::read_committed);
  if (rows.empty()) co_return 0;
  // Before the XADDs, in a round trip of their own: when Redis lost a stream, its window must
  // go out again before this batch (consumers apply a fulfilment's events in stream order), so
  // the rows are claimed again, now with the window, in id order.
  auto streams = distinct_streams(rows);
  if (!co_await streams_intact(std::move(streams))) {
    rows = co_await pool_.transaction(claim, mysql::Isolation::read_committed);
    if (rows.empty()) co_return 0;
  }
  auto sent = co_await send_rows(redis_, rows);
  std::vector<std::int64_t> published;
  for (auto index : sent.accepted) published.push_back(rows[index].id);
  if (!published.empty()) {
    auto mark = [table, published](mysql::Session& session) {
      mark_published(session, table, published);
    };
    co_await pool_.transaction(mark, mysql::Isolation::read_committed);
  }
  // The rows Redis refused keep their lease and come first in our next batch.
  co_return finish(sent.accepted.size(), rows.size(), sent.failure);
}

boost::asio::awaitable<std::optional<std::size_t>> Relay::publish_committed(
    std::vector<CommittedEvent> events) {
  std::vector<OutboxRow> rows;
  rows.reserve(events.size());
  for (auto& event : events) rows.push_back(row_of(std::move(event), options_.producer));
  // A lost stream's window goes out again first, by the poll in id order: not this batch.
  auto streams = distinct_streams(rows);
  if (!co_await streams_intact(std::move(streams))) co_return std::nullopt;
  auto sent = co_await send_rows(redis_, rows);
  if (unmarked_.empty() && !sent.accepted.empty()) {
    unmarked_since_ = std::chrono::steady_clock::now();
  }
  for (auto index : sent.accepted) unmarked_.push_back(rows[index].envelope.event_id());
  co_return finish(sent.accepted.size(), rows.size(), sent.failure);
}

boost::asio::awaitable<void> Relay::mark_committed() {
  auto published = std::exchange(unmarked_, {});
  const auto table = options_.outbox_table;
  auto mark = [table, published = std::move(published)](mysql::Session& session) {
    mark_published_events(session, table, published);
  };
  // READ COMMITTED like the transactions that write most outbox rows (orders, payment
  // callbacks): a pool connection then switches no isolation level for it.
  co_await pool_.transaction(mark, mysql::Isolation::read_committed);
  count(metrics_, "huicai_outbox_marks_total", options_.producer);
}

bool Relay::marks_due(bool took_events, bool polling) const {
  if (unmarked_.empty()) return false;
  return !took_events || polling || unmarked_.size() >= options_.batch_size ||
         std::chrono::steady_clock::now() - unmarked_since_ >= options_.mark_linger;
}

std::size_t Relay::finish(std::size_t accepted, std::size_t rows, const std::string& failure) {
  if (accepted > 0) {
    count(metrics_, "huicai_outbox_published_total", options_.producer,
          static_cast<double>(accepted));
  }
  if (accepted < rows) {
    throw ServiceUnavailable(
        "redis", "XADD failed for " + std::to_string(rows - accepted) + " outbox rows: " + failure);
  }
  return accepted;
}

boost::asio::awaitable<bool> Relay::streams_intact(std::vector<std::string> streams) {
  const auto lost_rows = co_await republish_lost_streams(std::move(streams));
  co_return !lost_rows.has_value();
}

void Relay::remember_streams(const std::vector<std::string>& streams) {
  for (const auto& stream : streams) {
    if (std::find(streams_.begin(), streams_.end(), stream) == streams_.end()) {
      streams_.push_back(stream);
    }
  }
}

boost::asio::awaitable<std::optional<std::size_t>> Relay::republish_lost_streams(
    std::vector<std::string> streams) {
  remember_streams(streams);
  const auto checked_at = utc_datetime(std::chrono::system_clock::now());
  // Named, not temporaries inside co_await (docs/gcc12-coroutine-temporaries.md).
  auto checks = marker_checks(streams);
  auto replies = co_await redis_.pipeline(std::move(checks));
  auto lost = lost_streams(streams, replies);
  if (lost.empty()) co_return std::nullopt;
  // Rows the committed path sent but has not marked yet may have gone with the stream: they stay
  // unpublished (not marked after this check, which would hide them from the poll that now
  // sends the window again). A row of a stream that was not lost goes out twice: dropped as a
  // repeat.
  unmarked_.clear();
  // The marker is set already: a crash or a failed UPDATE here loses this republish (the
  // window stays published); accepted for a race-free check between concurrent relays.
  const auto table = options_.outbox_table;
  const auto window = options_.republish_window;
  auto unpublish = [table, lost, window, checked_at](mysql::Session& session) {
    return unpublish_window(session, table, lost, window, checked_at);
  };
  const auto rows = co_await pool_.transaction(unpublish, mysql::Isolation::read_committed);
  if (rows > 0) log_republished(options_.producer, rows);
  co_return rows;
}

boost::asio::awaitable<void> Relay::run() {
  // Cancellation (the app stopping its background tasks) ends the loop quietly. With Asio's
  // default throw_if_cancelled every co_await after a cancellation throws operation_aborted,
  // wherever the loop is: hence one catch around all of it.
  try {
    const auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    // Woken when a transaction of this process commits a row to the outbox, and handed a copy
    // of the row (relay_wakeup.hpp): the committed path publishes it at once, without reading
    // or claiming it. The poll stays for rows other processes commit and for leftovers.
    auto wakeup = std::make_shared<RelayWakeup>(executor);
    const auto watching = watch_outbox(options_.outbox_table, wakeup);
    using Clock = std::chrono::steady_clock;
    auto next_stream_check = Clock::now() + options_.stream_check_interval;
    auto next_poll = Clock::now();
    // Off at the start and after any failure, until a poll of every unpublished row (young ones
    // included, in id order) comes back empty: what an earlier run or a failed batch left must
    // go out before anything committed later, so events of one aggregate keep their order.
    // Meanwhile the copies handed over are dropped; their rows are in the outbox.
    bool committed_path = false;
    bool failing = false;
    const auto show_committed_path = [this](bool on) {
      if (metrics_) {
        metrics_->set_gauge("huicai_outbox_relay_committed_path", {{"producer", options_.producer}},
                            on ? 1 : 0);
      }
    };
    show_committed_path(false);
    for (;;) {
      std::chrono::milliseconds wait{0};
      bool idle = false;
      try {
        // While idle too: a loss with no new events would otherwise wait for the next one.
        if (!streams_.empty() && Clock::now() >= next_stream_check) {
          next_stream_check = Clock::now() + options_.stream_check_interval;
          co_await republish_lost_streams(streams_);
        }
        auto committed = wakeup->take_committed();
        // Copies the wakeup could not keep: their rows must go out before anything later.
        if (committed.dropped) committed_path = false;
        const bool took_events = committed_path && !committed.events.empty();
        if (took_events) {
          const auto published = co_await publish_committed(std::move(committed.events));
          if (!published) committed_path = false;  // a stream was lost: the poll goes first
        }
        const bool polling = !committed_path || Clock::now() >= next_poll;
        // Marked before a poll: it would take them for unpublished rows.
        if (marks_due(took_events, polling)) co_await mark_committed();
        bool more = false;
        if (polling) {
          std::optional<std::string> committed_before;
          if (committed_path) {
            // Rows younger than the grace belong to the committed path of whoever wrote them.
            committed_before = utc_datetime(business_clock::now() - options_.committed_grace);
          }
          const auto published = co_await claim_and_publish(committed_before);
          // A full batch means more may be waiting; while recovering, poll until empty.
          more = published >= options_.batch_size || (!committed_path && published > 0);
          if (!committed_path && published == 0) committed_path = true;
          if (!more) next_poll = Clock::now() + options_.idle_poll;
        }
        if (failing) log_relay_recovered(options_.producer);
        failing = false;
        if (!more) {
          // Unmarked rows are marked when the wait ends with nothing new, at the latest after
          // mark_linger.
          const auto until = unmarked_.empty()
                                 ? next_poll
                                 : std::min(next_poll, unmarked_since_ + options_.mark_linger);
          wait =
              std::max(std::chrono::milliseconds{0},
                       std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
          idle = true;
        }
      } catch (const boost::system::system_error& error) {
        if (error.code() == boost::asio::error::operation_aborted) throw;
        if (!failing) log_relay_failure(options_.producer, error.what());
        failing = true;
        committed_path = false;
        wait = options_.error_backoff;
        count(metrics_, "huicai_outbox_relay_errors_total", options_.producer);
      } catch (const std::exception& error) {
        // ServiceUnavailable (MySQL or Redis down) and anything else: the rows stay in the
        // outbox, nothing is lost; try again after a pause.
        if (!failing) log_relay_failure(options_.producer, error.what());
        failing = true;
        committed_path = false;
        wait = options_.error_backoff;
        count(metrics_, "huicai_outbox_relay_errors_total", options_.producer);
      }
      show_committed_path(committed_path);
      if (idle) {
        co_await wakeup->wait(wait);
      } else if (wait.count() > 0) {
        timer.expires_after(wait);
        co_await timer.async_wait(boost::asio::use_awaitable);
      }
    }
  } catch (const boost::system::system_error& error) {
    if (error.code() != boost::asio::error::operation_aborted) throw;
  }
  // Stopping: what was published is marked before the process ends (the app waits for its
  // background loops), or a relay would send it again after the restart.
  if (unmarked_.empty()) co_return;
  co_await boost::asio::this_coro::reset_cancellation_state();
  try {
    co_await mark_committed();
  } catch (const std::exception& error) {
    log_relay_failure(options_.producer,
                      error.what());  // the rows go out again: dropped as repeats
  }
}

}  // namespace huicai::events

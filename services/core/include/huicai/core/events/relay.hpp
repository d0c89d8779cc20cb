#pragma once
// Publishes outbox rows to Redis Streams (XADD with the event's type in field "t" and the
// serialized Envelope in field "e") and marks them published. Several relays may run: rows are
// claimed with SELECT ... FOR UPDATE SKIP LOCKED plus a lease (claimed_by / claimed_until), because
// the claim transaction cannot stay open across the XADD. A crash between XADD and the mark can
// publish a row twice; consumers deduplicate by event id, so every effect happens once. Details and
// the table shape: services/core/src/events/README.md.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <huicai/core/events/relay_wakeup.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Pool;
}
namespace huicai::redis {
class Client;
}
namespace huicai::metrics {
class Registry;
}

namespace huicai::events {

struct RelayOptions {
  std::string outbox_table;  // e.g. "ordering_outbox"
  std::string producer;      // e.g. "ordering"
  std::size_t batch_size = 200;
  // When empty. Commits of this process wake the relay at once (relay_wakeup.hpp); the poll is
  // only for rows committed by processes that do not publish them themselves (a tool, an
  // instance that died after its commit), so it can be slow: each poll is a claim transaction,
  // and every service runs a relay.
  std::chrono::milliseconds idle_poll{250};
  std::chrono::milliseconds error_backoff{500};
  // The relay publishes the rows this process commits from the copies enqueue hands it (the
  // committed path) and polls for the others. The poll leaves rows younger than this to the
  // committed path of the process that wrote them; older ones (a process that died before
  // publishing, a tool without a relay) it claims. A committed path slower than this only
  // publishes a row twice, which consumers drop by event id.
  std::chrono::milliseconds committed_grace{2'000};
  // The committed path marks what it published in one transaction for several batches while
  // more keeps coming: at the latest this long after the first unmarked one, at once when a
  // wakeup brings nothing new, before a poll and at batch_size unmarked rows (0 = a mark
  // transaction, and its commit, after every batch). Well under committed_grace: a poll would
  // otherwise take the unmarked rows for unpublished and send them again.
  std::chrono::milliseconds mark_linger{50};
  // How long a claimed row belongs to this relay. After that another relay may publish it. A
  // batch (claim, XADD, mark) normally takes milliseconds and Redis's command timeout bounds the
  // XADD: keep the lease well above that timeout; a batch slower than its lease only publishes
  // rows twice, which consumers drop by event id. A crashed relay's rows wait this long for a
  // relay of another host; a relay restarted on the same host takes them at once (it releases
  // the leases of dead processes there when it starts: ADR 0025).
  std::chrono::milliseconds claim_lease{10'000};
  // Redis losing its data (a flush, a restore from an old snapshot, a fresh replica promoted)
  // takes the streams with it, and with them events published but not yet consumed. The relay
  // keeps a marker key beside each stream it publishes to; when the marker is gone, it publishes
  // again every row of that stream published within this window (consumers deduplicate by event
  // id, so only what was lost takes effect). Checked before each XADD and, while idle, every
  // stream_check_interval. docs/adr/0020-republish-after-redis-data-loss.md.
  std::chrono::seconds republish_window{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds stream_check_interval{2'000};
};

class Relay {
 public:
  Relay(mysql::Pool& pool, redis::Client& redis, RelayOptions options,
        metrics::Registry* metrics = nullptr);
  // Publishes one batch; returns how many rows were published (0 when empty). Throws
  // ServiceUnavailable when MySQL or Redis cannot serve (rows stay unpublished).
  boost::asio::awaitable<std::size_t> publish_batch();
  // Loops until cancelled (the app cancels background tasks on shutdown).
  boost::asio::awaitable<void> run();
  // Republishes the window of every stream in `streams` whose marker is missing, then sets the
  // markers; returns how many rows were made unpublished again, nothing when no marker was
  // missing. Throws ServiceUnavailable.
  boost::asio::awaitable<std::optional<std::size_t>> republish_lost_streams(
      std::vector<std::string> streams);

 private:
  // Claims and publishes one batch of unpublished rows; with `committed_before` (UTC
  // DATETIME(6) text), only rows that occurred before it.
  boost::asio::awaitable<std::size_t> claim_and_publish(
      std::optional<std::string> committed_before);
  // The committed path: publishes events this process committed, from their copies, without
  // reading or claiming their rows, and leaves them to mark_committed (unmarked_); nothing when
  // a stream was lost (its window is unpublished again and the poll must go first).
  boost::asio::awaitable<std::optional<std::size_t>> publish_committed(
      std::vector<CommittedEvent> events);
  // Marks every row in unmarked_ published, in one transaction. When it fails the rows stay
  // unpublished in the outbox, and a poll sends them again (consumers drop the repeat).
  boost::asio::awaitable<void> mark_committed();
  // Whether the unmarked rows are marked now (mark_linger): `took_events` says whether this round
  // of the loop published anything on the committed path, `polling` whether a poll follows.
  bool marks_due(bool took_events, bool polling) const;
  // False when Redis lost one of `streams` (its window is then unpublished again).
  boost::asio::awaitable<bool> streams_intact(std::vector<std::string> streams);
  // After a batch went to Redis: counts it, and throws ServiceUnavailable when Redis refused
  // some of the `rows`.
  std::size_t finish(std::size_t accepted, std::size_t rows, const std::string& failure);
  void remember_streams(const std::vector<std::string>& streams);

  mysql::Pool& pool_;
  redis::Client& redis_;
  RelayOptions options_;
  metrics::Registry* metrics_;
  std::string relay_id_;               // claimed_by value of this relay
  std::vector<std::string> streams_;   // streams this relay has published to (marker checks)
  bool released_dead_leases_ = false;  // done once, by the first batch that reaches MariaDB
  // Event ids the committed path published and has not marked yet, and since when.
  std::vector<std::string> unmarked_;
  std::chrono::steady_clock::time_point unmarked_since_;
};

}  // namespace huicai::events

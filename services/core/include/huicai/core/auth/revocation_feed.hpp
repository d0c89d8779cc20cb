#pragma once
// Copies the revocation record in MySQL into this process's RevocationList, so every instance
// refuses a logged-out token within one poll interval, with or without Redis.
//
// The record is identity's table, read through the view identity publishes for this purpose
// (identity_revocation_feed, db/migrations/0107_identity_revocation_feed.sql). Rows are read by
// increasing id. AUTO_INCREMENT ids are handed out at insert and become visible at commit, so a
// row with a smaller id can appear after a larger one: the cursor remembers the ids it skipped
// ("gaps") and keeps reading from the oldest gap until it shows up or is old enough to be a
// rolled-back insert that never will.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>

namespace huicai::mysql {
class Pool;
}

namespace huicai::auth {

class RevocationList;

// Which ids to read next. Pure bookkeeping, unit-tested without a database.
class RevocationFeedCursor {
 public:
  explicit RevocationFeedCursor(std::chrono::milliseconds gap_patience)
      : gap_patience_ms_(gap_patience.count()) {}

  // After the initial load of every unexpired row: read again from `margin` ids below the
  // highest id seen then, so inserts that were still in flight during the load are not missed.
  void start_below(std::uint64_t highest_id, std::uint64_t margin);
  // Rows with a larger id than this are the ones to read.
  std::uint64_t read_after() const;
  // `ids`: the ids one read returned, ascending. Skipped ids become gaps; gaps older than the
  // patience are given up.
  void record(std::span<const std::uint64_t> ids, std::int64_t now_ms);
  std::size_t open_gaps() const { return gaps_.size(); }

 private:
  std::int64_t gap_patience_ms_;
  std::uint64_t read_after_ = 0;                // everything up to here was seen or is a gap
  std::map<std::uint64_t, std::int64_t> gaps_;  // missing id -> when it was first missed
};

struct RevocationFeedOptions {
  std::chrono::milliseconds poll_interval{250};
  // How long a skipped id may still turn up: longer than any transaction that inserts one.
  std::chrono::milliseconds gap_patience{120'000};
  std::uint64_t start_margin = 1'000;
  std::size_t batch_size = 2'000;
};

class RevocationFeed {
 public:
  RevocationFeed(mysql::Pool& pool, RevocationList& list, RevocationFeedOptions options);

  // One poll (the first one loads every unexpired revocation). Marks the list synced on
  // success; throws ServiceUnavailable when MySQL cannot be read. Safe to call concurrently.
  boost::asio::awaitable<void> sync();
  // Polls every poll_interval until cancelled. A failed poll is logged and retried at the next
  // interval; meanwhile verify() fails closed once the list is older than allowed.
  boost::asio::awaitable<void> run();

 private:
  mysql::Pool& pool_;
  RevocationList& list_;
  RevocationFeedOptions options_;
  std::mutex cursor_mutex_;  // guards cursor_ and loaded_; never held across a co_await
  RevocationFeedCursor cursor_;
  bool loaded_ = false;
};

}  // namespace huicai::auth

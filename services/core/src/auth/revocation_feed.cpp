#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/auth/revocation_feed.hpp>
#include <huicai/core/auth/revocation_list.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <vector>

namespace huicai::auth {

namespace {

// A jump in ids larger than this (an auto-increment reset, Galera's interleaved offsets across
// a long idle time) is not tracked id by id: only the ids just below the new row are.
constexpr std::uint64_t kMostGapsPerJump = 10'000;

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct FeedRow {
  std::uint64_t id = 0;
  Revocation revocation;
};

FeedRow read_row(sql::ResultSet& rows) {
  FeedRow row;
  row.id = rows.getUInt64("id");
  row.revocation.account_id = rows.getUInt64("account_id");
  row.revocation.token_id = mysql::get_optional_string(rows, "token_id");
  row.revocation.issued_up_to_ms = mysql::get_optional_int64(rows, "issued_up_to_ms");
  row.revocation.expires_at_ms = rows.getInt64("expires_at_ms");
  return row;
}

// Every revocation that still covers a valid token, and the highest id at that moment.
std::vector<FeedRow> load_unexpired(mysql::Session& session, std::uint64_t& highest_id) {
  auto& highest =
      session.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM identity_revocation_feed");
  auto highest_row = mysql::query(highest);
  highest_id = highest_row->next() ? highest_row->getUInt64("id") : 0;
  auto& select = session.prepare(
      "SELECT id, account_id, token_id, issued_up_to_ms, expires_at_ms "
      "FROM identity_revocation_feed WHERE expires_at > UTC_TIMESTAMP(6)");
  auto rows = mysql::query(select);
  std::vector<FeedRow> loaded;
  while (rows->next()) loaded.push_back(read_row(*rows));
  return loaded;
}

std::vector<FeedRow> read_after(mysql::Session& session, std::uint64_t after, std::size_t limit) {
  auto& select = session.prepare(
      "SELECT id, account_id, token_id, issued_up_to_ms, expires_at_ms "
      "FROM identity_revocation_feed WHERE id > ? ORDER BY id LIMIT ?");
  mysql::bind(select, after, static_cast<std::int64_t>(limit));
  auto rows = mysql::query(select);
  std::vector<FeedRow> batch;
  while (rows->next()) batch.push_back(read_row(*rows));
  return batch;
}

}  // namespace

void RevocationFeedCursor::start_below(std::uint64_t highest_id, std::uint64_t margin) {
  read_after_ = highest_id > margin ? highest_id - margin : 0;
  gaps_.clear();
}

std::uint64_t RevocationFeedCursor::read_after() const {
  if (gaps_.empty()) return read_after_;
  return std::min(read_after_, gaps_.begin()->first - 1);
}

void RevocationFeedCursor::record(std::span<const std::uint64_t> ids, std::int64_t now_ms) {
  for (std::uint64_t id : ids) {
    if (id <= read_after_) {
      gaps_.erase(id);  // a gap that showed up, or a row read again while waiting for one
      continue;
    }
    const std::uint64_t first_missing =
        std::max(read_after_ + 1, id > kMostGapsPerJump ? id - kMostGapsPerJump : 0);
    for (std::uint64_t missing = first_missing; missing < id; ++missing) {
      gaps_.emplace(missing, now_ms);
    }
    read_after_ = id;
  }
  std::erase_if(
      gaps_, [this, now_ms](const auto& gap) { return now_ms - gap.second >= gap_patience_ms_; });
}

RevocationFeed::RevocationFeed(mysql::Pool& pool, RevocationList& list,
                               RevocationFeedOptions options)
    : pool_(pool), list_(list), options_(options), cursor_(options.gap_patience) {
  list_.require_sync();
}

boost::asio::awaitable<void> RevocationFeed::sync() {
  const auto started = std::chrono::steady_clock::now();
  bool load_first = false;
  std::uint64_t after = 0;
  {
    std::lock_guard lock(cursor_mutex_);
    load_first = !loaded_;
    after = cursor_.read_after();
  }
  if (load_first) {
    std::uint64_t highest_id = 0;
    auto load = [&highest_id](mysql::Session& session) {
      return load_unexpired(session, highest_id);
    };
    std::vector<FeedRow> loaded = co_await pool_.run(load);
    for (const FeedRow& row : loaded) list_.apply(row.revocation);
    std::lock_guard lock(cursor_mutex_);
    if (!loaded_) {
      cursor_.start_below(highest_id, options_.start_margin);
      loaded_ = true;
    }
    after = cursor_.read_after();
  }
  for (;;) {
    const std::size_t limit = options_.batch_size;
    auto read = [after, limit](mysql::Session& session) {
      return read_after(session, after, limit);
    };
    std::vector<FeedRow> batch = co_await pool_.run(read);
    std::vector<std::uint64_t> ids;
    ids.reserve(batch.size());
    for (const FeedRow& row : batch) {
      list_.apply(row.revocation);
      ids.push_back(row.id);
    }
    {
      std::lock_guard lock(cursor_mutex_);
      cursor_.record(ids, wall_clock_ms());
    }
    if (batch.size() < limit) break;
    after = ids.back();  // continue past this batch, not from the oldest gap again
  }
  list_.prune(wall_clock_ms());
  list_.mark_synced(started);
}

boost::asio::awaitable<void> RevocationFeed::run() {
  auto executor = co_await boost::asio::this_coro::executor;
  bool failing = false;
  for (;;) {
    try {
      co_await sync();
      if (failing) log::info("revocation feed reading again");
      failing = false;
    } catch (const ServiceUnavailable& unavailable) {
      // MySQL down: keep polling; verify() fails closed once the list is too old.
      if (!failing) log::warn("revocation feed cannot read MySQL", {{"error", unavailable.what()}});
      failing = true;
    }
    boost::asio::steady_timer timer(executor, options_.poll_interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace huicai::auth

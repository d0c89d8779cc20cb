// The in-memory revocation list and the cursor that feeds it from MySQL by increasing id.
#include <catch2/catch.hpp>
#include <huicai/core/auth/revocation_feed.hpp>
#include <huicai/core/auth/revocation_list.hpp>
#include <vector>

using namespace huicai::auth;

namespace {

Revocation token_revocation(std::uint64_t account, std::string token_id, std::int64_t expires) {
  Revocation revocation;
  revocation.account_id = account;
  revocation.token_id = std::move(token_id);
  revocation.expires_at_ms = expires;
  return revocation;
}

Revocation account_revocation(std::uint64_t account, std::int64_t up_to, std::int64_t expires) {
  Revocation revocation;
  revocation.account_id = account;
  revocation.issued_up_to_ms = up_to;
  revocation.expires_at_ms = expires;
  return revocation;
}

std::vector<std::uint64_t> ids(std::initializer_list<std::uint64_t> values) {
  return values;
}

}  // namespace

TEST_CASE("a revoked token id is refused until its revocation expires", "[revocations]") {
  RevocationList list;
  list.apply(token_revocation(7, "7.abc", 5'000));
  CHECK(list.is_revoked(7, "7.abc", 1'000));
  CHECK_FALSE(list.is_revoked(7, "7.other", 1'000));
  list.prune(4'999);
  CHECK(list.is_revoked(7, "7.abc", 1'000));
  list.prune(5'000);
  CHECK_FALSE(list.is_revoked(7, "7.abc", 1'000));
  CHECK(list.size() == 0);
}

TEST_CASE("an account mark covers tokens issued up to it and keeps the latest mark",
          "[revocations]") {
  RevocationList list;
  list.apply(account_revocation(7, 2'000, 10'000));
  CHECK(list.is_revoked(7, "7.a", 2'000));
  CHECK_FALSE(list.is_revoked(7, "7.b", 2'001));
  CHECK_FALSE(list.is_revoked(8, "8.a", 1'000));

  // An older mark arriving late (the feed replays in id order) must not shorten the newer one.
  list.apply(account_revocation(7, 3'000, 11'000));
  list.apply(account_revocation(7, 1'000, 9'000));
  CHECK(list.is_revoked(7, "7.b", 2'500));
  list.prune(10'500);
  CHECK(list.is_revoked(7, "7.b", 2'500));
  list.prune(11'000);
  CHECK_FALSE(list.is_revoked(7, "7.b", 2'500));
}

TEST_CASE("a list is fresh without a feed, and with one only within the allowed age",
          "[revocations]") {
  using namespace std::chrono_literals;
  RevocationList list;
  const auto now = std::chrono::steady_clock::now();
  CHECK(list.fresh(now, 5s));
  list.require_sync();
  CHECK_FALSE(list.fresh(now, 5s));  // never synced
  list.mark_synced(now);
  CHECK(list.fresh(now + 5s, 5s));
  CHECK_FALSE(list.fresh(now + 5s + 1ms, 5s));
}

TEST_CASE("the feed cursor reads on from the highest id when nothing is missing", "[revocations]") {
  RevocationFeedCursor cursor(std::chrono::milliseconds(1'000));
  CHECK(cursor.read_after() == 0);
  cursor.record(ids({1, 2, 3}), 0);
  CHECK(cursor.read_after() == 3);
  cursor.record(ids({}), 10);
  CHECK(cursor.read_after() == 3);
}

TEST_CASE("the feed cursor keeps reading from a skipped id until it commits", "[revocations]") {
  RevocationFeedCursor cursor(std::chrono::milliseconds(1'000));
  cursor.record(ids({1, 2, 4, 5}), 0);  // 3 was handed out but not committed yet
  CHECK(cursor.open_gaps() == 1);
  CHECK(cursor.read_after() == 2);
  cursor.record(ids({4, 5, 6}), 100);  // read again from 3: still missing, 6 is new
  CHECK(cursor.read_after() == 2);
  cursor.record(ids({3, 4, 5, 6}), 200);  // it committed
  CHECK(cursor.open_gaps() == 0);
  CHECK(cursor.read_after() == 6);
}

TEST_CASE("the feed cursor gives a skipped id up after the patience", "[revocations]") {
  RevocationFeedCursor cursor(std::chrono::milliseconds(1'000));
  cursor.record(ids({1, 3}), 0);  // 2 rolled back: it never appears
  CHECK(cursor.read_after() == 1);
  cursor.record(ids({3}), 999);
  CHECK(cursor.read_after() == 1);
  cursor.record(ids({3}), 1'000);
  CHECK(cursor.open_gaps() == 0);
  CHECK(cursor.read_after() == 3);
}

TEST_CASE("after the initial load the cursor re-reads a margin below the highest id",
          "[revocations]") {
  RevocationFeedCursor cursor(std::chrono::milliseconds(1'000));
  cursor.start_below(5'000, 1'000);
  CHECK(cursor.read_after() == 4'000);
  cursor.start_below(10, 1'000);
  CHECK(cursor.read_after() == 0);
}

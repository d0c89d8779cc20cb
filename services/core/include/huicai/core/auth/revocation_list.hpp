#pragma once
// The revocations this process knows about, held in memory so verifying a token needs no I/O.
//
// A revocation covers either one access token (logout, refresh-token reuse) or every token of an
// account issued up to a moment (password change or reset, role revoked). It matters only until
// the tokens it covers expire, so entries carry that time and are pruned after it.
//
// Filled from two directions: this process applies its own revocations at once (a logout is
// refused on the very next request to the same instance), and the RevocationFeed copies every
// revocation recorded in MySQL (by any instance) within one poll interval. See
// docs/adr/0001-revocation-list.md for why this replaced a Redis lookup per request.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace huicai::auth {

struct Revocation {
  std::uint64_t account_id = 0;
  std::optional<std::string> token_id;          // one token, or
  std::optional<std::int64_t> issued_up_to_ms;  // every token of the account issued up to then
  std::int64_t expires_at_ms = 0;               // after this no token it covers is still valid
};

class RevocationList {
 public:
  // Idempotent; applying the same revocation twice, or two in any order, gives the same list
  // (an account keeps the latest of its marks).
  void apply(const Revocation& revocation);
  bool is_revoked(std::uint64_t account_id, std::string_view token_id,
                  std::int64_t issued_at_ms) const;
  // Drops entries whose tokens have all expired by now_ms.
  void prune(std::int64_t now_ms);
  std::size_t size() const;

  // Synced mode: set by a feed. Without one the list knows only the revocations applied here
  // (tools and unit tests); with one, verify() refuses to trust a list that is too old.
  void mark_synced(std::chrono::steady_clock::time_point at);
  bool requires_sync() const { return requires_sync_.load(std::memory_order_relaxed); }
  void require_sync() { requires_sync_.store(true, std::memory_order_relaxed); }
  // True when no sync is required or the last one happened within max_age of now.
  bool fresh(std::chrono::steady_clock::time_point now, std::chrono::milliseconds max_age) const;

 private:
  struct AccountMark {
    std::int64_t issued_up_to_ms = 0;
    std::int64_t expires_at_ms = 0;
  };
  // Lets the token map be searched with a string_view without building a std::string.
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::int64_t, TransparentHash, std::equal_to<>> tokens_;
  std::unordered_map<std::uint64_t, AccountMark> accounts_;
  std::atomic<bool> requires_sync_{false};
  std::atomic<std::chrono::steady_clock::rep> synced_at_{0};
  std::atomic<bool> ever_synced_{false};
};

}  // namespace huicai::auth

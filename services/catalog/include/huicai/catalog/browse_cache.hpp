#pragma once
// The cache in front of browse and product detail, shared by every server instance through
// Redis and kept per process for speed.
//
// Correctness rests on one Redis counter, the catalog version ("huicai:{catalog}:version"):
// every committed catalog write bumps it (after COMMIT), and every cached page is filed under
// the version that was current before its data was read from MySQL. A reader first learns the
// current version, then serves a page only if it was filed under that version. So a change
// committed and bumped before a read starts is visible to that read, on any instance.
//
// Learning the version costs no Redis round trip on most reads: the process holds it under a
// lease (VersionLease, ADR 0003). A version from a GET sent at t_send is used until
// t_send + L (HUICAI_CATALOG_VERSION_LEASE_MS), and changed() waits 1.1 L + 1 ms after its
// INCR before the write is answered. Why that is enough: Redis applies the INCR at W; the
// writer answers at or after W + L; a read starting after that answer may only use a version
// whose lease still runs, i.e. from a GET sent after W, which sees the bump. The same holds on
// every instance (the 10% + 1 ms margin covers steady clocks ticking at slightly different
// rates on different machines).
//
// The version key starts at a random value when missing: if Redis loses its data, new
// versions never collide with versions that per-process caches still hold.
//
// Redis down -> pages are read from MySQL (nothing cached, nothing served stale).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/app/context.hpp>
#include <huicai/core/version_lease.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace huicai::catalog {

struct CachedPage {
  std::string body;
  std::string etag;
};

struct BrowseCacheStats {
  std::uint64_t local_hits = 0;
  std::uint64_t redis_hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t bypassed = 0;       // Redis unavailable: served from MySQL
  std::uint64_t version_reads = 0;  // GETs of the version (far fewer than reads: the lease)
};

class BrowseCache {
 public:
  explicit BrowseCache(app::Context& context);

  // The page for `key`, from this process, Redis or `load` (MySQL), in that order. `load` may
  // return nullopt (e.g. not found, or not cacheable for this caller): nothing is stored and
  // the result is null. Pages are shared, never copied per request.
  boost::asio::awaitable<std::shared_ptr<const CachedPage>> get_or_load(
      const std::string& key,
      std::function<boost::asio::awaitable<std::optional<CachedPage>>()> load);

  // Call after every committed catalog write, before answering it: bumps the version, then
  // waits VersionLease::writer_wait(L) so that every read starting after the answer, on any
  // instance, sees the change. A failed bump is retried in the background and, until it
  // succeeds, this process serves from MySQL only.
  boost::asio::awaitable<void> changed();

  BrowseCacheStats stats() const;
  static std::string version_key();
  // The INCR behind changed() (the key starts at a random value when missing); false when
  // Redis did not take it. For writers without a BrowseCache (the demo loader), which then
  // wait VersionLease::writer_wait(L) themselves.
  static boost::asio::awaitable<bool> bump_version(redis::Client& redis);

 private:
  void start_bump_retry();
  std::shared_ptr<const CachedPage> local_find(const std::string& key, const std::string& version);
  void local_store(const std::string& key, const std::string& version,
                   std::shared_ptr<const CachedPage> page);

  app::Context& context_;
  const std::chrono::milliseconds lease_;
  std::shared_ptr<VersionLease> version_;

  struct LocalEntry {
    std::string version;
    std::shared_ptr<const CachedPage> page;
    std::chrono::steady_clock::time_point stored_at;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, LocalEntry> local_;
  bool bump_pending_ = false;
  BrowseCacheStats stats_;
};

}  // namespace huicai::catalog

namespace huicai::catalog {
// Builds a Redis command's words. GCC 12 rejects braced lists of strings inside coroutines
// ("array used as initializer"), so coroutines call this ordinary function instead.
template <class... Parts>
std::vector<std::string> redis_words(Parts&&... parts) {
  std::vector<std::string> words;
  words.reserve(sizeof...(parts));
  (words.emplace_back(std::forward<Parts>(parts)), ...);
  return words;
}
}  // namespace huicai::catalog

#pragma once
// This process's knowledge of the catalog version (kCatalogVersionKey in Redis), held under a
// lease so that most catalog reads need no Redis round trip (ADR 0003). Catalog's browse cache
// and ordering's pricing cache (services/ordering/src/pricing_cache.hpp) each hold one.
//
// The rule: a version returned by a GET that was SENT at steady time t_send may be used until
// t_send + L (L = HUICAI_CATALOG_VERSION_LEASE_MS). Every catalog write, after its INCR of the
// version succeeded, waits writer_wait(L) = 1.1 L + 1 ms before it answers its client.
//
// Why a change is visible to every read that starts after the write's response, on every
// instance: let W be the moment Redis applied the INCR. The writer answers at or after W + L.
// A reader that starts at R >= W + L may only use a version whose lease is still valid, i.e.
// one from a GET sent at t_send > R - L >= W; Redis answered that GET after W, so it includes
// the bump. (Each process measures L on its own steady clock; the extra 10% + 1 ms of the
// writer's wait covers clocks that tick at slightly different rates.) A reader waiting for a
// GET is also safe when that GET was sent after the reader arrived, whatever its age: that
// is the old per-request rule, and it guarantees every waiter an answer from at most the
// second GET after its arrival even when Redis answers slower than L.
//
// Readers: valid_version() is synchronous (no post, no strand, no Redis) while the lease
// holds; when less than half of it remains it starts one background GET (single flight) and
// still answers from the current value. Once the lease has expired, read_version() waits for
// a GET that is allowed to answer it; any number of waiters share one GET.
//
// Redis unreadable -> read_version() yields nullopt and the caller reads MySQL.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace huicai {

// The catalog's version in Redis: catalog INCRs it after every committed write and waits the
// lease out (ADR 0003). Catalog's browse cache and ordering's pricing cache both read it.
inline constexpr const char* kCatalogVersionKey = "huicai:{catalog}:version";

namespace redis {
class Client;
}
// A random first value for kCatalogVersionKey (so a version lost with Redis's data is not
// reused).
std::string catalog_version_start();
// One GET of kCatalogVersionKey, the VersionLease::ReadVersion of both caches. Missing (first
// start, or Redis lost its data): starts it at catalog_version_start() and yields nullopt (this
// read is not used); nullopt too when Redis cannot answer.
boost::asio::awaitable<std::optional<std::string>> read_catalog_version(redis::Client& redis);

class VersionLease : public std::enable_shared_from_this<VersionLease> {
 public:
  using Clock = std::chrono::steady_clock;
  // One GET of the version; nullopt when Redis cannot tell (down, or the key was missing).
  using ReadVersion = std::function<boost::asio::awaitable<std::optional<std::string>>()>;

  // Always held by a shared_ptr: a background GET keeps the lease alive until it returns.
  static std::shared_ptr<VersionLease> create(boost::asio::io_context& io,
                                              std::chrono::milliseconds lease, ReadVersion read);

  // The version while the lease holds (no I/O; may start a background refresh), else nullopt.
  std::optional<std::string> valid_version();
  // Waits for a GET that may answer a reader arriving now; nullopt when Redis cannot tell.
  boost::asio::awaitable<std::optional<std::string>> read_version();
  // After a write's INCR: forget the known version; GETs sent before now answer no later reader.
  void forget();

  // GETs sent so far.
  std::uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }

  // How long a writer waits after its INCR before answering (1.1 L + 1 ms).
  static std::chrono::microseconds writer_wait(std::chrono::milliseconds lease);

 private:
  VersionLease(boost::asio::io_context& io, std::chrono::milliseconds lease, ReadVersion read);

  struct Waiter {
    Clock::time_point arrived;
    std::function<void(std::optional<std::string>)> resume;
  };
  void enqueue(Waiter waiter);
  void spawn_read();
  boost::asio::awaitable<void> read_once();
  void settle(Clock::time_point sent, const std::optional<std::string>& version);

  boost::asio::io_context& io_;
  const Clock::duration lease_;
  const ReadVersion read_;
  std::atomic<std::uint64_t> reads_{0};

  std::mutex mutex_;  // guards everything below (stats are read from other threads)
  std::optional<std::string> version_;
  Clock::time_point valid_until_{};
  Clock::time_point forgotten_at_{};
  bool read_in_flight_ = false;
  std::vector<Waiter> waiters_;
};

}  // namespace huicai

#pragma once
// How long an Idempotency-Key is remembered (docs/adr/0032). Every money-moving POST leaves a key
// row with its stored response (about 2 KB for a placed order): without an end, the key tables
// grow by one row per order for ever and become the largest tables of the database. A key row
// is kept for HUICAI_IDEMPOTENCY_RETENTION_DAYS (30) after it was written; then a background
// pass deletes it, and a request with the same key is a new request. Keys still being worked on
// (a claim whose lease has not run out) are never deleted.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>

namespace huicai {
struct Config;
}
namespace huicai::mysql {
class Pool;
}

namespace huicai::http {

struct KeyRetention {
  std::string table;                              // shaped like ordering_idempotency_keys
  std::chrono::days keep{30};                     // 0 = keys are kept for ever
  std::chrono::milliseconds interval{3'600'000};  // between passes; 0 = no passes
  std::size_t batch = 1'000;                      // rows per DELETE (one transaction each)

  // The settings HUICAI_IDEMPOTENCY_RETENTION_DAYS and HUICAI_IDEMPOTENCY_SWEEP_INTERVAL_MS for
  // `table`.
  static KeyRetention from(const Config& config, std::string table);
  bool enabled() const { return keep.count() > 0 && interval.count() > 0; }
};

// One pass: deletes the keys written more than `keep` ago, oldest first, a batch per
// transaction, until a batch comes back short. Returns how many rows were deleted.
boost::asio::awaitable<std::size_t> forget_expired_keys(mysql::Pool& pool,
                                                        const KeyRetention& retention);

// The background loop: a pass, then `interval`, for ever. A failed pass (MySQL unavailable) is
// logged and the next one tries again.
boost::asio::awaitable<void> run_key_retention(mysql::Pool& pool, KeyRetention retention);

}  // namespace huicai::http

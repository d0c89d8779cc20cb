#pragma once
// What catalog_sku_pricing says of a SKU, kept in this process for the next orders (issue 11):
// an order prices its SKUs from here instead of running the pricing SELECT through the catalog
// views, which cost about 250 us of MariaDB CPU per 2-line order (two certificate subqueries
// and the campaign join per SKU, optimised on every execution).
//
// An entry is served only while all of these hold, so an order is charged what the SELECT
// would answer at that moment:
// - it was read under the catalog version the order holds, a version under its lease
//   (ADR 0003, huicai/core/version_lease.hpp): every catalog write moves the version and waits
//   the lease out before answering, so an order that starts after a catalog change was
//   answered prices under a later version and reads the row again;
// - the time-driven edges of the row have not come: the SKU's next campaign window start or
//   end (catalog_sku_price_edges, 0322) and the next day edge (certificates are valid by
//   CURRENT_DATE), both measured by MariaDB from the statement's time and turned into a
//   deadline on this process's steady clock from the moment before the SELECT was sent (so the
//   deadline is never later than the edge);
// - the demo clock's offset (ADR 0014) is the one it was read with;
// - it is younger than a minute (belt and braces, as the browse cache).
// Without a version (Redis cannot tell, or the lease is 0 and the GET failed) every order
// reads the view, as before.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <huicai/core/version_lease.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog_view.hpp"

namespace huicai::app {
class Context;
}
namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

class PricingCache {
 public:
  explicit PricingCache(app::Context& context);

  // The catalog version an order may price under: the leased one (no I/O), else one GET;
  // nullopt when Redis cannot tell.
  boost::asio::awaitable<std::optional<std::string>> version();

  // Every SKU of `sku_ids` catalog_sku_pricing has, by SKU id (missing ones left out,
  // stock_in_batches false): valid entries of `version`, the others read in one SELECT
  // (read_timed_skus) and stored under `version`. nullopt version: read, store nothing.
  std::map<std::int64_t, OrderableSku> price(mysql::Session& session,
                                             const std::optional<std::string>& version,
                                             const std::vector<std::int64_t>& sku_ids);

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
  };
  Stats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string version;
    std::chrono::microseconds clock_offset{0};
    Clock::time_point until;
    OrderableSku sku;
  };

  std::shared_ptr<VersionLease> lease_;
  mutable std::mutex mutex_;  // guards the members below
  std::unordered_map<std::int64_t, Entry> entries_;
  Stats stats_;
};

}  // namespace huicai::ordering

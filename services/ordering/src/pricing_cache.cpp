#include "pricing_cache.hpp"

#include <algorithm>
#include <huicai/core/app/context.hpp>
#include <huicai/core/business_clock.hpp>

namespace huicai::ordering {
namespace {

namespace asio = boost::asio;

// Even a valid entry is read again after this long.
constexpr auto kMaxAge = std::chrono::seconds(60);
// More SKUs than this cached: start over (a catalog has fewer than this many SKUs on sale).
constexpr std::size_t kMaxEntries = 200'000;

}  // namespace

PricingCache::PricingCache(app::Context& context)
    : lease_(VersionLease::create(
          context.io(), context.config().catalog_version_lease,
          [&redis = context.redis()]() { return read_catalog_version(redis); })) {}

asio::awaitable<std::optional<std::string>> PricingCache::version() {
  if (auto version = lease_->valid_version()) co_return version;
  co_return co_await lease_->read_version();
}

std::map<std::int64_t, OrderableSku> PricingCache::price(mysql::Session& session,
                                                         const std::optional<std::string>& version,
                                                         const std::vector<std::int64_t>& sku_ids) {
  std::map<std::int64_t, OrderableSku> skus;
  std::vector<std::int64_t> missing;
  const auto offset = business_clock::offset();
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (const auto sku_id : sku_ids) {
      auto found = version ? entries_.find(sku_id) : entries_.end();
      if (found != entries_.end() && found->second.version == *version &&
          found->second.clock_offset == offset && now < found->second.until) {
        skus.emplace(sku_id, found->second.sku);
        ++stats_.hits;
      } else {
        missing.push_back(sku_id);
        ++stats_.misses;
      }
    }
  }
  if (missing.empty()) return skus;
  const auto sent = Clock::now();  // before the SELECT: its edges are never later than this
  auto read = read_timed_skus(session, missing);
  std::lock_guard lock(mutex_);
  if (entries_.size() + read.size() > kMaxEntries) entries_.clear();
  for (auto& [sku_id, timed] : read) {
    if (version) {
      const auto valid_for = std::min<Clock::duration>(timed.valid_for, kMaxAge);
      entries_[sku_id] = Entry{*version, offset, sent + valid_for, timed.sku};
    }
    skus.emplace(sku_id, std::move(timed.sku));
  }
  return skus;
}

PricingCache::Stats PricingCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace huicai::ordering

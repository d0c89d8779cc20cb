#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/catalog/browse_cache.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/version_lease.hpp>

namespace huicai::catalog {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kLocalEntriesMax = 4096;
// Belt and braces: even a page under the current version is re-read after this long.
constexpr auto kLocalMaxAge = std::chrono::seconds(60);
constexpr auto kRedisPageTtlSeconds = "120";

std::string page_key(const std::string& version, const std::string& key) {
  return "huicai:{catalog}:page:" + version + ":" + key;
}

}  // namespace

BrowseCache::BrowseCache(app::Context& context)
    : context_(context),
      lease_(context.config().catalog_version_lease),
      version_(VersionLease::create(context.io(), lease_, [&redis = context.redis()]() {
        return read_catalog_version(redis);
      })) {}

std::string BrowseCache::version_key() {
  return kCatalogVersionKey;
}

std::shared_ptr<const CachedPage> BrowseCache::local_find(const std::string& key,
                                                          const std::string& version) {
  std::lock_guard lock(mutex_);
  auto found = local_.find(key);
  if (found == local_.end() || found->second.version != version ||
      std::chrono::steady_clock::now() - found->second.stored_at > kLocalMaxAge) {
    return nullptr;
  }
  ++stats_.local_hits;
  return found->second.page;
}

void BrowseCache::local_store(const std::string& key, const std::string& version,
                              std::shared_ptr<const CachedPage> page) {
  std::lock_guard lock(mutex_);
  // Entries of older versions are dead weight; a full map is simply started over.
  if (local_.size() >= kLocalEntriesMax) local_.clear();
  local_[key] = LocalEntry{version, std::move(page), std::chrono::steady_clock::now()};
}

asio::awaitable<std::shared_ptr<const CachedPage>> BrowseCache::get_or_load(
    const std::string& key, std::function<asio::awaitable<std::optional<CachedPage>>()> load) {
  bool bypass = false;
  {
    std::lock_guard lock(mutex_);
    bypass = bump_pending_;
  }
  std::optional<std::string> version;
  if (!bypass) {
    version = version_->valid_version();  // the common case: no I/O at all
    if (!version) version = co_await version_->read_version();
  }
  if (!version) {
    {
      std::lock_guard lock(mutex_);
      ++stats_.bypassed;
    }
    auto loaded = co_await load();
    if (!loaded) co_return nullptr;
    co_return std::make_shared<const CachedPage>(std::move(*loaded));
  }
  if (auto page = local_find(key, *version)) co_return page;

  auto& redis = context_.redis();
  const auto redis_key = page_key(*version, key);
  auto reply = co_await redis.command(redis_words("GET", redis_key));
  if (reply && reply->type == redis::Reply::Type::string) {
    const auto newline = reply->text.find('\n');
    if (newline != std::string::npos) {
      auto page = std::make_shared<const CachedPage>(
          CachedPage{reply->text.substr(newline + 1), reply->text.substr(0, newline)});
      local_store(key, *version, page);
      {
        std::lock_guard lock(mutex_);
        ++stats_.redis_hits;
      }
      co_return page;
    }
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.misses;
  }
  auto loaded = co_await load();
  if (!loaded) co_return nullptr;
  auto page = std::make_shared<const CachedPage>(std::move(*loaded));
  local_store(key, *version, page);
  // Best effort: a failed SET only costs another instance a MySQL read.
  co_await redis.command(
      redis_words("SET", redis_key, page->etag + "\n" + page->body, "EX", kRedisPageTtlSeconds));
  co_return page;
}

asio::awaitable<bool> BrowseCache::bump_version(redis::Client& redis) {
  auto created =
      co_await redis.command(redis_words("SET", version_key(), catalog_version_start(), "NX"));
  if (!created || created->is_error()) co_return false;
  auto bumped = co_await redis.command(redis_words("INCR", version_key()));
  co_return bumped && !bumped->is_error();
}

asio::awaitable<void> BrowseCache::changed() {
  const bool bumped = co_await bump_version(context_.redis());
  // Our own later reads must not use pages or a version from before this write, whatever
  // Redis says: GETs sent before now no longer count here.
  version_->forget();
  {
    std::lock_guard lock(mutex_);
    local_.clear();
  }
  if (!bumped) start_bump_retry();
  // Other instances may hold a lease on the version from before the bump: answer only once
  // every such lease has run out (see the header). Also after a failed bump, so that leases
  // taken before Redis became unreachable are over too.
  asio::steady_timer timer(context_.io());
  timer.expires_after(VersionLease::writer_wait(lease_));
  co_await timer.async_wait(asio::use_awaitable);
}

void BrowseCache::start_bump_retry() {
  bool start_retry = false;
  {
    std::lock_guard lock(mutex_);
    start_retry = !bump_pending_;
    bump_pending_ = true;
  }
  log::warn("catalog cache version bump failed; serving from MySQL until Redis takes it");
  if (!start_retry) return;
  asio::co_spawn(
      context_.io(),
      [this]() -> asio::awaitable<void> {
        asio::steady_timer timer(context_.io());
        for (auto delay = std::chrono::milliseconds(100);;
             delay = std::min(delay * 2, std::chrono::milliseconds(2000))) {
          timer.expires_after(delay);
          co_await timer.async_wait(asio::use_awaitable);
          if (co_await bump_version(context_.redis())) break;
        }
        version_->forget();
        std::lock_guard lock(mutex_);
        bump_pending_ = false;
        local_.clear();
      },
      asio::detached);
}

BrowseCacheStats BrowseCache::stats() const {
  std::lock_guard lock(mutex_);
  auto stats = stats_;
  stats.version_reads = version_->reads();
  return stats;
}

}  // namespace huicai::catalog

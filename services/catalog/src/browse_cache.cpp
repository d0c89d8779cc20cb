#include <boost/asio/associated_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/catalog/browse_cache.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/redis/client.hpp>
#include <random>

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

std::string random_start() {
  std::random_device device;
  std::uint64_t value = (static_cast<std::uint64_t>(device()) << 20) ^ device();
  return std::to_string((value % 1'000'000'000'000ull) + 1'000'000'000ull);
}

}  // namespace

BrowseCache::BrowseCache(app::Context& context)
    : context_(context), strand_(asio::make_strand(context.io())) {}

std::string BrowseCache::version_key() {
  return "huicai:{catalog}:version";
}

asio::awaitable<std::optional<std::string>> BrowseCache::current_version() {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::optional<std::string>)>(
      [this](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        Waiter waiter = [executor, shared](std::optional<std::string> version) {
          asio::post(executor, [shared, version = std::move(version)]() mutable {
            (*shared)(std::move(version));
          });
        };
        asio::post(strand_, [this, waiter = std::move(waiter)]() mutable {
          enqueue_waiter(std::move(waiter));
        });
      },
      asio::use_awaitable);
}

void BrowseCache::enqueue_waiter(Waiter waiter) {
  next_batch_.push_back(std::move(waiter));
  if (!read_in_flight_) start_version_read();
}

void BrowseCache::start_version_read() {
  read_in_flight_ = true;
  auto batch = std::make_shared<std::vector<Waiter>>(std::move(next_batch_));
  next_batch_.clear();
  asio::co_spawn(
      strand_,
      [this, batch]() -> asio::awaitable<void> {
        std::optional<std::string> version;
        try {
          version = co_await read_version_from_redis();
        } catch (const std::exception&) {
          version.reset();
        }
        for (auto& waiter : *batch) waiter(version);
        read_in_flight_ = false;
        if (!next_batch_.empty()) start_version_read();
      },
      asio::detached);
}

asio::awaitable<std::optional<std::string>> BrowseCache::read_version_from_redis() {
  {
    std::lock_guard lock(mutex_);
    ++stats_.version_reads;
  }
  auto& redis = context_.redis();
  auto reply = co_await redis.command(redis_words("GET", version_key()));
  if (!reply || reply->is_error()) co_return std::nullopt;
  if (reply->type == redis::Reply::Type::string) co_return reply->text;
  // Missing (first start, or Redis lost its data): start at a random value, and do not cache
  // this one read.
  co_await redis.command(redis_words("SET", version_key(), random_start(), "NX"));
  co_return std::nullopt;
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
  if (!bypass) version = co_await current_version();
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

asio::awaitable<bool> BrowseCache::bump_version() {
  auto& redis = context_.redis();
  auto created = co_await redis.command(redis_words("SET", version_key(), random_start(), "NX"));
  if (!created || created->is_error()) co_return false;
  auto bumped = co_await redis.command(redis_words("INCR", version_key()));
  co_return bumped && !bumped->is_error();
}

asio::awaitable<void> BrowseCache::changed() {
  // Our own later reads must not use pages filed before this write, whatever Redis says.
  {
    std::lock_guard lock(mutex_);
    local_.clear();
  }
  if (co_await bump_version()) co_return;
  bool start_retry = false;
  {
    std::lock_guard lock(mutex_);
    start_retry = !bump_pending_;
    bump_pending_ = true;
  }
  log::warn("catalog cache version bump failed; serving from MySQL until Redis takes it");
  if (!start_retry) co_return;
  asio::co_spawn(
      context_.io(),
      [this]() -> asio::awaitable<void> {
        asio::steady_timer timer(context_.io());
        for (auto delay = std::chrono::milliseconds(100);;
             delay = std::min(delay * 2, std::chrono::milliseconds(2000))) {
          timer.expires_after(delay);
          co_await timer.async_wait(asio::use_awaitable);
          if (co_await bump_version()) break;
        }
        std::lock_guard lock(mutex_);
        bump_pending_ = false;
        local_.clear();
      },
      asio::detached);
}

BrowseCacheStats BrowseCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace huicai::catalog

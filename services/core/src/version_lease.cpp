#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/version_lease.hpp>
#include <random>

namespace huicai {
namespace {
namespace asio = boost::asio;
}  // namespace

std::string catalog_version_start() {
  std::random_device device;
  std::uint64_t value = (static_cast<std::uint64_t>(device()) << 20) ^ device();
  return std::to_string((value % 1'000'000'000'000ull) + 1'000'000'000ull);
}

asio::awaitable<std::optional<std::string>> read_catalog_version(redis::Client& redis) {
  // Named vectors: GCC 12 rejects a braced list of string literals inside a co_await.
  std::vector<std::string> get{"GET", kCatalogVersionKey};
  auto reply = co_await redis.command(std::move(get));
  if (!reply || reply->is_error()) co_return std::nullopt;
  if (reply->type == redis::Reply::Type::string) co_return reply->text;
  std::vector<std::string> set{"SET", kCatalogVersionKey, catalog_version_start(), "NX"};
  co_await redis.command(std::move(set));
  co_return std::nullopt;
}

std::shared_ptr<VersionLease> VersionLease::create(asio::io_context& io,
                                                   std::chrono::milliseconds lease,
                                                   ReadVersion read) {
  return std::shared_ptr<VersionLease>(new VersionLease(io, lease, std::move(read)));
}

VersionLease::VersionLease(asio::io_context& io, std::chrono::milliseconds lease, ReadVersion read)
    : io_(io), lease_(lease), read_(std::move(read)) {}

std::chrono::microseconds VersionLease::writer_wait(std::chrono::milliseconds lease) {
  return std::chrono::duration_cast<std::chrono::microseconds>(lease) * 11 / 10 +
         std::chrono::milliseconds(1);
}

std::optional<std::string> VersionLease::valid_version() {
  bool refresh = false;
  std::optional<std::string> version;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (!version_ || now >= valid_until_) return std::nullopt;
    // Refresh early, so that a steady stream of readers never finds the lease expired.
    if (valid_until_ - now < lease_ / 2 && !read_in_flight_) {
      read_in_flight_ = true;
      refresh = true;
    }
    version = version_;
  }
  if (refresh) spawn_read();
  return version;
}

asio::awaitable<std::optional<std::string>> VersionLease::read_version() {
  // The initiation is built here, in a plain function (GCC 12: no capturing temporaries inside
  // a co_await expression, docs/gcc12-coroutine-temporaries.md).
  auto initiation = [this](auto handler) {
    auto executor = asio::get_associated_executor(handler);
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    // Resumed through a post: settle() must not run the reader's coroutine inside its call.
    enqueue(Waiter{Clock::now(), [executor, shared](std::optional<std::string> version) {
                     asio::post(executor, [shared, version = std::move(version)]() mutable {
                       (*shared)(std::move(version));
                     });
                   }});
  };
  return asio::async_initiate<decltype(asio::use_awaitable), void(std::optional<std::string>)>(
      initiation, asio::use_awaitable);
}

void VersionLease::enqueue(Waiter waiter) {
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    waiters_.push_back(std::move(waiter));
    if (!read_in_flight_) {
      read_in_flight_ = true;
      start = true;
    }
  }
  if (start) spawn_read();
}

void VersionLease::forget() {
  std::lock_guard lock(mutex_);
  version_.reset();
  forgotten_at_ = Clock::now();
}

void VersionLease::spawn_read() {
  // Spawned outside the mutex: the GET may complete at once (Redis not connected).
  auto self = shared_from_this();
  asio::co_spawn(
      io_, [self]() { return self->read_once(); }, asio::detached);
}

asio::awaitable<void> VersionLease::read_once() {
  // Taken before the command is handed to the client: Redis executes the GET later still, so
  // the lease measured from here is never longer than the rule allows.
  const auto sent = Clock::now();
  reads_.fetch_add(1, std::memory_order_relaxed);
  std::optional<std::string> version;
  try {
    version = co_await read_();
  } catch (const std::exception&) {
    version.reset();  // unreadable: readers go to MySQL
  }
  settle(sent, version);
}

void VersionLease::settle(Clock::time_point sent, const std::optional<std::string>& version) {
  std::vector<Waiter> answered;
  bool again = false;
  {
    std::lock_guard lock(mutex_);
    read_in_flight_ = false;
    const auto now = Clock::now();
    // Usable by anyone: its lease still runs and no write of ours happened after it was sent.
    const bool fresh = sent + lease_ > now && sent >= forgotten_at_;
    if (version && fresh) {
      version_ = version;
      valid_until_ = sent + lease_;
    }
    std::vector<Waiter> still_waiting;
    for (auto& waiter : waiters_) {
      // Unreadable answers everyone (they read MySQL); a GET sent after a waiter arrived
      // answers it whatever its age.
      if (!version || fresh || waiter.arrived <= sent) {
        answered.push_back(std::move(waiter));
      } else {
        still_waiting.push_back(std::move(waiter));
      }
    }
    waiters_ = std::move(still_waiting);
    if (!waiters_.empty()) {
      read_in_flight_ = true;
      again = true;
    }
  }
  for (auto& waiter : answered) waiter.resume(version);
  if (again) spawn_read();
}

}  // namespace huicai

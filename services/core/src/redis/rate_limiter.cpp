#include <algorithm>
#include <chrono>
#include <huicai/core/log.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/redis/rate_limiter.hpp>

namespace huicai::redis {

namespace {

// INCR and PEXPIRE in one script so a counter can never be left without an expiry (a crash
// between two separate commands would leave a key that blocks its caller for good).
constexpr const char* kCountScript = R"lua(
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
)lua";

// Braces would end the hash tag early; route patterns contain them ("/v1/orders/{order_id}").
std::string tag_safe(std::string key) {
  std::replace(key.begin(), key.end(), '{', '(');
  std::replace(key.begin(), key.end(), '}', ')');
  return key;
}

// Plain functions, not coroutine code: GCC 12 miscompiles braced initializer lists (the log
// fields, the argument vector) inside coroutines.
void log_failing_open(const std::string& reason) {
  log::warn("rate limiter failing open", {{"reason", reason}});
}

std::vector<std::string> count_command(const std::string& key, long long window_index,
                                       long long expire_ms) {
  return {"EVAL", kCountScript, "1",
          "huicai:rl:{" + tag_safe(key) + "}:" + std::to_string(window_index),
          std::to_string(expire_ms)};
}

}  // namespace

RateLimiter::RateLimiter(Client& redis) : redis_(redis) {}

boost::asio::awaitable<std::optional<std::chrono::seconds>> RateLimiter::hit(
    const std::string& key, const http::RateLimit& limit) {
  using namespace std::chrono;
  if (limit.requests <= 0 || limit.window <= seconds::zero()) co_return std::nullopt;

  const auto now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const auto window_ms = duration_cast<milliseconds>(limit.window).count();
  const auto window_index = now_ms / window_ms;
  const auto remaining_ms = (window_index + 1) * window_ms - now_ms;
  // The key outlives its window a little: instances' clocks differ by a few hundred ms.
  const auto expire_ms = remaining_ms + 2'000;
  auto reply = co_await redis_.command(count_command(key, window_index, expire_ms));
  if (!reply || reply->type != Reply::Type::integer) {
    ++fail_open_count_;
    if (!failing_.exchange(true)) {
      log_failing_open(!reply ? reply.error().message() : reply->text);
    }
    co_return std::nullopt;
  }
  if (failing_.exchange(false)) log::info("rate limiter counting again");
  if (reply->integer <= limit.requests) co_return std::nullopt;
  co_return seconds((remaining_ms + 999) / 1000);
}

}  // namespace huicai::redis

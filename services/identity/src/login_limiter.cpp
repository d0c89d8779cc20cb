#include "login_limiter.hpp"

#include <algorithm>
#include <huicai/core/http/router.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/redis/client.hpp>
#include <limits>

namespace huicai::identity {

namespace {

// One hash tag per login name keeps its keys on one cluster slot (the script touches three).
std::string login_key(const std::string& login, std::string_view what) {
  return "huicai:{login:" + login + "}:" + std::string(what);
}

// Counts the failure; at the threshold, locks for base * 2^(lockouts today - 1), capped.
constexpr const char* kRecordFailure = R"lua(
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if failures < tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
local lockouts = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 86400)
local lock_ms = tonumber(ARGV[3])
for i = 2, lockouts do
  lock_ms = lock_ms * 2
  if lock_ms >= tonumber(ARGV[4]) then break end
end
if lock_ms > tonumber(ARGV[4]) then lock_ms = tonumber(ARGV[4]) end
redis.call('SET', KEYS[3], '1', 'PX', lock_ms)
return lock_ms
)lua";

std::string ms_text(std::chrono::seconds seconds) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(seconds).count());
}

}  // namespace

LoginPolicy LoginPolicy::from_config(const Config& config) {
  // Config bounds the counts to >= 1; the clamp only guards the narrowing to int.
  auto count = [](std::size_t value) {
    return static_cast<int>(std::min<std::size_t>(value, std::numeric_limits<int>::max()));
  };
  LoginPolicy policy;
  policy.max_failures = count(config.login_max_failures);
  policy.failure_window = config.login_failure_window;
  policy.lock_duration = config.login_lock_duration;
  policy.max_lock = config.login_max_lock;
  policy.attempts_per_login_per_minute = count(config.login_attempts_per_login_per_minute);
  policy.attempts_per_ip_per_minute = count(config.login_attempts_per_ip_per_minute);
  return policy;
}

LoginLimiter::LoginLimiter(redis::Client& redis, LoginPolicy policy)
    : redis_(redis), windows_(redis), policy_(policy) {}

boost::asio::awaitable<std::optional<LoginRefusal>> LoginLimiter::admit(
    const std::string& login, const std::string& client_address) {
  http::RateLimit per_ip{policy_.attempts_per_ip_per_minute, std::chrono::seconds(60)};
  if (auto wait = co_await windows_.hit("login-ip:" + client_address, per_ip)) {
    co_return LoginRefusal{false, std::max(*wait, std::chrono::seconds(1))};
  }
  http::RateLimit per_login{policy_.attempts_per_login_per_minute, std::chrono::seconds(60)};
  if (auto wait = co_await windows_.hit("login-name:" + login, per_login)) {
    co_return LoginRefusal{false, std::max(*wait, std::chrono::seconds(1))};
  }
  std::vector<std::string> ttl = {"PTTL", login_key(login, "lock")};
  auto reply = co_await redis_.command(std::move(ttl));
  if (!reply || reply->is_error()) {
    // Fail open: the account row's own lock still applies (see the header).
    log::warn("login lock check skipped: redis unavailable", {{"login", login}});
    co_return std::nullopt;
  }
  if (reply->type == redis::Reply::Type::integer && reply->integer > 0) {
    co_return LoginRefusal{true, std::chrono::seconds((reply->integer + 999) / 1000)};
  }
  co_return std::nullopt;
}

boost::asio::awaitable<std::optional<std::chrono::seconds>> LoginLimiter::record_failure(
    const std::string& login) {
  std::vector<std::string> eval = {"EVAL",
                                   kRecordFailure,
                                   "3",
                                   login_key(login, "failures"),
                                   login_key(login, "lockouts"),
                                   login_key(login, "lock"),
                                   ms_text(policy_.failure_window),
                                   std::to_string(policy_.max_failures),
                                   ms_text(policy_.lock_duration),
                                   ms_text(policy_.max_lock)};
  auto reply = co_await redis_.command(std::move(eval));
  if (!reply || reply->is_error() || reply->type != redis::Reply::Type::integer) {
    log::warn("login failure not counted in redis", {{"login", login}});
    co_return std::nullopt;
  }
  if (reply->integer <= 0) co_return std::nullopt;
  co_return std::chrono::seconds((reply->integer + 999) / 1000);
}

boost::asio::awaitable<void> LoginLimiter::record_success(const std::string& login) {
  std::vector<std::string> del = {"DEL", login_key(login, "failures")};
  auto reply = co_await redis_.command(std::move(del));
  if (!reply) log::warn("login failure count not cleared in redis", {{"login", login}});
}

}  // namespace huicai::identity

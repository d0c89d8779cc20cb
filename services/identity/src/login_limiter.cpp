#include "login_limiter.hpp"

#include <algorithm>
#include <huicai/core/errors.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/redis/client.hpp>
#include <limits>

namespace huicai::identity {

namespace {

// Failures counted in a window that starts at the first failure (INCR and PEXPIRE together, so
// no counter is ever left without an expiry).
constexpr const char* kCountFailure = R"lua(
local failures = redis.call('INCR', KEYS[1])
if failures == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return failures
)lua";

// The milliseconds left when the count has reached the limit, else 0.
constexpr const char* kFullFor = R"lua(
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures < tonumber(ARGV[1]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 1 then return 1 end
return left
)lua";

std::string source_key(const LoginAttempt& attempt) {
  return "huicai:login:source:" + attempt.source;
}
std::string login_source_key(const LoginAttempt& attempt) {
  return "huicai:login:login-source:" + attempt.login + "|" + attempt.source;
}
std::string unknown_sources_key(const LoginAttempt& attempt) {
  return "huicai:login:unknown-sources:" + attempt.login;
}
std::string device_key(const LoginAttempt& attempt) {
  return "huicai:login:device:" + attempt.device_id;
}

std::string window_ms(std::chrono::seconds window) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(window).count());
}

std::chrono::seconds ceil_seconds(std::chrono::milliseconds ms) {
  return std::chrono::seconds(std::max<long long>(1, (ms.count() + 999) / 1000));
}

// Plain functions, not coroutine code (GCC 12 and braced lists in coroutines, see core).
void warn_redis(const char* what, const std::string& login) {
  log::warn(what, {{"login", login}});
}
std::vector<std::string> eval(const char* script, const std::string& key, std::string argument) {
  return {"EVAL", script, "1", key, std::move(argument)};
}

}  // namespace

LoginPolicy LoginPolicy::from_config(const Config& config) {
  auto count = [](std::size_t value) {
    return static_cast<long long>(std::min<std::size_t>(value, std::numeric_limits<int>::max()));
  };
  LoginPolicy policy;
  policy.failure_window = config.login_failure_window;
  policy.max_failures_per_source = count(config.login_max_failures_per_source);
  policy.unknown_source_failures = count(config.login_unknown_source_failures);
  policy.source_failures = count(config.login_source_failures);
  policy.device_max_failures = count(config.login_device_max_failures);
  policy.attempts_per_ip_per_minute =
      static_cast<int>(count(config.login_attempts_per_ip_per_minute));
  return policy;
}

LoginLimiter::LoginLimiter(redis::Client& redis, LoginPolicy policy)
    : redis_(redis), windows_(redis), policy_(policy) {}

// Empty when below the limit; throws ServiceUnavailable when Redis does not answer.
boost::asio::awaitable<std::optional<std::chrono::milliseconds>> LoginLimiter::full_for(
    std::string key, long long limit) {
  auto reply = co_await redis_.command(eval(kFullFor, key, std::to_string(limit)));
  if (!reply || reply->type != redis::Reply::Type::integer) {
    throw ServiceUnavailable("redis", "sign-in limits cannot be read");
  }
  if (reply->integer <= 0) co_return std::nullopt;
  co_return std::chrono::milliseconds(reply->integer);
}

boost::asio::awaitable<long long> LoginLimiter::count(std::string key) {
  auto reply = co_await redis_.command(eval(kCountFailure, key, window_ms(policy_.failure_window)));
  if (!reply || reply->type != redis::Reply::Type::integer) co_return -1;
  co_return reply->integer;
}

boost::asio::awaitable<std::optional<LoginRefusal>> LoginLimiter::admit(LoginAttempt& attempt) {
  if (!attempt.device_id.empty()) {
    // A known device: only its own budget. Redis down: let it through (fail open for devices
    // that signed in before; the password is still checked).
    std::optional<std::chrono::milliseconds> full;
    bool readable = true;
    try {
      full = co_await full_for(device_key(attempt), policy_.device_max_failures);
    } catch (const ServiceUnavailable&) {
      readable = false;
    }
    if (!readable)
      warn_redis("device sign-in admitted unchecked: redis unavailable", attempt.login);
    if (!full) co_return std::nullopt;
    // Its budget is spent: from here on it is one more unknown client.
    attempt.device_id.clear();
  }
  const LoginAttempt unknown{attempt.login, attempt.source, ""};
  if (auto left = co_await full_for(source_key(unknown), policy_.source_failures)) {
    co_return LoginRefusal{ceil_seconds(*left), "source"};
  }
  if (auto left = co_await full_for(login_source_key(unknown), policy_.max_failures_per_source)) {
    co_return LoginRefusal{ceil_seconds(*left), "login-source"};
  }
  if (auto left =
          co_await full_for(unknown_sources_key(unknown), policy_.unknown_source_failures)) {
    co_return LoginRefusal{ceil_seconds(*left), "login-unknown-sources"};
  }
  http::RateLimit per_ip{policy_.attempts_per_ip_per_minute, std::chrono::seconds(60)};
  if (auto wait = co_await windows_.hit("login-ip:" + attempt.source, per_ip)) {
    co_return LoginRefusal{std::max(*wait, std::chrono::seconds(1)), "rate"};
  }
  co_return std::nullopt;
}

boost::asio::awaitable<std::vector<std::string>> LoginLimiter::record_failure(
    const LoginAttempt& attempt) {
  std::vector<std::string> filled;
  auto note = [&](long long failures, long long limit, const char* name) {
    if (failures < 0) warn_redis("sign-in failure not counted: redis unavailable", attempt.login);
    if (failures == limit) filled.emplace_back(name);
  };
  if (!attempt.device_id.empty()) {
    note(co_await count(device_key(attempt)), policy_.device_max_failures, "device");
    co_return filled;
  }
  note(co_await count(source_key(attempt)), policy_.source_failures, "source");
  note(co_await count(login_source_key(attempt)), policy_.max_failures_per_source, "login-source");
  note(co_await count(unknown_sources_key(attempt)), policy_.unknown_source_failures,
       "login-unknown-sources");
  co_return filled;
}

boost::asio::awaitable<void> LoginLimiter::record_success(const LoginAttempt& attempt) {
  std::vector<std::string> del = {
      "DEL", attempt.device_id.empty() ? login_source_key(attempt) : device_key(attempt)};
  auto reply = co_await redis_.command(std::move(del));
  if (!reply) warn_redis("sign-in failure counts not cleared: redis unavailable", attempt.login);
}

}  // namespace huicai::identity

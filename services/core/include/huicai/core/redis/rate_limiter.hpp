#pragma once
// Fixed-window request counting in Redis: one Lua EVAL does INCR + PEXPIRE on
// "huicai:rl:{<key>}:<window index>" (the caller key is the hash tag, so counters spread over a
// Redis Cluster; one key per call needs no co-location).
// Redis unreachable -> the limiter lets requests through (fail open) and counts that
// (fail_open_count(), for metrics): rate limits protect capacity, they must not take the API
// down with Redis.

#include <atomic>
#include <cstdint>
#include <huicai/core/http/dispatcher.hpp>

namespace huicai::redis {

class Client;

class RateLimiter : public http::RateLimiter {
 public:
  explicit RateLimiter(Client& redis);
  boost::asio::awaitable<std::optional<std::chrono::seconds>> hit(
      const std::string& key, const http::RateLimit& limit) override;
  // How many hits were let through because Redis could not count them.
  std::uint64_t fail_open_count() const { return fail_open_count_; }

 private:
  Client& redis_;
  std::atomic<std::uint64_t> fail_open_count_{0};
  std::atomic<bool> failing_{false};  // log once per outage, not once per request
};

}  // namespace huicai::redis

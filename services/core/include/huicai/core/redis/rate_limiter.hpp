#pragma once
// Fixed-window request counting in Redis (INCR + PEXPIRE on "huicai:{rl}:<key>:<window>").
// Redis unreachable -> the limiter lets requests through (fail open) and counts that in metrics:
// rate limits protect capacity, they must not take the API down with Redis.

#include <huicai/core/http/dispatcher.hpp>

namespace huicai::redis {

class Client;

class RateLimiter : public http::RateLimiter {
 public:
  explicit RateLimiter(Client& redis);
  boost::asio::awaitable<std::optional<std::chrono::seconds>> hit(
      const std::string& key, const http::RateLimit& limit) override;

 private:
  Client& redis_;
};

}  // namespace huicai::redis

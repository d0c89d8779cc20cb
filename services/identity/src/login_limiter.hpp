#pragma once
// Abuse limits on POST /v1/auth/login, in Redis:
//   - per client IP and per login name: fixed-window attempt counts (core RateLimiter);
//   - per login name: consecutive failures; at `max_failures` the name is locked, and each
//     further lockout within a day lasts twice as long (backoff), up to `max_lock`.
// Counted by login *name*, whether or not an account has it, so a lockout does not reveal
// which names exist. The account row keeps its own failure count and lock (MySQL), which
// still holds when Redis has lost its data or is down; the Redis part then fails open.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <huicai/core/config.hpp>
#include <huicai/core/redis/rate_limiter.hpp>
#include <optional>
#include <string>

namespace huicai::redis {
class Client;
}

namespace huicai::identity {

// Read from core Config (HUICAI_LOGIN_*, docs/configuration.md), where the defaults live.
// The per-IP default is generous: a canteen's whole staff behind one NAT (and a test suite on
// 127.0.0.1); the per-name limit and the lockout are what stop guessing one account.
struct LoginPolicy {
  int max_failures = 0;                   // consecutive wrong passwords before a lock
  std::chrono::seconds failure_window{};  // failures older than this are forgotten
  std::chrono::seconds lock_duration{};   // first lock; doubles per lock within a day
  std::chrono::seconds max_lock{};
  int attempts_per_login_per_minute = 0;
  int attempts_per_ip_per_minute = 0;

  static LoginPolicy from_config(const Config& config);
};

struct LoginRefusal {
  bool locked = false;  // true: too many failures; false: too many attempts
  std::chrono::seconds retry_after{1};
};

class LoginLimiter {
 public:
  LoginLimiter(redis::Client& redis, LoginPolicy policy);

  // Before any password work: refuses when a window is full or the login is locked.
  boost::asio::awaitable<std::optional<LoginRefusal>> admit(const std::string& login,
                                                            const std::string& client_address);
  // After a wrong password or unknown login. Returns the lock length when this failure locked
  // the login (the account row is locked for as long).
  boost::asio::awaitable<std::optional<std::chrono::seconds>> record_failure(
      const std::string& login);
  boost::asio::awaitable<void> record_success(const std::string& login);

  const LoginPolicy& policy() const { return policy_; }

 private:
  redis::Client& redis_;
  redis::RateLimiter windows_;
  LoginPolicy policy_;
};

}  // namespace huicai::identity

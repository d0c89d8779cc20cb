#pragma once
// Sign-in throttling keyed to who is guessing, not to whom (OWASP's "device cookie" design;
// issue 19). Counted in Redis, per failure (a wrong password or a wrong second-factor code),
// before any password work, so a refused attempt costs no hash:
//   - a client presenting a valid device token for the login (handed out by an earlier
//     sign-in on that device) has its own failure budget and nothing else: failures from
//     elsewhere never block it;
//   - without one, limits per (login, source), per login over all unknown sources (guessing
//     spread over many addresses; a known device still signs in) and per source over all
//     logins (credential stuffing), plus an attempt rate per source.
// Counted by login *name*, whether or not an account has it, so a refusal does not reveal
// which names exist. With Redis unreachable, attempts without a device token are refused (503:
// nothing would count the guesses) and attempts with one go ahead.

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
struct LoginPolicy {
  std::chrono::seconds failure_window{};
  long long max_failures_per_source = 0;  // one login, one unknown source
  long long unknown_source_failures = 0;  // one login, all unknown sources
  long long source_failures = 0;          // one source, all logins
  long long device_max_failures = 0;      // one device token
  int attempts_per_ip_per_minute = 0;

  static LoginPolicy from_config(const Config& config);
};

struct LoginAttempt {
  std::string login;      // normalized
  std::string source;     // client address
  std::string device_id;  // of a valid device token for this login; "" when none
};

struct LoginRefusal {
  std::chrono::seconds retry_after{1};
  std::string limit;  // which limit: "source", "login-source", "login-unknown-sources", "rate"
};

class LoginLimiter {
 public:
  LoginLimiter(redis::Client& redis, LoginPolicy policy);

  // Before any password work. Throws ServiceUnavailable when Redis cannot count an attempt
  // without a device token. A device token whose budget is spent is dropped from `attempt`
  // (device_id cleared): from then on its failures count as an unknown client's.
  boost::asio::awaitable<std::optional<LoginRefusal>> admit(LoginAttempt& attempt);
  // After a wrong password, an unknown login or a wrong code. Returns the limits this failure
  // filled up (for the audit log's "failure burst" entry); empty most of the time.
  boost::asio::awaitable<std::vector<std::string>> record_failure(const LoginAttempt& attempt);
  // After a complete sign-in: the device's count, or for a client without a device token the
  // (login, source) count, starts again. A known device's success leaves the (login, source)
  // count alone: an attacker behind the same address must not be reset by it.
  boost::asio::awaitable<void> record_success(const LoginAttempt& attempt);

  const LoginPolicy& policy() const { return policy_; }

 private:
  boost::asio::awaitable<std::optional<std::chrono::milliseconds>> full_for(std::string key,
                                                                            long long limit);
  boost::asio::awaitable<long long> count(std::string key);

  redis::Client& redis_;
  redis::RateLimiter windows_;
  LoginPolicy policy_;
};

}  // namespace huicai::identity

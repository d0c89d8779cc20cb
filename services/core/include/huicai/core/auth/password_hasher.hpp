#pragma once
// Argon2id password hashing (libsodium crypto_pwhash_str) off the I/O thread.
//
// One hash costs tens of milliseconds of CPU and tens of MiB of memory by design, so it must not
// run on the I/O thread, and a login flood must not queue without bound: a small pool of
// `concurrency` threads does the work, at most `queue_limit` calls wait, and the rest fail at
// once with ServiceUnavailable (503 + Retry-After) instead of eating memory and latency.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace huicai::auth {

struct PasswordHashParameters {
  // libsodium's "interactive" preset: 2 passes over 64 MiB.
  std::uint64_t ops_limit = 2;
  std::size_t mem_limit = 64u * 1024u * 1024u;
  static PasswordHashParameters interactive();
  static PasswordHashParameters minimum();  // for tests only: fast and weak
};

struct PasswordCheck {
  bool matches = false;
  bool needs_rehash = false;  // matches, but was hashed with other parameters: store a new hash
};

// Pure, blocking functions (used by the pool below and by tools).
std::string hash_password_blocking(const std::string& password,
                                   const PasswordHashParameters& parameters);
PasswordCheck check_password_blocking(const std::string& stored_hash, const std::string& password,
                                      const PasswordHashParameters& parameters);

class PasswordHasher {
 public:
  PasswordHasher(std::size_t concurrency, std::size_t queue_limit,
                 PasswordHashParameters parameters = PasswordHashParameters::interactive());
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  boost::asio::awaitable<std::string> hash(std::string password);
  boost::asio::awaitable<PasswordCheck> check(std::string stored_hash, std::string password);
  // Same cost as check() against a real hash, always false: used when the account does not
  // exist, so "unknown login" and "wrong password" take about the same time.
  boost::asio::awaitable<void> check_against_dummy(std::string password);

  const PasswordHashParameters& parameters() const { return parameters_; }
  std::size_t waiting_or_running() const { return pending_.load(); }

 private:
  template <class Job>
  boost::asio::awaitable<std::invoke_result_t<Job&>> submit(Job job);

  struct Pool;
  std::unique_ptr<Pool> pool_;
  std::size_t limit_;
  std::atomic<std::size_t> pending_{0};
  PasswordHashParameters parameters_;
  std::string dummy_hash_;
};

}  // namespace huicai::auth

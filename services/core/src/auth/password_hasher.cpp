#include <sodium.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/auth/password_hasher.hpp>
#include <huicai/core/errors.hpp>
#include <stdexcept>

namespace huicai::auth {

PasswordHashParameters PasswordHashParameters::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHashParameters PasswordHashParameters::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string hash_password_blocking(const std::string& password,
                                   const PasswordHashParameters& parameters) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), parameters.ops_limit,
                            parameters.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // Only fails when the memory cannot be allocated: the server is overloaded, not the client.
    throw ServiceUnavailable("password-hasher", "out of memory while hashing");
  }
  return std::string(out);
}

PasswordCheck check_password_blocking(const std::string& stored_hash, const std::string& password,
                                      const PasswordHashParameters& parameters) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  PasswordCheck check;
  // crypto_pwhash_str_verify reads a NUL-terminated string; stored_hash.c_str() is one.
  check.matches =
      crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
  if (check.matches) {
    // 1 = other parameters (or another algorithm), -1 = not a valid hash string.
    check.needs_rehash = crypto_pwhash_str_needs_rehash(stored_hash.c_str(), parameters.ops_limit,
                                                        parameters.mem_limit) != 0;
  }
  return check;
}

struct PasswordHasher::Pool {
  explicit Pool(std::size_t threads) : threads(threads) {}
  boost::asio::thread_pool threads;
};

PasswordHasher::PasswordHasher(std::size_t concurrency, std::size_t queue_limit,
                               PasswordHashParameters parameters)
    : pool_(std::make_unique<Pool>(concurrency == 0 ? 1 : concurrency)),
      limit_((concurrency == 0 ? 1 : concurrency) + queue_limit),
      parameters_(parameters) {
  // A real hash of a random password with the current parameters: checking against it costs
  // what checking a real account costs.
  unsigned char random[16];
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(random, sizeof random);
  dummy_hash_ = hash_password_blocking(std::string(reinterpret_cast<char*>(random), sizeof random),
                                       parameters_);
}

PasswordHasher::~PasswordHasher() {
  pool_->threads.join();
}

namespace {

// The job runs inside this coroutine on a hashing thread. A named function taking the job by
// value (not a capturing lambda coroutine): the job then lives in this coroutine's own frame.
template <class Job>
boost::asio::awaitable<std::invoke_result_t<Job&>> run_job(Job job) {
  co_return job();
}

}  // namespace

template <class Job>
boost::asio::awaitable<std::invoke_result_t<Job&>> PasswordHasher::submit(Job job) {
  // Admission first: beyond the limit the caller gets 503 right away.
  if (pending_.fetch_add(1) >= limit_) {
    pending_.fetch_sub(1);
    throw ServiceUnavailable("password-hasher", "too many password checks in progress", 1);
  }
  struct Release {
    std::atomic<std::size_t>& pending;
    ~Release() { pending.fetch_sub(1); }
  } release{pending_};
  // co_spawn onto the pool and await with use_awaitable: the job runs on a hashing thread and
  // this coroutine resumes on its own executor with the result (or the job's exception).
  auto work = run_job(std::move(job));
  co_return co_await boost::asio::co_spawn(pool_->threads.get_executor(), std::move(work),
                                           boost::asio::use_awaitable);
}

// Jobs are named locals before co_await: GCC 12 destroys a capturing lambda temporary inside a
// co_await expression twice.
boost::asio::awaitable<std::string> PasswordHasher::hash(std::string password) {
  auto job = [password = std::move(password), parameters = parameters_] {
    return hash_password_blocking(password, parameters);
  };
  co_return co_await submit(std::move(job));
}

boost::asio::awaitable<PasswordCheck> PasswordHasher::check(std::string stored_hash,
                                                            std::string password) {
  auto job = [stored_hash = std::move(stored_hash), password = std::move(password),
              parameters = parameters_] {
    return check_password_blocking(stored_hash, password, parameters);
  };
  co_return co_await submit(std::move(job));
}

boost::asio::awaitable<void> PasswordHasher::check_against_dummy(std::string password) {
  auto job = [this, password = std::move(password)] {
    return check_password_blocking(dummy_hash_, password, parameters_).matches;
  };
  co_await submit(std::move(job));
}

}  // namespace huicai::auth

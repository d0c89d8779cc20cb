// Argon2id hashing: round trip, rehash detection, and the bounded queue.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/auth/password_hasher.hpp>
#include <huicai/core/errors.hpp>

using namespace huicai;
using namespace huicai::auth;

TEST_CASE("a password checks against its own hash only", "[password]") {
  const auto parameters = PasswordHashParameters::minimum();
  const auto hash = hash_password_blocking("correct horse battery", parameters);
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(check_password_blocking(hash, "correct horse battery", parameters).matches);
  CHECK_FALSE(check_password_blocking(hash, "correct horse batterY", parameters).matches);
  CHECK_FALSE(check_password_blocking(hash, "", parameters).matches);
  CHECK_FALSE(check_password_blocking("not a hash", "correct horse battery", parameters).matches);
  // Salted: the same password twice gives two hashes.
  CHECK(hash_password_blocking("correct horse battery", parameters) != hash);
}

TEST_CASE("a hash made with other parameters needs a rehash", "[password]") {
  const auto weak = PasswordHashParameters::minimum();
  const auto strong = PasswordHashParameters::interactive();
  const auto hash = hash_password_blocking("correct horse battery", weak);
  auto with_same = check_password_blocking(hash, "correct horse battery", weak);
  CHECK(with_same.matches);
  CHECK_FALSE(with_same.needs_rehash);
  auto with_newer = check_password_blocking(hash, "correct horse battery", strong);
  CHECK(with_newer.matches);
  CHECK(with_newer.needs_rehash);
  // No rehash advice for a wrong password: there is nothing to rehash.
  CHECK_FALSE(check_password_blocking(hash, "wrong", strong).needs_rehash);
}

TEST_CASE("the hasher pool works off the calling thread", "[password]") {
  boost::asio::io_context io;
  PasswordHasher hasher(2, 4, PasswordHashParameters::minimum());
  auto future = boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<bool> {
        auto hash = co_await hasher.hash("correct horse battery");
        auto good = co_await hasher.check(hash, "correct horse battery");
        auto bad = co_await hasher.check(hash, "wrong horse battery");
        co_await hasher.check_against_dummy("anything");
        co_return good.matches && !bad.matches;
      },
      boost::asio::use_future);
  io.run();
  CHECK(future.get());
  CHECK(hasher.waiting_or_running() == 0);
}

TEST_CASE("beyond its queue the hasher refuses at once with ServiceUnavailable", "[password]") {
  boost::asio::io_context io;
  PasswordHasher hasher(1, 0, PasswordHashParameters::minimum());  // one running, none waiting
  auto first = boost::asio::co_spawn(io, hasher.hash("first password"), boost::asio::use_future);
  auto second = boost::asio::co_spawn(io, hasher.hash("second password"), boost::asio::use_future);
  io.run();
  CHECK_NOTHROW(first.get());
  CHECK_THROWS_AS(second.get(), ServiceUnavailable);
  CHECK(hasher.waiting_or_running() == 0);
}

// Access tokens: signing, forgery, tampering, expiry, revocation from the in-memory list, and
// failing closed when a feed-backed list is stale and MySQL cannot be read.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/auth/revocation_feed.hpp>
#include <huicai/core/auth/revocation_list.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <thread>

using namespace huicai;
using namespace huicai::auth;

namespace {

std::int64_t milliseconds_since_epoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

Principal sample_principal() {
  Principal principal;
  principal.account_id = 1234;
  principal.login = "li.lei";
  principal.roles = {Role::unit_buyer, Role::employee};
  principal.unit_id = 17;
  principal.unit_path = "/1/4/17/";
  return principal;
}

boost::system::result<Principal> verify(TokenService& tokens, const std::string& token) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, tokens.verify(token), boost::asio::use_future);
  io.run();
  return future.get();
}

std::string flip_char(std::string text, std::size_t index) {
  text[index] = text[index] == 'A' ? 'B' : 'A';
  return text;
}

}  // namespace

TEST_CASE("an issued token carries a token id prefixed by the account", "[tokens]") {
  Config config;
  TokenService tokens(config);
  auto issued = tokens.issue_access(sample_principal());
  CHECK(issued.token_id.rfind("1234.", 0) == 0);
  CHECK(issued.token.find('.') != std::string::npos);
  const auto lifetime = issued.expires_at - std::chrono::system_clock::now();
  CHECK(lifetime > std::chrono::seconds(890));
  CHECK(lifetime <= std::chrono::seconds(900));
  CHECK(tokens.issue_access(sample_principal()).token_id != issued.token_id);
}

TEST_CASE("forged, tampered and malformed tokens are rejected before any lookup", "[tokens]") {
  Config config;
  TokenService tokens(config);
  const auto token = tokens.issue_access(sample_principal()).token;
  const auto dot = token.find('.');

  SECTION("signed with another secret") {
    Config other = config;
    other.token_secret = "another-secret-that-is-long-enough-0123456789";
    TokenService forger(other);
    auto result = verify(tokens, forger.issue_access(sample_principal()).token);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == make_error_code(TokenError::bad_signature));
  }
  SECTION("claims changed after signing") {
    auto result = verify(tokens, flip_char(token, dot / 2));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == make_error_code(TokenError::bad_signature));
  }
  SECTION("signature changed") {
    auto result = verify(tokens, flip_char(token, dot + 3));
    REQUIRE_FALSE(result.has_value());
    CHECK((result.error() == make_error_code(TokenError::bad_signature) ||
           result.error() == make_error_code(TokenError::malformed)));
  }
  SECTION("garbage") {
    for (const std::string& bad :
         std::vector<std::string>{"", "abc", "a.b", ".", "abc.", token.substr(0, dot), token + "x",
                                  std::string(5000, 'a') + "." + "b"}) {
      auto result = verify(tokens, bad);
      CHECK_FALSE(result.has_value());
    }
  }
}

TEST_CASE("an expired token is rejected as expired", "[tokens]") {
  Config config;
  config.access_token_ttl = std::chrono::seconds(0);
  TokenService tokens(config);
  auto result = verify(tokens, tokens.issue_access(sample_principal()).token);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == make_error_code(TokenError::expired));
}

TEST_CASE("a token verified before still expires on time", "[tokens]") {
  Config config;
  config.access_token_ttl = std::chrono::seconds(1);
  TokenService tokens(config);
  const auto issued = tokens.issue_access(sample_principal());
  REQUIRE(verify(tokens, issued.token).has_value());  // now remembered as verified
  while (std::chrono::system_clock::now() <= issued.expires_at) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto late = verify(tokens, issued.token);
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error() == make_error_code(TokenError::expired));
}

TEST_CASE("a revoked token is refused, other tokens of the account still pass", "[tokens]") {
  Config config;
  TokenService tokens(config);
  const auto first = tokens.issue_access(sample_principal());
  const auto second = tokens.issue_access(sample_principal());
  REQUIRE(verify(tokens, first.token).has_value());

  tokens.apply(Revocation{sample_principal().account_id, first.token_id, std::nullopt,
                          milliseconds_since_epoch(first.expires_at)});
  auto refused = verify(tokens, first.token);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == make_error_code(TokenError::revoked));
  CHECK(verify(tokens, second.token).has_value());
}

TEST_CASE("revoking an account's tokens up to now refuses older tokens, not newer ones",
          "[tokens]") {
  Config config;
  TokenService tokens(config);
  const auto before = tokens.issue_access(sample_principal());
  const auto mark_ms = milliseconds_since_epoch(std::chrono::system_clock::now());
  tokens.apply(Revocation{sample_principal().account_id, std::nullopt, mark_ms,
                          mark_ms + std::chrono::milliseconds(config.access_token_ttl).count()});
  // A token issued in the same millisecond as the mark is covered too; step past it.
  const auto mark_passed = std::chrono::system_clock::now() + std::chrono::milliseconds(2);
  while (std::chrono::system_clock::now() < mark_passed) {
  }
  const auto after = tokens.issue_access(sample_principal());

  auto refused = verify(tokens, before.token);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == make_error_code(TokenError::revoked));
  CHECK(verify(tokens, after.token).has_value());

  Principal someone_else = sample_principal();
  someone_else.account_id = 99;
  CHECK(verify(tokens, tokens.issue_access(someone_else).token).has_value());
}

TEST_CASE("with a feed attached, a stale list and an unreadable MySQL fail closed", "[tokens]") {
  Config config;
  TokenService tokens(config);
  const auto token = tokens.issue_access(sample_principal()).token;
  REQUIRE(verify(tokens, token).has_value());  // no feed: the local list is all there is

  boost::asio::io_context io;
  mysql::PoolOptions nowhere;
  nowhere.port = 1;  // nothing listens there
  nowhere.size = 1;
  nowhere.connect_timeout = std::chrono::seconds(1);
  mysql::Pool pool(io.get_executor(), nowhere);
  RevocationFeed feed(pool, tokens.revocations(), RevocationFeedOptions{});
  tokens.attach_feed(feed);  // never synced: the list may be missing revocations

  auto future = boost::asio::co_spawn(io, tokens.verify(token), boost::asio::use_future);
  io.run();
  CHECK_THROWS_AS(future.get(), ServiceUnavailable);
  pool.close();
}

TEST_CASE("a short secret is refused at start-up", "[tokens]") {
  Config config;
  config.token_secret = "short";
  CHECK_THROWS_AS(TokenService(config), std::invalid_argument);
}

// Access tokens without Redis: signing, forgery, tampering, expiry, and failing closed when the
// revocation list cannot be read.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/redis/client.hpp>

using namespace huicai;
using namespace huicai::auth;

namespace {

Principal sample_principal() {
  Principal principal;
  principal.account_id = 1234;
  principal.login = "li.lei";
  principal.roles = {Role::unit_buyer, Role::employee};
  principal.unit_id = 17;
  principal.unit_path = "/1/4/17/";
  return principal;
}

// Redis pointed at a port nothing listens on, never started: every command fails.
struct NoRedis {
  boost::asio::io_context io;
  redis::Client client{io.get_executor(), redis::ClientOptions{.host = "127.0.0.1", .port = 1}};
};

boost::system::result<Principal> verify(TokenService& tokens, NoRedis& redis,
                                        const std::string& token) {
  auto future = boost::asio::co_spawn(redis.io, tokens.verify(token), boost::asio::use_future);
  redis.io.restart();
  redis.io.run();
  return future.get();
}

std::string flip_char(std::string text, std::size_t index) {
  text[index] = text[index] == 'A' ? 'B' : 'A';
  return text;
}

}  // namespace

TEST_CASE("an issued token carries a token id prefixed by the account", "[tokens]") {
  Config config;
  NoRedis redis;
  TokenService tokens(config, redis.client);
  auto issued = tokens.issue_access(sample_principal());
  CHECK(issued.token_id.rfind("1234.", 0) == 0);
  CHECK(issued.token.find('.') != std::string::npos);
  const auto lifetime = issued.expires_at - std::chrono::system_clock::now();
  CHECK(lifetime > std::chrono::seconds(890));
  CHECK(lifetime <= std::chrono::seconds(900));
  CHECK(tokens.issue_access(sample_principal()).token_id != issued.token_id);
}

TEST_CASE("forged, tampered and malformed tokens are rejected before Redis", "[tokens]") {
  Config config;
  NoRedis redis;
  TokenService tokens(config, redis.client);
  const auto token = tokens.issue_access(sample_principal()).token;
  const auto dot = token.find('.');

  SECTION("signed with another secret") {
    Config other = config;
    other.token_secret = "another-secret-that-is-long-enough-0123456789";
    TokenService forger(other, redis.client);
    auto result = verify(tokens, redis, forger.issue_access(sample_principal()).token);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == make_error_code(TokenError::bad_signature));
  }
  SECTION("claims changed after signing") {
    auto result = verify(tokens, redis, flip_char(token, dot / 2));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == make_error_code(TokenError::bad_signature));
  }
  SECTION("signature changed") {
    auto result = verify(tokens, redis, flip_char(token, dot + 3));
    REQUIRE_FALSE(result.has_value());
    CHECK((result.error() == make_error_code(TokenError::bad_signature) ||
           result.error() == make_error_code(TokenError::malformed)));
  }
  SECTION("garbage") {
    for (const std::string& bad : std::vector<std::string>{"", "abc", "a.b", ".", "abc.", token.substr(0, dot), token + "x",
                            std::string(5000, 'a') + "." + "b"}) {
      auto result = verify(tokens, redis, bad);
      CHECK_FALSE(result.has_value());
    }
  }
}

TEST_CASE("an expired token is rejected as expired", "[tokens]") {
  Config config;
  config.access_token_ttl = std::chrono::seconds(0);
  NoRedis redis;
  TokenService tokens(config, redis.client);
  auto result = verify(tokens, redis, tokens.issue_access(sample_principal()).token);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == make_error_code(TokenError::expired));
}

TEST_CASE("a valid token fails closed when the revocation list is unreachable", "[tokens]") {
  Config config;
  NoRedis redis;
  TokenService tokens(config, redis.client);
  const auto token = tokens.issue_access(sample_principal()).token;
  CHECK_THROWS_AS(verify(tokens, redis, token), ServiceUnavailable);
}

TEST_CASE("a short secret is refused at start-up", "[tokens]") {
  Config config;
  config.token_secret = "short";
  NoRedis redis;
  CHECK_THROWS_AS(TokenService(config, redis.client), std::invalid_argument);
}

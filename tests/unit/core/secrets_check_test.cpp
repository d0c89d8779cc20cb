// The default-secret check: which variables it names for serving and for migrating, that a
// changed or development setting passes, and that the names are real configuration variables.
#include <algorithm>
#include <catch2/catch.hpp>
#include <huicai/core/app/secrets_check.hpp>
#include <huicai/core/config.hpp>

using huicai::Config;
using huicai::app::default_secrets;
using huicai::app::default_secrets_refusal;
using huicai::app::SecretUse;

namespace {

Config production_with_own_secrets() {
  Config config;
  config.environment = "production";
  config.token_secret = "a-token-key-only-this-deployment-knows-0123";
  config.mysql_password = "a-database-password";
  config.mysql_admin_password = "a-migrate-password";
  config.redis_password = "a-redis-password";
  config.payment_sandbox_secret = "a-sandbox-key";
  return config;
}

}  // namespace

TEST_CASE("built-in secrets are named for serve and for migrate", "[secrets]") {
  const Config defaults;
  CHECK(default_secrets(defaults, SecretUse::serve) ==
        std::vector<std::string>{"HUICAI_TOKEN_SECRET", "HUICAI_MYSQL_PASSWORD",
                                 "HUICAI_REDIS_PASSWORD"});
  CHECK(default_secrets(defaults, SecretUse::migrate) ==
        std::vector<std::string>{"HUICAI_MYSQL_ADMIN_PASSWORD"});

  Config sandbox = defaults;
  sandbox.payment_sandbox = true;
  CHECK(default_secrets(sandbox, SecretUse::serve) ==
        std::vector<std::string>{"HUICAI_TOKEN_SECRET", "HUICAI_MYSQL_PASSWORD",
                                 "HUICAI_REDIS_PASSWORD", "HUICAI_PAYMENT_SANDBOX_SECRET"});

  // Every name is a variable the configuration reads.
  const auto entries = Config::entries();
  for (const auto& name : default_secrets(sandbox, SecretUse::serve)) {
    CHECK(std::any_of(entries.begin(), entries.end(),
                      [&](const auto& entry) { return entry.name == name; }));
  }
}

TEST_CASE("production refuses a default or empty secret, naming each", "[secrets]") {
  Config config = production_with_own_secrets();
  CHECK_FALSE(default_secrets_refusal(config, SecretUse::serve));
  CHECK_FALSE(default_secrets_refusal(config, SecretUse::migrate));

  config.mysql_password = Config{}.mysql_password;
  auto refusal = default_secrets_refusal(config, SecretUse::serve);
  REQUIRE(refusal);
  CHECK(refusal->find("HUICAI_MYSQL_PASSWORD") != std::string::npos);
  CHECK(refusal->find("HUICAI_TOKEN_SECRET") == std::string::npos);
  CHECK(refusal->find('\n') == std::string::npos);  // one line

  config.mysql_password.clear();  // no password is no better than a published one
  CHECK(default_secrets_refusal(config, SecretUse::serve));

  config = production_with_own_secrets();
  config.payment_sandbox_secret = Config{}.payment_sandbox_secret;
  CHECK_FALSE(default_secrets_refusal(config, SecretUse::serve));  // sandbox off: unused
  config.payment_sandbox = true;
  refusal = default_secrets_refusal(config, SecretUse::serve);
  REQUIRE(refusal);
  CHECK(refusal->find("HUICAI_PAYMENT_SANDBOX_SECRET") != std::string::npos);

  config = production_with_own_secrets();
  config.mysql_admin_password = Config{}.mysql_admin_password;
  CHECK_FALSE(default_secrets_refusal(config, SecretUse::serve));
  refusal = default_secrets_refusal(config, SecretUse::migrate);
  REQUIRE(refusal);
  CHECK(refusal->find("HUICAI_MYSQL_ADMIN_PASSWORD") != std::string::npos);
}

TEST_CASE("development runs with the built-in secrets", "[secrets]") {
  Config config;
  config.environment = "development";
  config.payment_sandbox = true;
  CHECK_FALSE(default_secrets_refusal(config, SecretUse::serve));
  CHECK_FALSE(default_secrets_refusal(config, SecretUse::migrate));
  // Anything but the exact word is production.
  config.environment = "Development ";
  CHECK(default_secrets_refusal(config, SecretUse::serve));
}

// Which secrets still hold the values this repository publishes. A default is recognised by
// comparing with a default-constructed Config, so the values are written only once (config.hpp).
#include <huicai/core/app/secrets_check.hpp>

namespace huicai::app {
namespace {

struct Secret {
  const char* variable;
  std::string Config::*member;
};

bool is_default(const Config& config, const Config& defaults, std::string Config::*member) {
  return (config.*member).empty() || config.*member == defaults.*member;
}

}  // namespace

std::vector<std::string> default_secrets(const Config& config, SecretUse use) {
  const Config defaults;
  std::vector<Secret> needed;
  if (use == SecretUse::serve) {
    needed.push_back({"HUICAI_TOKEN_SECRET", &Config::token_secret});
    needed.push_back({"HUICAI_MYSQL_PASSWORD", &Config::mysql_password});
    needed.push_back({"HUICAI_REDIS_PASSWORD", &Config::redis_password});
    if (config.payment_sandbox) {
      needed.push_back({"HUICAI_PAYMENT_SANDBOX_SECRET", &Config::payment_sandbox_secret});
    }
  } else {
    needed.push_back({"HUICAI_MYSQL_ADMIN_PASSWORD", &Config::mysql_admin_password});
  }
  std::vector<std::string> found;
  for (const Secret& secret : needed) {
    if (is_default(config, defaults, secret.member)) found.emplace_back(secret.variable);
  }
  return found;
}

std::optional<std::string> default_secrets_refusal(const Config& config, SecretUse use) {
  if (config.environment == "development") return std::nullopt;
  const auto found = default_secrets(config, use);
  if (found.empty()) return std::nullopt;
  std::string names;
  for (const auto& name : found) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return "refusing to run: " + names + (found.size() == 1 ? " is" : " are") +
         " empty or the built-in development default, which anyone can read in the source; set " +
         (found.size() == 1 ? "it" : "them") +
         " (only a local stack may run with HUICAI_ENV=development)";
}

}  // namespace huicai::app

#pragma once
// The refusal to run outside development with a secret everybody knows: the built-in defaults of
// the token key, the sandbox channel's key and the database and Redis passwords are in this
// repository, so a server using one is open to anyone who reads it. HUICAI_ENV=development
// (deploy/up.sh, the test suite) allows them for a local stack.

#include <huicai/core/config.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::app {

// EX_CONFIG from sysexits.h: the process was configured wrong, restarting it will not help.
inline constexpr int kExitConfig = 78;

// What is about to run decides which secrets it needs.
enum class SecretUse {
  serve,    // token key, MySQL app and Redis passwords, sandbox key when the sandbox is on
  migrate,  // the MySQL migrate (DDL) user's password
};

// The variables among those `use` needs whose value is empty or the built-in default, in the
// order of the configuration table. Empty when there are none (whatever HUICAI_ENV says).
std::vector<std::string> default_secrets(const Config& config, SecretUse use);

// The one line to print before exiting with kExitConfig, naming every such variable; nullopt
// when `config` may run `use` (no default secret, or HUICAI_ENV=development).
std::optional<std::string> default_secrets_refusal(const Config& config, SecretUse use);

}  // namespace huicai::app

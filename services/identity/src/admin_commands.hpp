#pragma once
// huicai-identity-admin: create units and accounts, grant roles, reset passwords from a shell,
// straight on the database (no HTTP, no token), each change audited with actor "cli".

#include <huicai/core/config.hpp>
#include <map>
#include <string>
#include <vector>

namespace huicai::identity {

// argv without the program name, e.g. {"grant-role", "--login", "li.lei", "--role", "finance"}.
// Prints what it did (or the usage) and returns the process exit code.
int run_admin_command(const std::vector<std::string>& arguments);

// `huicai totp-code --login LOGIN` (app::ServiceEntry::run_command): prints the account's
// current TOTP code, for the demo. Refused unless HUICAI_ENV=development. Returns
// app::kNotThisCommand for any other command.
int run_service_command(const Config& config, const std::vector<std::string>& arguments);

}  // namespace huicai::identity

#pragma once
// huicai-identity-admin: create units and accounts, grant roles, reset passwords from a shell,
// straight on the database (no HTTP, no token), each change audited with actor "cli".

#include <map>
#include <string>
#include <vector>

namespace huicai::identity {

// argv without the program name, e.g. {"grant-role", "--login", "li.lei", "--role", "finance"}.
// Prints what it did (or the usage) and returns the process exit code.
int run_admin_command(const std::vector<std::string>& arguments);

}  // namespace huicai::identity

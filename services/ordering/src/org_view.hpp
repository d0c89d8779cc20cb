#pragma once
// Reads identity's published views (the contract with identity, db/migrations/0109):
// `identity_org_unit_directory` and `identity_account_directory`, inside ordering's own
// transaction. A unit's path and an account's unit come from here, never from a request body:
// they decide whose money a request moves. Ordering never writes identity tables.

#include <cstdint>
#include <optional>
#include <string>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

struct OrgUnit {
  std::int64_t unit_id = 0;
  std::optional<std::int64_t> parent_unit_id;  // none for the group at the root
  std::string unit_path;                       // "/1/2/6/"
};

struct DirectoryAccount {
  std::int64_t account_id = 0;
  std::optional<std::int64_t> unit_id;  // none for accounts without a home unit
  std::string unit_path;                // "" without a unit
  std::optional<std::int64_t> created_by_account_id;
};

std::optional<OrgUnit> read_org_unit(mysql::Session& session, std::int64_t unit_id);
std::optional<DirectoryAccount> read_directory_account(mysql::Session& session,
                                                       std::int64_t account_id);

// True when `creator_id` created the account within the last `days` days (by the database's
// clock, which also stamped the account's creation).
bool created_recently_by(mysql::Session& session, std::int64_t account_id, std::int64_t creator_id,
                         int days);

}  // namespace huicai::ordering

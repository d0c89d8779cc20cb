#pragma once
// SQL for the org tree (identity_org_units). Blocking functions on a pool Session: call them
// inside pool.run / pool.transaction, never from the I/O thread.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

struct OrgUnit {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> parent_id;
  std::string code;
  std::string name;
  std::string kind;
  std::string path;  // "/1/4/17/"
  int depth = 0;
};

// Kinds of org unit; anything else is rejected with 422.
bool is_known_unit_kind(std::string_view kind);

std::optional<OrgUnit> find_unit(mysql::Session& session, std::uint64_t id);
std::optional<OrgUnit> find_unit_by_code(mysql::Session& session, const std::string& code);

// Inserts a unit below `parent` (or a root when null) and sets its path. Throws Problem 409
// "unit-code-taken" when the code exists. Call inside a transaction.
OrgUnit insert_unit(mysql::Session& session, const std::optional<OrgUnit>& parent,
                    const std::string& code, const std::string& name, const std::string& kind);

struct UnitListing {
  std::string path_prefix;                 // "" = every unit; "/1/4/" = that subtree
  bool exact_path = false;                 // true: only the unit whose path equals the prefix
  std::optional<std::uint64_t> parent_id;  // only direct children of this unit
  std::uint64_t after_id = 0;              // keyset cursor: ids greater than this
  std::size_t limit = 50;
};
std::vector<OrgUnit> list_units(mysql::Session& session, const UnitListing& listing);

boost::json::object to_json(const OrgUnit& unit);

}  // namespace huicai::identity

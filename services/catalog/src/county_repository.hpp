#pragma once
// SQL for catalog_counties.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {

struct CountyFields {
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> province;
  std::optional<std::string> prefecture;
  std::optional<std::string> assistance_kind;
  std::optional<bool> deep_poverty;
  std::optional<bool> listed_supervision;
  std::optional<bool> old_revolutionary_area;
  std::optional<std::string> paired_org_unit_code;
  std::optional<std::int64_t> paired_org_unit_id;
};

boost::json::array list_counties(mysql::Session& session);
std::optional<boost::json::object> find_county(mysql::Session& session, std::int64_t id);
std::optional<std::int64_t> find_county_id_by_code(mysql::Session& session,
                                                   const std::string& code);
bool county_exists(mysql::Session& session, std::int64_t id);
// Inserts with an explicit id when given (demo data); returns the id. Duplicate code -> throws.
std::int64_t insert_county(mysql::Session& session, const CountyFields& fields,
                           std::optional<std::int64_t> explicit_id = std::nullopt);
// Compare-and-set on version when expected_version is set. Returns rows changed (0 or 1).
int update_county(mysql::Session& session, std::int64_t id,
                  std::optional<std::int64_t> expected_version, const CountyFields& fields);

}  // namespace huicai::catalog

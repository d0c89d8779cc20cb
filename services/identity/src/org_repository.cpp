#include "org_repository.hpp"

#include <cppconn/exception.h>

#include <array>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::identity {

namespace {

constexpr std::array<std::string_view, 7> kUnitKinds = {
    "group", "subsidiary", "department", "canteen", "union", "office", "unit"};

constexpr const char* kColumns = "id, parent_id, code, name, kind, path, depth";

OrgUnit read_unit(sql::ResultSet& row) {
  OrgUnit unit;
  unit.id = row.getUInt64("id");
  auto parent = mysql::get_optional_int64(row, "parent_id");
  if (parent) unit.parent_id = static_cast<std::uint64_t>(*parent);
  unit.code = mysql::get_string(row, "code");
  unit.name = mysql::get_string(row, "name");
  unit.kind = mysql::get_string(row, "kind");
  unit.path = mysql::get_string(row, "path");
  unit.depth = row.getInt("depth");
  return unit;
}

std::optional<OrgUnit> first_unit(sql::PreparedStatement& statement) {
  auto rows = mysql::query(statement);
  if (!rows->next()) return std::nullopt;
  return read_unit(*rows);
}

}  // namespace

bool is_known_unit_kind(std::string_view kind) {
  for (auto known : kUnitKinds) {
    if (known == kind) return true;
  }
  return false;
}

std::optional<OrgUnit> find_unit(mysql::Session& session, std::uint64_t id) {
  auto& select =
      session.prepare(std::string("SELECT ") + kColumns + " FROM identity_org_units WHERE id = ?");
  mysql::bind(select, id);
  return first_unit(select);
}

std::optional<OrgUnit> find_unit_by_code(mysql::Session& session, const std::string& code) {
  auto& select = session.prepare(std::string("SELECT ") + kColumns +
                                 " FROM identity_org_units WHERE code = ?");
  mysql::bind(select, code);
  return first_unit(select);
}

OrgUnit insert_unit(mysql::Session& session, const std::optional<OrgUnit>& parent,
                    const std::string& code, const std::string& name, const std::string& kind) {
  auto& insert = session.prepare(
      "INSERT INTO identity_org_units (parent_id, code, name, kind, path, depth) "
      "VALUES (?, ?, ?, ?, '', ?)");
  const int depth = parent ? parent->depth + 1 : 0;
  std::optional<std::uint64_t> parent_id;
  if (parent) parent_id = parent->id;
  mysql::bind(insert, parent_id, code, name, kind, depth);
  try {
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() == mysql::kErrorDuplicateKey) {
      throw http::Problem(409, "unit-code-taken", "Unit code already exists",
                          "another org unit has the code " + code);
    }
    throw;
  }
  OrgUnit unit;
  {
    auto& last = session.prepare("SELECT LAST_INSERT_ID() AS id");
    auto rows = mysql::query(last);
    rows->next();
    unit.id = rows->getUInt64("id");
  }
  // The path needs the new id, so it is set right after the insert, in the same transaction.
  unit.path = (parent ? parent->path : std::string("/")) + std::to_string(unit.id) + "/";
  auto& set_path = session.prepare("UPDATE identity_org_units SET path = ? WHERE id = ?");
  mysql::bind(set_path, unit.path, unit.id);
  set_path.executeUpdate();
  unit.parent_id = parent_id;
  unit.code = code;
  unit.name = name;
  unit.kind = kind;
  unit.depth = depth;
  return unit;
}

std::vector<OrgUnit> list_units(mysql::Session& session, const UnitListing& listing) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM identity_org_units WHERE id > ?";
  if (listing.exact_path) {
    sql += " AND path = ?";
  } else {
    // LIKE with a prefix of digits and slashes only: no wildcard characters to escape.
    sql += " AND path LIKE CONCAT(?, '%')";
  }
  if (listing.parent_id) sql += " AND parent_id = ?";
  sql += " ORDER BY id LIMIT ?";
  auto& select = session.prepare(sql);
  const auto limit = static_cast<std::int64_t>(listing.limit);
  if (listing.parent_id) {
    mysql::bind(select, listing.after_id, listing.path_prefix, *listing.parent_id, limit);
  } else {
    mysql::bind(select, listing.after_id, listing.path_prefix, limit);
  }
  auto rows = mysql::query(select);
  std::vector<OrgUnit> units;
  while (rows->next()) units.push_back(read_unit(*rows));
  return units;
}

boost::json::object to_json(const OrgUnit& unit) {
  boost::json::object object;
  object["id"] = unit.id;
  object["parent_id"] = unit.parent_id ? boost::json::value(*unit.parent_id) : nullptr;
  object["code"] = unit.code;
  object["name"] = unit.name;
  object["kind"] = unit.kind;
  object["path"] = unit.path;
  object["depth"] = unit.depth;
  return object;
}

}  // namespace huicai::identity

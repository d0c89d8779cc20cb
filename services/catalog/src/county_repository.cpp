#include "county_repository.hpp"

#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kColumns =
    "id, code, name, province, prefecture, assistance_kind, deep_poverty, listed_supervision, "
    "old_revolutionary_area, paired_org_unit_code, paired_org_unit_id, version";

boost::json::object county_json(sql::ResultSet& row) {
  boost::json::object county;
  county["id"] = row.getInt64("id");
  county["code"] = mysql::get_string(row, "code");
  county["name"] = mysql::get_string(row, "name");
  county["province"] = mysql::get_string(row, "province");
  county["prefecture"] = mysql::get_string(row, "prefecture");
  county["assistance_kind"] = mysql::get_string(row, "assistance_kind");
  county["deep_poverty"] = row.getInt("deep_poverty") != 0;
  county["listed_supervision"] = row.getInt("listed_supervision") != 0;
  county["old_revolutionary_area"] = row.getInt("old_revolutionary_area") != 0;
  county["paired_org_unit_code"] = nullable_string(row, "paired_org_unit_code");
  county["paired_org_unit_id"] = nullable_int(row, "paired_org_unit_id");
  county["version"] = row.getInt64("version");
  return county;
}

int flag(const std::optional<bool>& value) {
  return value.value_or(false) ? 1 : 0;
}

}  // namespace

boost::json::array list_counties(mysql::Session& session) {
  auto& select =
      session.prepare(std::string("SELECT ") + kColumns + " FROM catalog_counties ORDER BY id");
  auto rows = mysql::query(select);
  boost::json::array items;
  while (rows->next()) items.push_back(county_json(*rows));
  return items;
}

std::optional<boost::json::object> find_county(mysql::Session& session, std::int64_t id) {
  auto& select =
      session.prepare(std::string("SELECT ") + kColumns + " FROM catalog_counties WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  if (!row->next()) return std::nullopt;
  return county_json(*row);
}

std::optional<std::int64_t> find_county_id_by_code(mysql::Session& session,
                                                   const std::string& code) {
  auto& select = session.prepare("SELECT id FROM catalog_counties WHERE code = ?");
  auto row = mysql::query(mysql::bind(select, code));
  if (!row->next()) return std::nullopt;
  return row->getInt64("id");
}

bool county_exists(mysql::Session& session, std::int64_t id) {
  auto& select = session.prepare("SELECT 1 FROM catalog_counties WHERE id = ?");
  return mysql::query(mysql::bind(select, id))->next();
}

std::int64_t insert_county(mysql::Session& session, const CountyFields& fields,
                           std::optional<std::int64_t> explicit_id) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_counties (id, code, name, province, prefecture, assistance_kind, "
      "deep_poverty, listed_supervision, old_revolutionary_area, paired_org_unit_code, "
      "paired_org_unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, explicit_id, *fields.code, *fields.name, *fields.province, *fields.prefecture,
              *fields.assistance_kind, flag(fields.deep_poverty), flag(fields.listed_supervision),
              flag(fields.old_revolutionary_area), fields.paired_org_unit_code,
              fields.paired_org_unit_id);
  insert.executeUpdate();
  return explicit_id ? *explicit_id : last_insert_id(session);
}

int update_county(mysql::Session& session, std::int64_t id,
                  std::optional<std::int64_t> expected_version, const CountyFields& fields) {
  // COALESCE keeps columns the patch does not name; the version guard makes it a CAS.
  auto& update = session.prepare(
      "UPDATE catalog_counties SET name = COALESCE(?, name), province = COALESCE(?, province), "
      "prefecture = COALESCE(?, prefecture), assistance_kind = COALESCE(?, assistance_kind), "
      "deep_poverty = COALESCE(?, deep_poverty), "
      "listed_supervision = COALESCE(?, listed_supervision), "
      "old_revolutionary_area = COALESCE(?, old_revolutionary_area), "
      "paired_org_unit_code = COALESCE(?, paired_org_unit_code), "
      "paired_org_unit_id = COALESCE(?, paired_org_unit_id), "
      "version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND (? IS NULL OR version = ?)");
  const auto as_int = [](const std::optional<bool>& value) -> std::optional<std::int64_t> {
    if (!value) return std::nullopt;
    return *value ? 1 : 0;
  };
  mysql::bind(update, fields.name, fields.province, fields.prefecture, fields.assistance_kind,
              as_int(fields.deep_poverty), as_int(fields.listed_supervision),
              as_int(fields.old_revolutionary_area), fields.paired_org_unit_code,
              fields.paired_org_unit_id, id, expected_version, expected_version);
  return update.executeUpdate();
}

}  // namespace huicai::catalog

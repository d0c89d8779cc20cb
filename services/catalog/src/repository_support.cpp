#include "repository_support.hpp"

namespace huicai::catalog {

std::int64_t last_insert_id(mysql::Session& session) {
  auto& select = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto row = mysql::query(select);
  row->next();
  return row->getInt64("id");
}

bool is_duplicate_key(const sql::SQLException& error) {
  return error.getErrorCode() == mysql::kErrorDuplicateKey;
}

RowState read_row_state(mysql::Session& session, const std::string& table, std::int64_t id) {
  std::string columns = "version";
  if (table == "catalog_products") columns += ", status, supplier_id, county_id";
  if (table == "catalog_suppliers") columns += ", status, id AS supplier_id, county_id";
  if (table == "catalog_certifications") columns += ", status, county_id";
  if (table == "catalog_counties") columns += ", id AS county_id";
  auto& select = session.prepare("SELECT " + columns + " FROM " + table + " WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  RowState state;
  if (!row->next()) return state;
  state.exists = true;
  state.version = row->getInt64("version");
  const auto has = [&](const char* column) { return columns.find(column) != std::string::npos; };
  if (has("status")) state.status = mysql::get_string(*row, "status");
  if (has("supplier_id")) state.supplier_id = row->getInt64("supplier_id");
  if (has("county_id")) state.county_id = row->getInt64("county_id");
  return state;
}

boost::json::value nullable_int(sql::ResultSet& row, const char* column) {
  const auto value = mysql::get_optional_int64(row, column);
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

boost::json::value nullable_string(sql::ResultSet& row, const char* column) {
  const auto value = mysql::get_optional_string(row, column);
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

}  // namespace huicai::catalog

#include "http_support.hpp"

namespace huicai::catalog {

void throw_cas_failure(const RowState& state, std::optional<std::int64_t> expected,
                       std::string_view what, std::string_view action) {
  if (!state.exists) throw not_found(what);
  if (expected && *expected != state.version) throw precondition_failed(state.version);
  throw http::Problem(409, "invalid-transition", "Not allowed in this state",
                      std::string(what) + " is " + state.status + ": cannot " + std::string(action))
      .with("status", boost::json::string(state.status));
}

}  // namespace huicai::catalog

#include "certification_repository.hpp"

#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT c.id, c.certificate_number, c.issuing_body, c.scope, c.target_id, c.county_id, "
    "DATE_FORMAT(c.valid_from, '%Y-%m-%d') AS valid_from, "
    "DATE_FORMAT(c.valid_to, '%Y-%m-%d') AS valid_to, c.status, c.status_reason, c.version, "
    "(c.status = 'active' AND c.valid_from <= CURRENT_DATE AND c.valid_to >= CURRENT_DATE) "
    "AS valid_today FROM catalog_certifications c ";

boost::json::object certification_json(sql::ResultSet& row) {
  boost::json::object certification;
  certification["id"] = row.getInt64("id");
  certification["certificate_number"] = mysql::get_string(row, "certificate_number");
  certification["issuing_body"] = mysql::get_string(row, "issuing_body");
  certification["scope"] = mysql::get_string(row, "scope");
  certification["target_id"] = row.getInt64("target_id");
  certification["county_id"] = row.getInt64("county_id");
  certification["valid_from"] = mysql::get_string(row, "valid_from");
  certification["valid_to"] = mysql::get_string(row, "valid_to");
  certification["status"] = mysql::get_string(row, "status");
  certification["status_reason"] = nullable_string(row, "status_reason");
  certification["valid_today"] = row.getInt("valid_today") != 0;
  certification["version"] = row.getInt64("version");
  return certification;
}

}  // namespace

std::optional<boost::json::object> find_certification(mysql::Session& session, std::int64_t id) {
  auto& select = session.prepare(std::string(kSelect) + "WHERE c.id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  if (!row->next()) return std::nullopt;
  return certification_json(*row);
}

boost::json::array list_certifications(mysql::Session& session, const CertificationFilter& filter) {
  auto& select = session.prepare(
      std::string(kSelect) +
      "WHERE c.id > ? AND (? IS NULL OR c.scope = ?) AND (? IS NULL OR c.target_id = ?) "
      "AND (? IS NULL OR c.county_id = ?) "
      "AND (? IS NULL OR (c.scope = 'supplier' AND c.target_id = ?) OR (c.scope = 'product' AND "
      "c.target_id IN (SELECT p.id FROM catalog_products p WHERE p.supplier_id = ?))) "
      "ORDER BY c.id LIMIT ?");
  mysql::bind(select, filter.after_id, filter.scope, filter.scope, filter.target_id,
              filter.target_id, filter.county_id, filter.county_id, filter.supplier_id,
              filter.supplier_id, filter.supplier_id, filter.limit);
  auto rows = mysql::query(select);
  boost::json::array items;
  while (rows->next()) items.push_back(certification_json(*rows));
  return items;
}

std::optional<std::int64_t> find_certification_id(mysql::Session& session,
                                                  const std::string& issuing_body,
                                                  const std::string& certificate_number) {
  auto& select = session.prepare(
      "SELECT id FROM catalog_certifications WHERE issuing_body = ? AND certificate_number = ?");
  auto row = mysql::query(mysql::bind(select, issuing_body, certificate_number));
  if (!row->next()) return std::nullopt;
  return row->getInt64("id");
}

std::optional<CertificationTarget> find_certification_target(mysql::Session& session,
                                                             const std::string& scope,
                                                             std::int64_t target_id) {
  auto& select = session.prepare(
      scope == "product"
          ? "SELECT county_id, supplier_id FROM catalog_products WHERE id = ?"
          : "SELECT county_id, id AS supplier_id FROM catalog_suppliers WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, target_id));
  if (!row->next()) return std::nullopt;
  return CertificationTarget{row->getInt64("county_id"), row->getInt64("supplier_id")};
}

std::int64_t insert_certification(mysql::Session& session, const CertificationFields& fields,
                                  std::int64_t county_id, std::int64_t actor) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, "
      "county_id, valid_from, valid_to, created_by_account_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, fields.certificate_number, fields.issuing_body, fields.scope,
              fields.target_id, county_id, fields.valid_from, fields.valid_to, actor);
  insert.executeUpdate();
  return last_insert_id(session);
}

int revoke_certification(mysql::Session& session, std::int64_t id,
                         std::optional<std::int64_t> expected_version, const std::string& reason) {
  auto& update = session.prepare(
      "UPDATE catalog_certifications SET status = 'revoked', status_reason = ?, "
      "version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND status = 'active' AND (? IS NULL OR version = ?)");
  mysql::bind(update, reason, id, expected_version, expected_version);
  return update.executeUpdate();
}

boost::json::value current_certification(mysql::Session& session, std::int64_t product_id,
                                         std::int64_t supplier_id) {
  // Same choice as the catalog_orderable_sku view: valid today, the one valid longest.
  auto& select = session.prepare(
      std::string(kSelect) +
      "WHERE c.status = 'active' AND c.valid_from <= CURRENT_DATE AND c.valid_to >= CURRENT_DATE "
      "AND ((c.scope = 'product' AND c.target_id = ?) OR (c.scope = 'supplier' AND c.target_id = "
      "?)) ORDER BY c.valid_to DESC, c.id DESC LIMIT 1");
  auto row = mysql::query(mysql::bind(select, product_id, supplier_id));
  if (!row->next()) return nullptr;
  return certification_json(*row);
}

}  // namespace huicai::catalog

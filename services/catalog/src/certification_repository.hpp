#pragma once
// SQL for catalog_certifications.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {

struct CertificationFields {
  std::string certificate_number;
  std::string issuing_body;
  std::string scope;  // "product" | "supplier"
  std::int64_t target_id = 0;
  std::string valid_from;  // YYYY-MM-DD
  std::string valid_to;
};

struct CertificationFilter {
  std::optional<std::string> scope;
  std::optional<std::int64_t> target_id;
  std::optional<std::int64_t> county_id;
  std::optional<std::int64_t> supplier_id;  // certifications of this supplier or its products
  std::int64_t after_id = 0;
  int limit = 50;
};

std::optional<boost::json::object> find_certification(mysql::Session& session, std::int64_t id);
boost::json::array list_certifications(mysql::Session& session, const CertificationFilter& filter);
std::optional<std::int64_t> find_certification_id(mysql::Session& session,
                                                  const std::string& issuing_body,
                                                  const std::string& certificate_number);
// The target's county and supplier (nullopt when the target does not exist).
struct CertificationTarget {
  std::int64_t county_id = 0;
  std::int64_t supplier_id = 0;
};
std::optional<CertificationTarget> find_certification_target(mysql::Session& session,
                                                             const std::string& scope,
                                                             std::int64_t target_id);
std::int64_t insert_certification(mysql::Session& session, const CertificationFields& fields,
                                  std::int64_t county_id, std::int64_t actor);
int revoke_certification(mysql::Session& session, std::int64_t id,
                         std::optional<std::int64_t> expected_version, const std::string& reason);
// The active certification valid today for a product (product scope first by validity, or its
// supplier's), as shown on product detail. Null when none.
boost::json::value current_certification(mysql::Session& session, std::int64_t product_id,
                                         std::int64_t supplier_id);

}  // namespace huicai::catalog

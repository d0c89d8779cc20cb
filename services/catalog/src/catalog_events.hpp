#pragma once
// Catalog events, written to catalog_outbox inside the caller's transaction (the relay
// publishes them to the "catalog" stream). Payloads are the messages of
// proto/huicai/events/v1/catalog.proto.

#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/audit.hpp>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}
namespace huicai::http {
struct Request;
}

namespace huicai::catalog {

inline constexpr const char* kOutboxTable = "catalog_outbox";
inline constexpr const char* kProducer = "catalog";
inline constexpr const char* kStream = "catalog";

// Reads the product and its active SKUs in the same transaction for the payload.
void enqueue_product_listed(mysql::Session& session, std::int64_t product_id,
                            std::int64_t actor_account_id, const std::string& request_id);
void enqueue_product_delisted(mysql::Session& session, std::int64_t product_id,
                              const std::string& reason, std::int64_t actor_account_id,
                              const std::string& request_id);

struct PriceChange {
  std::int64_t sku_id = 0;
  std::int64_t product_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  std::int64_t old_price_fen = 0;
  std::int64_t new_price_fen = 0;
  std::int64_t price_history_id = 0;
};
void enqueue_price_changed(mysql::Session& session, const PriceChange& change,
                           std::int64_t actor_account_id, const std::string& request_id);

// change: "created" or "revoked"; reads the certification row for the payload.
void enqueue_certification_changed(mysql::Session& session, std::int64_t certification_id,
                                   const std::string& change, std::int64_t actor_account_id,
                                   const std::string& request_id);

// Status steps of suppliers and products; read the row (after the step) in the same
// transaction for the payload.
void enqueue_supplier_status_changed(mysql::Session& session, std::int64_t supplier_id,
                                     const std::string& from_status, const std::string& reason,
                                     std::int64_t actor_account_id, const std::string& request_id);
void enqueue_product_status_changed(mysql::Session& session, std::int64_t product_id,
                                    const std::string& from_status, const std::string& reason,
                                    std::int64_t actor_account_id, const std::string& request_id);
// Reads the decided review for the payload.
void enqueue_price_review_decided(mysql::Session& session, std::int64_t review_id,
                                  std::int64_t actor_account_id, const std::string& request_id);

// change: "created" or "ended"; reads the campaign, its featured products and its SKUs (with
// their supplier and county) in the same transaction for the payload.
void enqueue_campaign_changed(mysql::Session& session, std::int64_t campaign_id,
                              const std::string& change, std::int64_t actor_account_id,
                              const std::string& request_id);

// When the supplier applied itself (catalog_supplier_applications): its approval, with the
// set-up secret's hash, for identity to create the first staff account. Nothing otherwise.
void enqueue_supplier_application_approved(mysql::Session& session, std::int64_t supplier_id,
                                           std::int64_t actor_account_id,
                                           const std::string& request_id);

// Audit trail: a change made as operator or county officer is recorded in catalog_outbox in the
// caller's transaction (identity files it in the audit log); the same call by supplier staff
// records nothing (huicai/core/audit.hpp, record_privileged).
void audit_change(mysql::Session& session, const http::Request& request,
                  const audit::Change& change);
// The same, whatever role the caller acted in (supplier staff included): for changes that must
// leave a trail whoever made them, like a bank account change request.
void audit_always(mysql::Session& session, const http::Request& request,
                  const audit::Change& change);
// The member names of a PATCH body: the fields whose before/after values the summary shows.
std::vector<std::string> changed_keys(const boost::json::object& body);

}  // namespace huicai::catalog

#include "catalog_events.hpp"

#include <huicai/events/v1/catalog.pb.h>

#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::catalog {
namespace {

void enqueue(mysql::Session& session, std::string type, std::int64_t aggregate_id,
             const google::protobuf::Message& message, const std::string& request_id) {
  events::OutgoingEvent event;
  event.stream = kStream;
  event.type = std::move(type);
  event.aggregate_id = std::to_string(aggregate_id);
  event.payload = message.SerializeAsString();
  event.request_id = request_id;
  events::enqueue(session, kOutboxTable, kProducer, event);
}

}  // namespace

void enqueue_product_listed(mysql::Session& session, std::int64_t product_id,
                            std::int64_t actor_account_id, const std::string& request_id) {
  events::v1::ProductListed message;
  {
    auto& select = session.prepare(
        "SELECT supplier_id, county_id, category_id, title, version FROM catalog_products "
        "WHERE id = ?");
    auto row = mysql::query(mysql::bind(select, product_id));
    if (!row->next()) return;
    message.set_product_id(product_id);
    message.set_supplier_id(row->getInt64("supplier_id"));
    message.set_county_id(row->getInt64("county_id"));
    message.set_category_id(row->getInt64("category_id"));
    message.set_title(mysql::get_string(*row, "title"));
    message.set_version(row->getInt64("version"));
    message.set_actor_account_id(actor_account_id);
  }
  auto& skus = session.prepare(
      "SELECT id, spec, sale_unit, net_weight_grams, price_fen FROM catalog_skus "
      "WHERE product_id = ? AND status = 'active' ORDER BY position, id");
  auto rows = mysql::query(mysql::bind(skus, product_id));
  while (rows->next()) {
    auto* sku = message.add_skus();
    sku->set_sku_id(rows->getInt64("id"));
    sku->set_spec(mysql::get_string(*rows, "spec"));
    sku->set_sale_unit(mysql::get_string(*rows, "sale_unit"));
    sku->set_net_weight_grams(rows->getInt64("net_weight_grams"));
    sku->set_price_fen(rows->getInt64("price_fen"));
  }
  enqueue(session, "catalog.product_listed.v1", product_id, message, request_id);
}

void enqueue_product_delisted(mysql::Session& session, std::int64_t product_id,
                              const std::string& reason, std::int64_t actor_account_id,
                              const std::string& request_id) {
  events::v1::ProductDelisted message;
  auto& select =
      session.prepare("SELECT supplier_id, county_id, version FROM catalog_products WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, product_id));
  if (!row->next()) return;
  message.set_product_id(product_id);
  message.set_supplier_id(row->getInt64("supplier_id"));
  message.set_county_id(row->getInt64("county_id"));
  message.set_reason(reason);
  message.set_version(row->getInt64("version"));
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.product_delisted.v1", product_id, message, request_id);
}

void enqueue_price_changed(mysql::Session& session, const PriceChange& change,
                           std::int64_t actor_account_id, const std::string& request_id) {
  events::v1::PriceChanged message;
  message.set_sku_id(change.sku_id);
  message.set_product_id(change.product_id);
  message.set_supplier_id(change.supplier_id);
  message.set_county_id(change.county_id);
  message.set_old_price_fen(change.old_price_fen);
  message.set_new_price_fen(change.new_price_fen);
  message.set_price_history_id(change.price_history_id);
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.price_changed.v1", change.product_id, message, request_id);
}

void enqueue_certification_changed(mysql::Session& session, std::int64_t certification_id,
                                   const std::string& change, std::int64_t actor_account_id,
                                   const std::string& request_id) {
  auto& select = session.prepare(
      "SELECT certificate_number, issuing_body, scope, target_id, county_id, "
      "DATE_FORMAT(valid_from, '%Y-%m-%d') AS valid_from, "
      "DATE_FORMAT(valid_to, '%Y-%m-%d') AS valid_to, status "
      "FROM catalog_certifications WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, certification_id));
  if (!row->next()) return;
  events::v1::CertificationChanged message;
  message.set_certification_id(certification_id);
  message.set_change(change == "revoked" ? events::v1::CertificationChanged::REVOKED
                                         : events::v1::CertificationChanged::CREATED);
  message.set_certificate_number(mysql::get_string(*row, "certificate_number"));
  message.set_issuing_body(mysql::get_string(*row, "issuing_body"));
  message.set_scope(mysql::get_string(*row, "scope"));
  message.set_target_id(row->getInt64("target_id"));
  message.set_county_id(row->getInt64("county_id"));
  message.set_valid_from(mysql::get_string(*row, "valid_from"));
  message.set_valid_to(mysql::get_string(*row, "valid_to"));
  message.set_status(mysql::get_string(*row, "status"));
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.certification_changed.v1", certification_id, message, request_id);
}

void enqueue_supplier_status_changed(mysql::Session& session, std::int64_t supplier_id,
                                     const std::string& from_status, const std::string& reason,
                                     std::int64_t actor_account_id, const std::string& request_id) {
  auto& select = session.prepare(
      "SELECT county_id, name, kind, status, version FROM catalog_suppliers WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, supplier_id));
  if (!row->next()) return;
  events::v1::SupplierStatusChanged message;
  message.set_supplier_id(supplier_id);
  message.set_county_id(row->getInt64("county_id"));
  message.set_name(mysql::get_string(*row, "name"));
  message.set_kind(mysql::get_string(*row, "kind"));
  message.set_from_status(from_status);
  message.set_to_status(mysql::get_string(*row, "status"));
  message.set_reason(reason);
  message.set_version(row->getInt64("version"));
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.supplier_status_changed.v1", supplier_id, message, request_id);
}

void enqueue_product_status_changed(mysql::Session& session, std::int64_t product_id,
                                    const std::string& from_status, const std::string& reason,
                                    std::int64_t actor_account_id, const std::string& request_id) {
  auto& select = session.prepare(
      "SELECT supplier_id, county_id, category_id, status, version FROM catalog_products "
      "WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, product_id));
  if (!row->next()) return;
  events::v1::ProductStatusChanged message;
  message.set_product_id(product_id);
  message.set_supplier_id(row->getInt64("supplier_id"));
  message.set_county_id(row->getInt64("county_id"));
  message.set_category_id(row->getInt64("category_id"));
  message.set_from_status(from_status);
  message.set_to_status(mysql::get_string(*row, "status"));
  message.set_reason(reason);
  message.set_version(row->getInt64("version"));
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.product_status_changed.v1", product_id, message, request_id);
}

void enqueue_price_review_decided(mysql::Session& session, std::int64_t review_id,
                                  std::int64_t actor_account_id, const std::string& request_id) {
  auto& select = session.prepare(
      "SELECT r.sku_id, r.product_id, p.supplier_id, p.county_id, r.price_fen, r.reference_fen, "
      "r.margin_bp, r.status, COALESCE(r.decision_reason, '') AS reason "
      "FROM catalog_price_reviews r JOIN catalog_products p ON p.id = r.product_id "
      "WHERE r.id = ?");
  auto row = mysql::query(mysql::bind(select, review_id));
  if (!row->next()) return;
  events::v1::PriceReviewDecided message;
  message.set_review_id(review_id);
  message.set_sku_id(row->getInt64("sku_id"));
  message.set_product_id(row->getInt64("product_id"));
  message.set_supplier_id(row->getInt64("supplier_id"));
  message.set_county_id(row->getInt64("county_id"));
  message.set_price_fen(row->getInt64("price_fen"));
  message.set_reference_fen(row->getInt64("reference_fen"));
  message.set_margin_bp(row->getInt64("margin_bp"));
  message.set_decision(mysql::get_string(*row, "status"));
  message.set_reason(mysql::get_string(*row, "reason"));
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.price_review_decided.v1", message.product_id(), message, request_id);
}

void enqueue_campaign_changed(mysql::Session& session, std::int64_t campaign_id,
                              const std::string& change, std::int64_t actor_account_id,
                              const std::string& request_id) {
  auto& select = session.prepare(
      "SELECT code, name, kind, "
      "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', starts_at) AS starts_us, "
      "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ends_at) AS ends_us, "
      "COALESCE(end_reason, '') AS reason, version FROM catalog_campaigns WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, campaign_id));
  if (!row->next()) return;
  events::v1::CampaignChanged message;
  message.set_campaign_id(campaign_id);
  message.set_change(change == "ended" ? events::v1::CampaignChanged::ENDED
                                       : events::v1::CampaignChanged::CREATED);
  message.set_code(mysql::get_string(*row, "code"));
  message.set_name(mysql::get_string(*row, "name"));
  message.set_kind(mysql::get_string(*row, "kind"));
  message.set_starts_at_us(row->getInt64("starts_us"));
  message.set_ends_at_us(row->getInt64("ends_us"));
  message.set_reason(mysql::get_string(*row, "reason"));
  message.set_version(row->getInt64("version"));
  message.set_actor_account_id(actor_account_id);
  auto& products = session.prepare(
      "SELECT product_id FROM catalog_campaign_products WHERE campaign_id = ? ORDER BY position");
  auto product_rows = mysql::query(mysql::bind(products, campaign_id));
  while (product_rows->next()) message.add_featured_product_ids(product_rows->getInt64(1));
  auto& skus = session.prepare(
      "SELECT cs.sku_id, cs.product_id, p.supplier_id, p.county_id, cs.base_price_fen, "
      "cs.price_fen, cs.stock_cap FROM catalog_campaign_skus cs "
      "JOIN catalog_products p ON p.id = cs.product_id WHERE cs.campaign_id = ? ORDER BY "
      "cs.sku_id");
  auto sku_rows = mysql::query(mysql::bind(skus, campaign_id));
  while (sku_rows->next()) {
    auto* sku = message.add_skus();
    sku->set_sku_id(sku_rows->getInt64("sku_id"));
    sku->set_product_id(sku_rows->getInt64("product_id"));
    sku->set_supplier_id(sku_rows->getInt64("supplier_id"));
    sku->set_county_id(sku_rows->getInt64("county_id"));
    sku->set_base_price_fen(sku_rows->getInt64("base_price_fen"));
    sku->set_campaign_price_fen(sku_rows->getInt64("price_fen"));
    sku->set_stock_cap(sku_rows->getInt64("stock_cap"));
  }
  enqueue(session, "catalog.campaign_changed.v1", campaign_id, message, request_id);
}

void enqueue_supplier_application_approved(mysql::Session& session, std::int64_t supplier_id,
                                           std::int64_t actor_account_id,
                                           const std::string& request_id) {
  auto& select = session.prepare(
      "SELECT s.county_id, s.name, s.contact_name, a.setup_secret_hash "
      "FROM catalog_supplier_applications a JOIN catalog_suppliers s ON s.id = a.supplier_id "
      "WHERE a.supplier_id = ?");
  auto row = mysql::query(mysql::bind(select, supplier_id));
  if (!row->next()) return;
  events::v1::SupplierApplicationApproved message;
  message.set_supplier_id(supplier_id);
  message.set_county_id(row->getInt64("county_id"));
  message.set_name(mysql::get_string(*row, "name"));
  message.set_contact_name(mysql::get_string(*row, "contact_name"));
  message.set_setup_secret_hash(mysql::get_string(*row, "setup_secret_hash"));
  message.set_actor_account_id(actor_account_id);
  enqueue(session, "catalog.supplier_application_approved.v1", supplier_id, message, request_id);
}

void audit_change(mysql::Session& session, const http::Request& request,
                  const audit::Change& change) {
  audit::record_privileged(session, kOutboxTable, kProducer, request, change);
}

void audit_always(mysql::Session& session, const http::Request& request,
                  const audit::Change& change) {
  auto entry = audit::entry_for(request, change.action, change.target_type, change.target_id);
  entry.before_json = change.before_json;
  entry.after_json = change.after_json;
  audit::record(session, kOutboxTable, kProducer, entry);
}

std::vector<std::string> changed_keys(const boost::json::object& body) {
  std::vector<std::string> keys;
  for (const auto& member : body) keys.emplace_back(member.key());
  return keys;
}

}  // namespace huicai::catalog

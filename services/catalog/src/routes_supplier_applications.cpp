// Supplier self-application: a cooperative applies itself, without an account, on a public
// route rate-limited per source address (HUICAI_CATALOG_SUPPLIER_APPLICATIONS_PER_IP_PER_HOUR).
// The application is a supplier in status 'applied', so the onboarding that follows is the
// usual one (/v1/suppliers/{id}/recommend by the county officer, /approve by the operator).
// The answer carries a set-up secret, shown this once and stored only as its SHA-256: after
// approval the applicant sets the first staff account's password with it (identity's
// POST /v1/account-setup). ADR 0022.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/field_validator.hpp>
#include <huicai/core/auth/secrets.hpp>

#include "catalog_events.hpp"
#include "county_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "routes.hpp"
#include "supplier_input.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

// 409 "licence-registered" when a supplier holds the licence (credit code) already.
void require_unregistered_licence(mysql::Session& session, const std::string& licence) {
  auto& select = session.prepare("SELECT id FROM catalog_suppliers WHERE credit_code = ?");
  if (!mysql::query(mysql::bind(select, licence))->next()) return;
  throw conflict("licence-registered", "Licence already registered",
                 "a supplier with this licence number (unified social credit code) is "
                 "registered or has applied");
}

// POST /v1/supplier-applications (no account).
asio::awaitable<http::Response> apply(StatePtr state, http::Request& request) {
  const auto body = parse_json_object(request);
  FieldValidator fields(body);
  auto supplier = read_supplier_fields(fields, true);
  if (!supplier.credit_code && !fields.present("credit_code")) {
    fields.fail("credit_code", "is required: the licence number (unified social credit code)");
  }
  if (supplier.bank_name || supplier.bank_account_name || supplier.bank_account_number) {
    fields.fail("bank_account_number",
                "is given by the supplier's staff after approval (four eyes), not here");
  }
  const auto static_errors = fields.errors();
  const auto secret = auth::new_secret();
  auto supplier_id = co_await state->context.db().transaction([&](mysql::Session& session) {
    auto errors = static_errors;
    if (supplier.county_id && !county_exists(session, *supplier.county_id)) {
      errors.push_back({"county_id", "unknown county"});
    }
    if (!errors.empty()) throw validation_failed(errors);
    require_unregistered_licence(session, *supplier.credit_code);
    std::int64_t id = 0;
    try {
      id = insert_supplier(session, supplier, "applied", 0);  // 0: no account
    } catch (const sql::SQLException& error) {
      if (!is_duplicate_key(error)) throw;
      // Another application for the licence committed in between, or the name is taken.
      require_unregistered_licence(session, *supplier.credit_code);
      throw conflict("duplicate-supplier", "Supplier exists",
                     "a supplier with this name exists in this county");
    }
    auto& insert = session.prepare(
        "INSERT INTO catalog_supplier_applications (supplier_id, setup_secret_hash, "
        "source_address) VALUES (?, ?, ?)");
    mysql::bind(insert, id, auth::secret_hash(secret), request.remote_address.substr(0, 64));
    insert.executeUpdate();
    enqueue_supplier_status_changed(session, id, "", "", 0, request.request_id);
    // No account acts: the entry names the source address instead.
    audit::Entry entry;
    entry.actor_login = "applicant@" + request.remote_address;
    entry.action = "supplier.self_applied";
    entry.target_type = "supplier";
    entry.target_id = std::to_string(id);
    entry.after_json =
        boost::json::serialize(boost::json::object{{"name", *supplier.name},
                                                   {"county_id", *supplier.county_id},
                                                   {"credit_code", *supplier.credit_code},
                                                   {"status", "applied"}});
    entry.request_id = request.request_id;
    audit::record(session, kOutboxTable, kProducer, entry);
    return id;
  });
  co_await state->cache.changed();
  boost::json::object answer{
      {"supplier_id", supplier_id},
      {"status", "applied"},
      {"setup_secret", secret},
      {"next",
       "the county officer recommends, the operator approves; then set the first staff "
       "account's password once with POST /v1/account-setup {supplier_id, "
       "setup_secret, new_password}. The secret is shown only now."}};
  auto response = http::Response::json(201, answer);
  response.set_header("cache-control", "no-store");  // the secret must not be kept by caches
  co_return response;
}

}  // namespace

void register_supplier_application_routes(http::Router& router, const StatePtr& state) {
  const auto per_hour =
      static_cast<int>(state->context.config().catalog_supplier_applications_per_ip_per_hour);
  const auto bind = [state](auto handler) {
    return [state, handler](http::Request& request) { return handler(state, request); };
  };
  // clang-format off
  add_route(router, http::Method::post, "/v1/supplier-applications", auth::AccessRule::public_route(), bind(apply), http::RateLimit{per_hour, std::chrono::hours(1)});
  // clang-format on
}

}  // namespace huicai::catalog

// /v1/suppliers: onboarding of cooperatives, enterprises and family farms.
//   apply (county officer of the county, or operator) -> recommend (county officer)
//   -> approve | reject(reason) (operator); active <-> suspended(reason) (operator).
// Supplier staff read and edit their own supplier's contact and bank details. The bank account
// number is masked for everyone but finance.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>
#include <huicai/catalog/workflows.hpp>

#include "bank_account_changes.hpp"
#include "catalog_events.hpp"
#include "county_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "routes.hpp"
#include "supplier_input.hpp"
#include "supplier_repository.hpp"

namespace huicai::catalog {
namespace {

namespace asio = boost::asio;

// The members of the supplier JSON that show the body's fields (contact and bank details are
// nested objects there), for the audit summary of a PATCH.
std::vector<std::string> supplier_keys(const std::vector<std::string>& body_keys) {
  std::vector<std::string> keys;
  for (const auto& key : body_keys) {
    std::string shown = key.starts_with("contact_") ? "contact"
                        : key.starts_with("bank_")  ? "bank_account"
                                                    : key;
    if (std::find(keys.begin(), keys.end(), shown) == keys.end()) keys.push_back(shown);
  }
  return keys;
}

bool sees_bank_account(const http::Request& request) {
  return caller_has(request, auth::Role::finance);
}

bool gives_bank_account(const SupplierFields& fields) {
  return fields.bank_name || fields.bank_account_name || fields.bank_account_number;
}

// Four eyes on the payout account: bank details in a body never change the supplier's account;
// they file a pending change (fields not given are kept from the pending change, else from the
// confirmed account) for an operator or finance to confirm. Audited whoever asks.
void file_bank_change(mysql::Session& session, const http::Request& request,
                      std::int64_t supplier_id, const SupplierFields& fields) {
  BankAccount base;
  if (auto pending = pending_bank_change(session, supplier_id)) {
    base = pending->account;
  } else if (auto current = find_supplier(session, supplier_id, true)) {
    const auto& bank = current->at("bank_account").as_object();
    auto text = [&](const char* key) -> std::optional<std::string> {
      const auto& value = bank.at(key);
      if (value.is_string()) return std::string(value.get_string());
      return std::nullopt;
    };
    base = {text("bank_name"), text("account_name"), text("account_number")};
  }
  BankAccount account{
      fields.bank_name ? fields.bank_name : base.bank_name,
      fields.bank_account_name ? fields.bank_account_name : base.account_name,
      fields.bank_account_number ? fields.bank_account_number : base.account_number};
  const auto change = request_bank_change(session, supplier_id, account, actor_id(request));
  auto after = bank_change_json(change, false);
  audit_always(session, request,
               {"supplier.bank_account_change_requested", "supplier", std::to_string(supplier_id),
                "", audit::summary(after, {"id", "bank_name", "account_name", "account_number"})});
}

http::Response supplier_response(const http::Request& request, int status,
                                 const boost::json::object& supplier) {
  auto body = boost::json::serialize(supplier);
  return json_with_etag(request, status, std::move(body),
                        versioned_content_etag(supplier.at("version").as_int64(), body));
}

auth::Owner owner_of(const boost::json::object& supplier) {
  auth::Owner owner;
  owner.supplier_id = static_cast<std::uint64_t>(supplier.at("id").as_int64());
  owner.county_id =
      static_cast<std::uint64_t>(supplier.at("county").as_object().at("id").as_int64());
  return owner;
}

// One onboarding action: check the caller reaches the supplier, then compare-and-set.
void register_supplier_action(http::Router& router, const StatePtr& state,
                              const std::string& action, auth::AccessRule rule,
                              const char* actor_column, std::string audit_action) {
  const Transition* transition = find_transition(supplier_transitions(), action);
  add_route(router, http::Method::post, "/v1/suppliers/{supplier_id}/" + action, std::move(rule),
            [state, transition, actor_column,
             audit_action](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "supplier_id");
              const auto expected = if_match_version(request);
              const auto reason = action_reason(request, transition->needs_reason);
              const std::string from_csv = status_list(transition->from);
              const auto actor = actor_id(request);
              const bool show_bank = sees_bank_account(request);
              auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
                auto current = find_supplier(session, id, false);
                if (!current) throw not_found("supplier");
                request.require_access(owner_of(*current), true);
                if (move_supplier(session, id, expected, from_csv, std::string(transition->to),
                                  reason, actor_column, actor) == 0) {
                  throw_cas_failure(read_row_state(session, "catalog_suppliers", id), expected,
                                    "supplier", std::string(transition->action));
                }
                auto after = *find_supplier(session, id, false);
                enqueue_supplier_status_changed(session, id,
                                                std::string(current->at("status").as_string()),
                                                reason.value_or(""), actor, request.request_id);
                // A supplier that applied itself gets its first staff account (identity).
                if (transition->action == "approve") {
                  enqueue_supplier_application_approved(session, id, actor, request.request_id);
                }
                audit_change(session, request,
                             {audit_action, "supplier", std::to_string(id),
                              audit::summary(*current, {"status", "version"}),
                              audit::summary(after, {"status", "version", "status_reason"})});
                return *find_supplier(session, id, show_bank);
              });
              co_await state->cache.changed();
              co_return supplier_response(request, 200, updated);
            });
}

}  // namespace

void register_supplier_routes(http::Router& router, const StatePtr& state) {
  add_route(
      router, http::Method::get, "/v1/suppliers", access::back_office_readers(),
      [state](http::Request& request) -> asio::awaitable<http::Response> {
        SupplierFilter filter;
        std::vector<http::FieldError> errors;
        const auto read_id = [&](const char* name) {
          return positive_query(request, name, errors);
        };
        filter.county_id = read_id("county");
        if (auto after = read_id("cursor")) filter.after_id = *after;
        if (auto limit = read_id("limit"))
          filter.limit = static_cast<int>(std::min<std::int64_t>(*limit, 100));
        filter.status = request.query_param("status");
        if (filter.status && filter.status->empty()) filter.status.reset();
        if (filter.status && !is_supplier_status(*filter.status)) {
          errors.push_back({"status", "is not a supplier status"});
        }
        if (!errors.empty()) throw validation_failed(errors);
        // Narrow to what the caller may see, from the widest scope its roles get.
        const auto scope = request.list_scope();
        if (auto county = scope.county_id()) filter.county_id = county;
        if (auto supplier = scope.supplier_id()) filter.supplier_id = supplier;
        const bool show_bank = sees_bank_account(request);
        auto items = co_await state->context.db().run(
            [&](mysql::Session& session) { return list_suppliers(session, filter, show_bank); });
        boost::json::object body;
        const bool full = static_cast<int>(items.size()) == filter.limit;
        body["next_cursor"] =
            full ? boost::json::value(std::to_string(items.back().as_object().at("id").as_int64()))
                 : boost::json::value(nullptr);
        body["items"] = std::move(items);
        auto text = boost::json::serialize(body);
        const auto etag = content_etag(text);
        co_return json_with_etag(request, 200, std::move(text), etag);
      });

  add_route(router, http::Method::get, "/v1/suppliers/{supplier_id}", access::back_office_readers(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "supplier_id");
              const bool show_bank = sees_bank_account(request);
              auto supplier = co_await state->context.db().run(
                  [&](mysql::Session& session) { return find_supplier(session, id, show_bank); });
              if (!supplier) throw not_found("supplier");
              request.require_access(owner_of(*supplier), true);
              co_return supplier_response(request, 200, *supplier);
            });

  // Applying: the county officer registers a cooperative of the county (or an operator does).
  add_route(router, http::Method::post, "/v1/suppliers", access::county_officer_or_operator(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto supplier = read_supplier_fields(fields, true);
              const auto static_errors = fields.errors();
              if (supplier.county_id) {
                auth::Owner owner;
                owner.county_id = static_cast<std::uint64_t>(*supplier.county_id);
                request.require_access(owner);
              }
              const auto actor = actor_id(request);
              const bool show_bank = sees_bank_account(request);
              auto created = co_await state->context.db().transaction([&](mysql::Session& session) {
                // The county is checked here so one 422 names it with the other fields.
                auto errors = static_errors;
                if (supplier.county_id && !county_exists(session, *supplier.county_id)) {
                  errors.push_back({"county_id", "unknown county"});
                }
                if (!errors.empty()) throw validation_failed(errors);
                try {
                  const auto id = insert_supplier(session, supplier, "applied", actor);
                  if (gives_bank_account(supplier))
                    file_bank_change(session, request, id, supplier);
                  auto created = *find_supplier(session, id, false);
                  enqueue_supplier_status_changed(session, id, "", "", actor, request.request_id);
                  audit_change(session, request,
                               {"supplier.created", "supplier", std::to_string(id), "",
                                audit::summary(created, {"name", "kind", "county", "status"})});
                  return *find_supplier(session, id, show_bank);
                } catch (const sql::SQLException& error) {
                  if (!is_duplicate_key(error)) throw;
                  throw conflict(
                      "duplicate-supplier", "Supplier exists",
                      "a supplier with this name (in this county) or credit code exists");
                }
              });
              co_await state->cache.changed();
              auto response = supplier_response(request, 201, created);
              response.set_header("location",
                                  "/v1/suppliers/" + std::to_string(created.at("id").as_int64()));
              co_return response;
            });

  add_route(
      router, http::Method::patch, "/v1/suppliers/{supplier_id}", access::supplier_editors(),
      [state](http::Request& request) -> asio::awaitable<http::Response> {
        const auto id = id_param(request, "supplier_id");
        const auto expected = if_match_version(request);
        const auto body = parse_json_object(request);
        FieldValidator fields(body);
        auto supplier = read_supplier_fields(fields, false);
        fields.throw_if_failed();
        const bool show_bank = sees_bank_account(request);
        auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
          auto current = find_supplier(session, id, false);
          if (!current) throw not_found("supplier");
          request.require_access(owner_of(*current), true);
          try {
            if (update_supplier(session, id, expected, supplier) == 0) {
              throw_cas_failure(read_row_state(session, "catalog_suppliers", id), expected,
                                "supplier", "update");
            }
          } catch (const sql::SQLException& error) {
            if (!is_duplicate_key(error)) throw;
            throw conflict("duplicate-supplier", "Supplier exists",
                           "a supplier with this name (in this county) or credit code exists");
          }
          if (gives_bank_account(supplier)) file_bank_change(session, request, id, supplier);
          const auto keys = supplier_keys(changed_keys(body));
          audit_change(
              session, request,
              {"supplier.updated", "supplier", std::to_string(id), audit::summary(*current, keys),
               audit::summary(*find_supplier(session, id, false), keys)});
          return *find_supplier(session, id, show_bank);
        });
        co_await state->cache.changed();
        co_return supplier_response(request, 200, updated);
      });

  register_supplier_action(router, state, "recommend", access::county_officer_only(),
                           "recommended_by_account_id", "supplier.recommended");
  register_supplier_action(router, state, "approve", access::operator_only(),
                           "reviewed_by_account_id", "supplier.approved");
  register_supplier_action(router, state, "reject", access::operator_only(),
                           "reviewed_by_account_id", "supplier.rejected");
  register_supplier_action(router, state, "suspend", access::operator_only(),
                           "reviewed_by_account_id", "supplier.suspended");
  register_supplier_action(router, state, "reinstate", access::operator_only(),
                           "reviewed_by_account_id", "supplier.reinstated");
}

}  // namespace huicai::catalog

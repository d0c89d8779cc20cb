// /v1/certifications: aid-product certification records. County officers certify products and
// suppliers of their own county (operators anywhere); a certification is revoked, never
// deleted. Each change is an event (ordering and aidstats snapshot certification).
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>

#include "catalog_events.hpp"
#include "certification_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

http::Response certification_response(const http::Request& request, int status,
                                      const boost::json::object& certification) {
  auto body = boost::json::serialize(certification);
  return json_with_etag(request, status, std::move(body),
                        versioned_content_etag(certification.at("version").as_int64(), body));
}

auth::Owner owner_of(const boost::json::object& certification) {
  auth::Owner owner;
  owner.county_id = static_cast<std::uint64_t>(certification.at("county_id").as_int64());
  return owner;
}

}  // namespace

void register_certification_routes(http::Router& router, const StatePtr& state) {
  add_route(router, http::Method::get, "/v1/certifications", access::back_office_readers(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              std::vector<http::FieldError> errors;
              CertificationFilter filter;
              filter.scope = request.query_param("scope");
              if (filter.scope && filter.scope->empty()) filter.scope.reset();
              if (filter.scope && *filter.scope != "product" && *filter.scope != "supplier") {
                errors.push_back({"scope", "must be product or supplier"});
              }
              filter.target_id = positive_query(request, "target_id", errors);
              filter.county_id = positive_query(request, "county", errors);
              if (auto after = positive_query(request, "cursor", errors)) filter.after_id = *after;
              if (auto limit = positive_query(request, "limit", errors)) {
                filter.limit = static_cast<int>(std::min<std::int64_t>(*limit, 100));
              }
              if (!errors.empty()) throw validation_failed(errors);
              const auto scope = request.list_scope();
              if (auto county = scope.county_id()) filter.county_id = county;
              if (auto supplier = scope.supplier_id()) filter.supplier_id = supplier;
              auto items = co_await state->context.db().run(
                  [&](mysql::Session& session) { return list_certifications(session, filter); });
              co_return page_response(request, std::move(items), filter.limit);
            });

  add_route(router, http::Method::get, "/v1/certifications/{certification_id}",
            access::back_office_readers(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "certification_id");
              auto result = co_await state->context.db().run(
                  [&](mysql::Session& session)
                      -> std::pair<std::optional<boost::json::object>, CertificationTarget> {
                    auto certification = find_certification(session, id);
                    if (!certification) return {std::nullopt, {}};
                    auto target = find_certification_target(
                        session, std::string(certification->at("scope").as_string()),
                        certification->at("target_id").as_int64());
                    return {certification, target.value_or(CertificationTarget{})};
                  });
              if (!result.first) throw not_found("certification");
              auth::Owner owner = owner_of(*result.first);
              owner.supplier_id = static_cast<std::uint64_t>(result.second.supplier_id);
              request.require_access(owner, true);
              co_return certification_response(request, 200, *result.first);
            });

  add_route(
      router, http::Method::post, "/v1/certifications", access::county_officer_or_operator(),
      [state](http::Request& request) -> asio::awaitable<http::Response> {
        const auto body = parse_json_object(request);
        FieldValidator fields(body);
        auto number = fields.text("certificate_number", {true, 3, 64});
        auto issuing_body = fields.text("issuing_body", {true, 2, 128});
        auto scope = fields.choice("scope", true, {"product", "supplier"});
        auto target_id = fields.integer("target_id", {true, 1, INT64_MAX});
        auto valid_from = fields.date("valid_from", true);
        auto valid_to = fields.date("valid_to", true);
        if (valid_from && valid_to && *valid_to < *valid_from) {
          fields.fail("valid_to", "must not be before valid_from");
        }
        fields.throw_if_failed();
        CertificationFields certification{*number,    *issuing_body, *scope,
                                          *target_id, *valid_from,   *valid_to};
        const auto actor = actor_id(request);
        auto created = co_await state->context.db().transaction([&](mysql::Session& session) {
          auto target =
              find_certification_target(session, certification.scope, certification.target_id);
          if (!target) throw validation_failed({{"target_id", "unknown " + certification.scope}});
          auth::Owner owner;
          owner.county_id = static_cast<std::uint64_t>(target->county_id);
          request.require_access(owner);
          try {
            const auto id = insert_certification(session, certification, target->county_id, actor);
            enqueue_certification_changed(session, id, "created", actor, request.request_id);
            auto created = *find_certification(session, id);
            audit_change(session, request,
                         {"certification.created", "certification", std::to_string(id), "",
                          audit::summary(
                              created, {"certificate_number", "issuing_body", "scope", "target_id",
                                        "county_id", "valid_from", "valid_to", "status"})});
            return created;
          } catch (const sql::SQLException& error) {
            if (!is_duplicate_key(error)) throw;
            throw conflict("duplicate-certification", "Certificate exists",
                           "this issuing body already has a certificate with this number");
          }
        });
        co_await state->cache.changed();
        auto response = certification_response(request, 201, created);
        response.set_header("location",
                            "/v1/certifications/" + std::to_string(created.at("id").as_int64()));
        co_return response;
      });

  add_route(router, http::Method::post, "/v1/certifications/{certification_id}/revoke",
            access::county_officer_or_operator(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "certification_id");
              const auto expected = if_match_version(request);
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto reason = fields.text("reason", {true, 2, 500});
              fields.throw_if_failed();
              const auto actor = actor_id(request);
              auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
                auto current = find_certification(session, id);
                if (!current) throw not_found("certification");
                request.require_access(owner_of(*current), true);
                if (revoke_certification(session, id, expected, *reason) == 0) {
                  throw_cas_failure(read_row_state(session, "catalog_certifications", id), expected,
                                    "certification", "revoke");
                }
                enqueue_certification_changed(session, id, "revoked", actor, request.request_id);
                auto after = *find_certification(session, id);
                audit_change(session, request,
                             {"certification.revoked", "certification", std::to_string(id),
                              audit::summary(*current, {"status", "version"}),
                              audit::summary(after, {"status", "version", "status_reason"})});
                return after;
              });
              co_await state->cache.changed();
              co_return certification_response(request, 200, updated);
            });
}

}  // namespace huicai::catalog

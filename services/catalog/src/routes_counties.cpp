// /v1/counties: the register of aided counties. Everyone signed in reads them (buyers filter by
// county); operators add and edit them.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>

#include "catalog_events.hpp"
#include "county_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {

namespace asio = boost::asio;

CountyFields read_county_fields(FieldValidator& fields, bool creating) {
  CountyFields county;
  if (creating) {
    county.code = fields.text("code", {true, 1, 12});
    if (county.code && county.code->find_first_not_of(
                           "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") !=
                           std::string::npos) {
      fields.fail("code", "must contain only letters, digits and '-'");
    }
  }
  county.name = fields.text("name", {creating, 1, 64});
  county.province = fields.text("province", {creating, 1, 64});
  county.prefecture = fields.text("prefecture", {creating, 1, 64});
  county.assistance_kind = fields.choice("assistance_kind", creating, {"designated", "paired"});
  county.deep_poverty = fields.boolean("deep_poverty", false);
  county.listed_supervision = fields.boolean("listed_supervision", false);
  county.old_revolutionary_area = fields.boolean("old_revolutionary_area", false);
  county.paired_org_unit_code = fields.text("paired_org_unit_code", {false, 1, 64});
  county.paired_org_unit_id = fields.integer("paired_org_unit_id", {false, 1, INT64_MAX});
  return county;
}

http::Response county_response(const http::Request& request, int status,
                               const boost::json::object& county) {
  auto body = boost::json::serialize(county);
  return json_with_etag(request, status, std::move(body),
                        version_etag(county.at("version").as_int64()));
}

}  // namespace

void register_county_routes(http::Router& router, const StatePtr& state) {
  add_route(router, http::Method::get, "/v1/counties", access::everyone(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              auto items = co_await state->context.db().run(
                  [](mysql::Session& session) { return list_counties(session); });
              boost::json::object body;
              body["items"] = std::move(items);
              auto text = boost::json::serialize(body);
              const auto etag = content_etag(text);
              co_return json_with_etag(request, 200, std::move(text), etag);
            });

  add_route(router, http::Method::get, "/v1/counties/{county_id}", access::everyone(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "county_id");
              auto county = co_await state->context.db().run(
                  [id](mysql::Session& session) { return find_county(session, id); });
              if (!county) throw not_found("county");
              co_return county_response(request, 200, *county);
            });

  add_route(router, http::Method::post, "/v1/counties", access::operator_only(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto county = read_county_fields(fields, true);
              fields.throw_if_failed();
              auto created = co_await state->context.db().transaction([&](mysql::Session& session) {
                try {
                  const auto id = insert_county(session, county);
                  auto created = *find_county(session, id);
                  audit_change(session, request,
                               {"county.created", "county", std::to_string(id), "",
                                audit::summary(created, {"code", "name", "province", "prefecture",
                                                         "assistance_kind"})});
                  return created;
                } catch (const sql::SQLException& error) {
                  if (!is_duplicate_key(error)) throw;
                  throw conflict("duplicate-county", "County exists",
                                 "a county with code " + *county.code + " exists");
                }
              });
              co_await state->cache.changed();
              auto response = county_response(request, 201, created);
              response.set_header("location",
                                  "/v1/counties/" + std::to_string(created.at("id").as_int64()));
              co_return response;
            });

  add_route(router, http::Method::patch, "/v1/counties/{county_id}", access::operator_only(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "county_id");
              const auto expected = if_match_version(request);
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto county = read_county_fields(fields, false);
              fields.throw_if_failed();
              auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
                // Read for the audit summary only; the snapshot makes the UPDATE below fail
                // (and the transaction retry) if the row changed in between.
                const auto before = find_county(session, id);
                if (update_county(session, id, expected, county) == 0) {
                  throw_cas_failure(read_row_state(session, "catalog_counties", id), expected,
                                    "county", "update");
                }
                auto after = *find_county(session, id);
                const auto keys = changed_keys(body);
                audit_change(
                    session, request,
                    {"county.updated", "county", std::to_string(id),
                     before ? audit::summary(*before, keys) : "", audit::summary(after, keys)});
                return after;
              });
              co_await state->cache.changed();
              co_return county_response(request, 200, updated);
            });
}

}  // namespace huicai::catalog

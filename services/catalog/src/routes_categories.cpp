// /v1/categories: the category tree. Everyone signed in reads it; operators add and rename.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>

#include "catalog_events.hpp"
#include "category_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

http::Response category_response(const http::Request& request, int status, const CategoryRow& row) {
  return json_with_etag(request, status, boost::json::serialize(category_json(row)),
                        version_etag(row.version));
}
}  // namespace

void register_category_routes(http::Router& router, const StatePtr& state) {
  add_route(router, http::Method::get, "/v1/categories", access::everyone(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              auto tree = co_await state->context.db().run(
                  [](mysql::Session& session) { return category_tree(session); });
              boost::json::object body;
              body["items"] = std::move(tree);
              auto text = boost::json::serialize(body);
              const auto etag = content_etag(text);
              co_return json_with_etag(request, 200, std::move(text), etag);
            });

  add_route(router, http::Method::get, "/v1/categories/{category_id}", access::everyone(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "category_id");
              auto row = co_await state->context.db().run(
                  [id](mysql::Session& session) { return find_category(session, id); });
              if (!row) throw not_found("category");
              co_return category_response(request, 200, *row);
            });

  add_route(router, http::Method::post, "/v1/categories", access::operator_only(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto code = fields.text("code", {true, 1, 32});
              if (code && code->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
                              std::string::npos) {
                fields.fail("code", "must contain only lower-case letters, digits, '_' and '-'");
              }
              auto name = fields.text("name", {true, 1, 32});
              auto parent_id = fields.integer("parent_id", {false, 1, INT64_MAX});
              auto position = fields.integer("position", {false, 0, 1'000'000});
              fields.throw_if_failed();
              auto created = co_await state->context.db().transaction([&](mysql::Session& session) {
                std::string path = "/";
                if (parent_id) {
                  auto parent = find_category(session, *parent_id);
                  if (!parent) throw validation_failed({{"parent_id", "unknown category"}});
                  path = parent->path;
                }
                path += *code + "/";
                try {
                  const auto id = insert_category(session, parent_id, *code, *name, path,
                                                  static_cast<int>(position.value_or(0)));
                  auto created = *find_category(session, id);
                  audit_change(session, request,
                               {"category.created", "category", std::to_string(id), "",
                                audit::summary(category_json(created),
                                               {"code", "name", "path", "position"})});
                  return created;
                } catch (const sql::SQLException& error) {
                  if (!is_duplicate_key(error)) throw;
                  throw conflict("duplicate-category", "Category exists",
                                 "a category with code " + *code + " exists");
                }
              });
              co_await state->cache.changed();
              auto response = category_response(request, 201, created);
              response.set_header("location", "/v1/categories/" + std::to_string(created.id));
              co_return response;
            });

  add_route(router, http::Method::patch, "/v1/categories/{category_id}", access::operator_only(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "category_id");
              const auto expected = if_match_version(request);
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto name = fields.text("name", {false, 1, 32});
              auto position = fields.integer("position", {false, 0, 1'000'000});
              fields.throw_if_failed();
              auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
                // Read for the audit summary only (a concurrent change fails the UPDATE).
                const auto before = find_category(session, id);
                if (update_category(session, id, expected, name, position) == 0) {
                  throw_cas_failure(read_row_state(session, "catalog_categories", id), expected,
                                    "category", "update");
                }
                auto after = *find_category(session, id);
                const auto keys = changed_keys(body);
                audit_change(session, request,
                             {"category.updated", "category", std::to_string(id),
                              before ? audit::summary(category_json(*before), keys) : "",
                              audit::summary(category_json(after), keys)});
                return after;
              });
              co_await state->cache.changed();
              co_return category_response(request, 200, updated);
            });
}

}  // namespace huicai::catalog

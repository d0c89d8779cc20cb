// GET /v1/org/units, GET /v1/org/units/{unit_id}, POST /v1/org/units.
#include <boost/describe/class.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/validation.hpp>

#include "audit_log.hpp"
#include "identity_events.hpp"
#include "org_repository.hpp"
#include "request_input.hpp"
#include "routes.hpp"

namespace huicai::identity {

struct CreateUnitBody {
  std::optional<std::uint64_t> parent_id;
  std::string code;
  std::string name;
  std::string kind;
};
BOOST_DESCRIBE_STRUCT(CreateUnitBody, (), (parent_id, code, name, kind))

namespace {

using auth::Role;
using auth::Scope;
using boost::asio::awaitable;

// Which units the caller may list, from the widest scope its roles get on this route.
UnitListing visible_units(const http::Request& request) {
  UnitListing listing;
  const auto scope = request.list_scope();
  if (scope.everything()) return listing;
  if (scope.scope != Scope::unit_subtree && scope.scope != Scope::own_unit) {
    throw http::Problem(403, "forbidden", "Forbidden", "the caller has no unit to list");
  }
  listing.path_prefix = scope.unit_path;
  listing.exact_path = scope.scope == Scope::own_unit;
  return listing;
}

awaitable<http::Response> list(const StatePtr& state, http::Request& request) {
  UnitListing listing = visible_units(request);
  listing.parent_id = id_query_param(request, "parent_id");
  listing.after_id = id_query_param(request, "after").value_or(0);
  listing.limit = page_limit(request);
  auto units = co_await state->db().run(
      [&](mysql::Session& session) { return list_units(session, listing); });
  boost::json::array items;
  for (const OrgUnit& unit : units) items.push_back(to_json(unit));
  boost::json::object body{{"items", std::move(items)}};
  body["next_after"] = units.size() == listing.limit ? boost::json::value(units.back().id)
                                                     : boost::json::value(nullptr);
  co_return http::Response::json(200, body);
}

awaitable<http::Response> get(const StatePtr& state, http::Request& request) {
  const auto unit_id = id_path_param(request, "unit_id");
  auto unit = co_await state->db().run(
      [&](mysql::Session& session) { return find_unit(session, unit_id); });
  if (!unit) throw http::Problem(404, "not-found", "Not found", "no such org unit");
  // Units outside the caller's reach look exactly like missing ones.
  request.require_access(auth::Owner{.unit_path = unit->path}, true);
  co_return http::Response::json(200, to_json(*unit));
}

awaitable<http::Response> create(const StatePtr& state, http::Request& request) {
  auto body = decode_json<CreateUnitBody>(request.body);
  Validator check;
  check.require(!body.code.empty() && body.code.size() <= 64, "code", "must be 1 to 64 characters");
  for (char c : body.code) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == '_')) {
      check.add("code", "may contain only letters, digits, '.', '-' and '_'");
      break;
    }
  }
  check.text("name", body.name, 1, 200);  // identity_org_units.name VARCHAR(200)
  check.require(is_known_unit_kind(body.kind), "kind",
                "must be one of group, subsidiary, department, canteen, union, office, unit");
  check.throw_if_any();

  auto created = co_await state->db().transaction([&](mysql::Session& session) {
    std::optional<OrgUnit> parent;
    if (body.parent_id) {
      parent = find_unit(session, *body.parent_id);
      if (!parent) throw_validation_failed({{"parent_id", "no such org unit"}});
      request.require_access(auth::Owner{.unit_path = parent->path}, true);
    } else {
      // A new root: only a caller with an unscoped grant (the operator).
      request.require_access(auth::Owner{.unit_path = std::string("/")}, false);
    }
    OrgUnit unit = insert_unit(session, parent, body.code, body.name, body.kind);
    auto entry = audit_entry_for(request, "org_unit.created", "org_unit", std::to_string(unit.id));
    entry.after = to_json(unit);
    append_audit(session, entry);
    enqueue_org_unit_created(session, unit, request.request_id);
    return unit;
  });
  co_return http::Response::json(201, to_json(created));
}

}  // namespace

void register_org_routes(const StatePtr& state, http::Router& router) {
  using http::Method;
  const auto read_rule = auth::AccessRule::roles({{Role::operator_, Scope::any},
                                                  {Role::finance, Scope::any},
                                                  {Role::auditor, Scope::any},
                                                  {Role::unit_admin, Scope::unit_subtree},
                                                  {Role::unit_approver, Scope::own_unit},
                                                  {Role::unit_buyer, Scope::own_unit},
                                                  {Role::employee, Scope::own_unit}});
  router.add({Method::get, "/v1/org/units", "identity", read_rule,
              [state](http::Request& request) { return list(state, request); }});
  router.add({Method::get, "/v1/org/units/{unit_id}", "identity", read_rule,
              [state](http::Request& request) { return get(state, request); }});
  router.add({Method::post, "/v1/org/units", "identity",
              auth::AccessRule::roles(
                  {{Role::operator_, Scope::any}, {Role::unit_admin, Scope::unit_subtree}}),
              [state](http::Request& request) { return create(state, request); },
              http::RateLimit{60, std::chrono::seconds(60)}});
}

}  // namespace huicai::identity

// GET /v1/audit: the audit log for auditors, newest first, filtered by time, actor, target and
// action, keyset-paginated (`before` = the `next_before` of the previous page).
//
// Only auditors read it: operators and finance are the people it watches, so they do not get
// to read (or learn what is recorded about) their own trail.
#include <boost/json/array.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/validation.hpp>

#include "audit_log.hpp"
#include "request_input.hpp"
#include "routes.hpp"

namespace huicai::identity {

namespace {

std::optional<std::string> short_text_param(const http::Request& request, std::string_view name,
                                            Validator& check) {
  auto value = request.query_param(name);
  if (value && (value->empty() || value->size() > 64)) {
    check.add(std::string(name), "must be 1 to 64 characters");
  }
  return value;
}

boost::asio::awaitable<http::Response> list(const StatePtr& state, http::Request& request) {
  AuditQuery query;
  query.from = time_query_param(request, "from");
  query.to = time_query_param(request, "to");
  query.actor_account_id = id_query_param(request, "actor_account_id");
  query.before_id = id_query_param(request, "before");
  query.limit = page_limit(request);
  Validator check;
  query.target_type = short_text_param(request, "target_type", check);
  query.target_id = short_text_param(request, "target_id", check);
  query.action = short_text_param(request, "action", check);
  check.require(!query.target_id || query.target_type, "target_id", "needs target_type as well");
  check.throw_if_any();
  request.require_access(auth::Owner{});  // every grant of this route is unscoped

  std::uint64_t last_id = 0;
  auto entries = co_await state->db().run(
      [&](mysql::Session& session) { return query_audit(session, query, last_id); });
  boost::json::array items;
  for (auto& entry : entries) items.push_back(std::move(entry));
  boost::json::object body{{"items", std::move(items)}};
  body["next_before"] =
      entries.size() == query.limit ? boost::json::value(last_id) : boost::json::value(nullptr);
  co_return http::Response::json(200, body);
}

}  // namespace

void register_audit_routes(const StatePtr& state, http::Router& router) {
  router.add({http::Method::get, "/v1/audit", "identity",
              auth::AccessRule::roles({{auth::Role::auditor, auth::Scope::any}}),
              [state](http::Request& request) { return list(state, request); },
              http::RateLimit{120, std::chrono::seconds(60)}});
}

}  // namespace huicai::identity

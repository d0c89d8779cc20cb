// The caller's own sign-in sessions: GET /v1/me/sessions and DELETE /v1/me/sessions/{id}.
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>

#include "audit_log.hpp"
#include "routes.hpp"
#include "session_repository.hpp"
#include "sessions.hpp"
#include "token_repository.hpp"

namespace huicai::identity {

namespace {

using boost::asio::awaitable;

// Enough for every browser and phone a person uses; older ones still end with their tokens.
constexpr std::size_t kMostSessionsListed = 100;

awaitable<http::Response> list_own_sessions(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  auto json = co_await state->db().run([&](mysql::Session& session) {
    const auto current = family_of_access_token(session, caller.token_id, caller.account_id);
    boost::json::array items;
    for (const auto& row : list_sessions(session, caller.account_id, kMostSessionsListed)) {
      items.push_back(to_json(row, current && *current == row.id));
    }
    return boost::json::object{{"items", std::move(items)}};
  });
  co_return http::Response::json(200, json);
}

// Ends one of the caller's sessions: its refresh tokens and the access tokens they issued.
// Another account's session id answers 404, like an unknown one.
awaitable<http::Response> end_own_session(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  const std::string id(request.path_param("session_id"));
  if (id.empty() || id.size() > 36) {
    throw http::Problem(404, "not-found", "Not found", "no such session");
  }
  auto revocations = co_await state->db().transaction([&](mysql::Session& session) {
    if (!end_session_record(session, id, caller.account_id)) {
      throw http::Problem(404, "not-found", "Not found", "no such session");
    }
    std::vector<auth::Revocation> result;
    for (const LiveAccessToken& live : revoke_refresh_family(session, id)) {
      auto revocation = token_until(caller.account_id, live);
      record_revocation(session, revocation, "session_ended");
      result.push_back(std::move(revocation));
    }
    auto entry =
        audit_entry_for(request, "session.ended", "account", std::to_string(caller.account_id));
    entry.after = boost::json::object{{"session_id", id}};
    append_audit(session, entry);
    return result;
  });
  apply_revocations(state->tokens(), revocations);
  co_return http::Response::empty(204);
}

}  // namespace

void register_session_routes(const StatePtr& state, http::Router& router) {
  using auth::Scope;
  using http::Method;
  router.add({Method::get, "/v1/me/sessions", "identity", every_role(Scope::own_account),
              [state](http::Request& request) { return list_own_sessions(state, request); }});
  router.add({Method::delete_, "/v1/me/sessions/{session_id}", "identity",
              every_role(Scope::own_account),
              [state](http::Request& request) { return end_own_session(state, request); }});
}

}  // namespace huicai::identity

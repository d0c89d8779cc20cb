// Grants and reads of the non-channel fund sources: unit budgets per year, employees' union
// welfare allowances per year, and the unit's approval threshold. Scope comes from identity's
// directory: the path names the unit or account, its unit path is read on the server, and a
// body naming a unit (`unit_path`, `unit_id`) is refused as an unknown field (422). A unit or
// account the caller does not reach answers 404 before the body is looked at.
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "fund_handlers.hpp"
#include "grant_requests.hpp"
#include "grants.hpp"

namespace huicai::ordering {
namespace {

struct GrantBody {
  std::int64_t granted_fen = 0;
};
BOOST_DESCRIBE_STRUCT(GrantBody, (), (granted_fen))
struct SettingsBody {
  std::int64_t approval_threshold_fen = 0;
};
BOOST_DESCRIBE_STRUCT(SettingsBody, (), (approval_threshold_fen))

constexpr std::int64_t kMaxGrant = 100'000'000'000'000;  // 1万亿 yuan: far above any budget

int path_year(const http::Request& request) {
  const auto year = path_id(request, "year");
  if (year < 2000 || year > 2100)
    throw http::Problem(404, "not-found", "Not found", "no such year");
  return static_cast<int>(year);
}

std::int64_t granted_from(const http::Request& request) {
  const auto body = decode_json<GrantBody>(request.body);
  Validator check;
  check.require(body.granted_fen >= 0 && body.granted_fen <= kMaxGrant, "granted_fen",
                "must be between 0 and 10^14 fen");
  check.throw_if_any();
  return body.granted_fen;
}

// The answer of a grant route: the balance after the grant (200), or the grant request filed
// for finance (202).
struct GrantOutcome {
  int status = 200;
  boost::json::object body;
};

// A raise to more than `approval_above_fen` waits for finance; anything else applies now.
GrantOutcome grant(mysql::Session& session, const http::Request& request, const GrantTarget& target,
                   std::int64_t approval_above_fen) {
  refuse_own_grant(request, target);
  const std::int64_t granted_fen = granted_from(request);
  const std::int64_t previous = lock_granted(session, request, target);
  if (granted_fen > previous && granted_fen > approval_above_fen) {
    return GrantOutcome{202, file_grant_request(session, request, target, granted_fen, previous)};
  }
  return GrantOutcome{200, apply_grant(session, request, target, granted_fen)};
}

std::int64_t approval_above(const State& state) {
  return static_cast<std::int64_t>(std::min<std::size_t>(
      state->context.config().grant_approval_above_fen, static_cast<std::size_t>(INT64_MAX)));
}

http::Response grant_response(GrantOutcome outcome, const char* key_name, std::int64_t key,
                              int year) {
  if (outcome.status == 202) return http::Response::json(202, outcome.body);  // the request
  outcome.body[key_name] = key;
  outcome.body["year"] = year;
  return http::Response::json(outcome.status, outcome.body);
}

}  // namespace

AwaitedResponse put_budget(State state, http::Request& request) {
  const auto unit_id = path_id(request, "unit_id");
  const int year = path_year(request);
  auto outcome = co_await state->context.db().transaction([&](mysql::Session& session) {
    return grant(session, request, budget_target(session, request, unit_id, year),
                 approval_above(state));
  });
  co_return grant_response(std::move(outcome), "unit_id", unit_id, year);
}

AwaitedResponse put_allowance(State state, http::Request& request) {
  const auto account_id = path_id(request, "account_id");
  const int year = path_year(request);
  auto outcome = co_await state->context.db().transaction([&](mysql::Session& session) {
    return grant(session, request, allowance_target(session, request, account_id, year),
                 approval_above(state));
  });
  co_return grant_response(std::move(outcome), "account_id", account_id, year);
}

AwaitedResponse get_budget(State state, http::Request& request) {
  const auto unit_id = path_id(request, "unit_id");
  const int year = path_year(request);
  auto balance = co_await state->context.db().run([&](mysql::Session& session) {
    return read_balance(session, FundSource::unit_budget, unit_id, year);
  });
  if (!balance) throw http::Problem(404, "not-found", "Not found", "no budget for that year");
  auth::Owner owner;
  owner.unit_path = std::string(balance->at("unit_path").as_string());
  request.require_access(owner, true);
  (*balance)["unit_id"] = unit_id;
  (*balance)["year"] = year;
  co_return http::Response::json(200, *balance);
}

AwaitedResponse get_allowance(State state, http::Request& request) {
  const auto account_id = path_id(request, "account_id");
  const int year = path_year(request);
  auto balance = co_await state->context.db().run([&](mysql::Session& session) {
    return read_balance(session, FundSource::allowance, account_id, year);
  });
  if (!balance) throw http::Problem(404, "not-found", "Not found", "no allowance for that year");
  auth::Owner owner;
  owner.account_id = static_cast<std::uint64_t>(account_id);
  owner.unit_path = std::string(balance->at("unit_path").as_string());
  request.require_access(owner, true);
  (*balance)["account_id"] = account_id;
  (*balance)["year"] = year;
  co_return http::Response::json(200, *balance);
}

AwaitedResponse put_ordering_settings(State state, http::Request& request) {
  const auto unit_id = path_id(request, "unit_id");
  auto threshold = co_await state->context.db().transaction([&](mysql::Session& session) {
    // The unit as identity knows it, in the caller's scope (404 otherwise), before the body.
    const auto target = budget_target(session, request, unit_id, 0);
    const auto body = decode_json<SettingsBody>(request.body);
    Validator check;
    check.require(body.approval_threshold_fen >= 0 && body.approval_threshold_fen <= kMaxGrant,
                  "approval_threshold_fen", "must be between 0 and 10^14 fen");
    check.throw_if_any();
    // The previous threshold, locked, for the audit summary; the row as filed must be in scope.
    auto& select = session.prepare(
        "SELECT unit_path, approval_threshold_fen FROM ordering_unit_settings WHERE unit_id = ? "
        "FOR UPDATE");
    mysql::bind(select, unit_id);
    auto previous = mysql::query(select);
    std::string before;
    if (previous->next()) {
      auth::Owner filed;
      filed.unit_path = mysql::get_string(*previous, "unit_path");
      request.require_access(filed, true);
      before = boost::json::serialize(boost::json::object{
          {"approval_threshold_fen", previous->getInt64("approval_threshold_fen")}});
    }
    auto& upsert = session.prepare(
        "INSERT INTO ordering_unit_settings (unit_id, unit_path, approval_threshold_fen) "
        "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE approval_threshold_fen = "
        "VALUES(approval_threshold_fen), unit_path = VALUES(unit_path), updated_at = NOW(6)");
    mysql::bind(upsert, unit_id, target.unit.unit_path, body.approval_threshold_fen);
    upsert.executeUpdate();
    const audit::Change change{"unit_settings.updated", "unit", std::to_string(unit_id), before,
                               boost::json::serialize(boost::json::object{
                                   {"approval_threshold_fen", body.approval_threshold_fen}})};
    audit::record_privileged(session, kOutboxTable, kProducer, request, change);
    return body.approval_threshold_fen;
  });
  co_return http::Response::json(
      200, boost::json::object{{"unit_id", unit_id}, {"approval_threshold_fen", threshold}});
}

}  // namespace huicai::ordering

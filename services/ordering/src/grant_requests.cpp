// Pending grant requests: filing (from the grant routes), listing, and finance's decision.
// Every decision is a compare-and-set from pending; approving applies the grant through
// apply_grant() in the same transaction, so a grant that no longer fits (the parent's budget
// was spent meanwhile, orders committed more) fails the approval and the request stays pending.
#include "grant_requests.hpp"

#include <cppconn/exception.h>

#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "fund_handlers.hpp"
#include "order_events.hpp"
#include "order_records.hpp"
#include "order_transitions.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

struct DecisionBody {
  std::optional<std::string> reason;
};
BOOST_DESCRIBE_STRUCT(DecisionBody, (), (reason))

constexpr const char* kColumns =
    "id, source, target_id, grant_year, unit_id, unit_path, granted_fen, previous_granted_fen, "
    "status, requested_by, requested_role, decided_by, reason, created_at, decided_at";

std::string pending_target(const GrantTarget& target) {
  return std::string(to_string(target.source)) + ":" + target_text(target);
}

boost::json::object request_json(sql::ResultSet& row) {
  auto decided_by = mysql::get_optional_int64(row, "decided_by");
  auto decided_at = mysql::get_optional_string(row, "decided_at");
  return boost::json::object{
      {"id", row.getInt64("id")},
      {"source", mysql::get_string(row, "source")},
      {"target_id", row.getInt64("target_id")},
      {"year", row.getInt("grant_year")},
      {"unit_id", row.getInt64("unit_id")},
      {"unit_path", mysql::get_string(row, "unit_path")},
      {"granted_fen", row.getInt64("granted_fen")},
      {"previous_granted_fen", row.getInt64("previous_granted_fen")},
      {"status", mysql::get_string(row, "status")},
      {"requested_by", row.getInt64("requested_by")},
      {"requested_role", mysql::get_string(row, "requested_role")},
      {"decided_by", decided_by ? boost::json::value(*decided_by) : boost::json::value(nullptr)},
      {"reason", mysql::get_string(row, "reason")},
      {"created_at", iso_time(mysql::get_string(row, "created_at"))},
      {"decided_at",
       decided_at ? boost::json::value(iso_time(*decided_at)) : boost::json::value(nullptr)}};
}

boost::json::object read_request(mysql::Session& session, std::int64_t id, bool for_update,
                                 bool& found) {
  auto& select = session.prepare(std::string("SELECT ") + kColumns +
                                 " FROM ordering_grant_requests WHERE id = ?" +
                                 (for_update ? " FOR UPDATE" : ""));
  mysql::bind(select, id);
  auto row = mysql::query(select);
  found = row->next();
  return found ? request_json(*row) : boost::json::object{};
}

// The budget or allowance a stored request names, as identity knows it now.
GrantTarget target_of(mysql::Session& session, const boost::json::object& stored) {
  GrantTarget target;
  target.key = stored.at("target_id").as_int64();
  target.year = static_cast<int>(stored.at("year").as_int64());
  std::optional<std::int64_t> unit_id = target.key;
  if (stored.at("source").as_string() == "allowance") {
    target.source = FundSource::allowance;
    auto account = read_directory_account(session, target.key);
    unit_id = account ? account->unit_id : std::nullopt;
  }
  auto unit = unit_id ? read_org_unit(session, *unit_id) : std::nullopt;
  if (!unit) {
    throw http::Problem(409, "grant-target-gone", "Grant target gone",
                        "the unit or account of this request no longer exists; reject it");
  }
  target.unit = *unit;
  return target;
}

// Moves the request from pending to `status` (compare-and-set) and audits the decision.
void decide(mysql::Session& session, const http::Request& request, std::int64_t id,
            const std::string& status, const std::string& reason) {
  auto& update = session.prepare(
      "UPDATE ordering_grant_requests SET status = ?, pending_target = NULL, decided_by = ?, "
      "decided_at = NOW(6), reason = ?, version = version + 1 WHERE id = ? AND status = "
      "'pending'");
  mysql::bind(update, status, static_cast<std::int64_t>(request.caller().account_id), reason, id);
  if (update.executeUpdate() != 1) throw_invalid_transition("the grant request", "decided", status);
  boost::json::object after{{"status", status}};
  if (!reason.empty()) after["reason"] = reason;
  const audit::Change change{"grant_request." + status, "grant_request", std::to_string(id),
                             R"({"status":"pending"})", boost::json::serialize(after)};
  audit::record_privileged(session, kOutboxTable, kProducer, request, change);
}

// The pending request `id`, locked; 404 when unknown, 403 when the caller filed it (four eyes),
// 409 when already decided.
boost::json::object lock_pending(mysql::Session& session, const http::Request& request,
                                 std::int64_t id, const std::string& to) {
  bool found = false;
  auto stored = read_request(session, id, true, found);
  if (!found) throw http::Problem(404, "not-found", "Not found", "no such grant request");
  if (stored.at("requested_by").as_int64() ==
      static_cast<std::int64_t>(request.caller().account_id)) {
    throw http::Problem(
        403, "own-grant-request", "Cannot decide on your own grant request",
        "a grant request is decided by someone in finance other than its requester");
  }
  if (stored.at("status").as_string() != "pending") {
    throw_invalid_transition("the grant request", stored.at("status").as_string(), to);
  }
  return stored;
}

}  // namespace

boost::json::object file_grant_request(mysql::Session& session, const http::Request& request,
                                       const GrantTarget& target, std::int64_t granted_fen,
                                       std::int64_t previous_granted_fen) {
  auto& insert = session.prepare(
      "INSERT INTO ordering_grant_requests (source, target_id, grant_year, unit_id, unit_path, "
      "granted_fen, previous_granted_fen, status, pending_target, requested_by, requested_role) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)");
  mysql::bind(insert, to_string(target.source), target.key, target.year, target.unit.unit_id,
              target.unit.unit_path, granted_fen, previous_granted_fen, pending_target(target),
              static_cast<std::int64_t>(request.caller().account_id), audit::acting_role(request));
  try {
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != mysql::kErrorDuplicateKey) throw;
    throw http::Problem(409, "grant-request-pending", "A grant request is pending",
                        "this budget or allowance already has a grant waiting for finance");
  }
  auto& last = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto row = mysql::query(last);
  row->next();
  const auto id = row->getInt64("id");
  bool found = false;
  auto stored = read_request(session, id, false, found);
  const audit::Change change{"grant_request.created", "grant_request", std::to_string(id), "",
                             audit::summary(stored, {"source", "target_id", "year", "granted_fen",
                                                     "previous_granted_fen"})};
  audit::record_privileged(session, kOutboxTable, kProducer, request, change);
  return stored;
}

AwaitedResponse list_grant_requests(State state, http::Request& request) {
  const auto& caller = request.caller();
  const bool everything =
      caller.has_role(auth::Role::finance) || caller.has_role(auth::Role::auditor);
  if (!everything && caller.unit_path.empty()) {
    throw http::Problem(403, "forbidden", "Forbidden", "the caller has no unit");
  }
  const std::string status = request.query_param("status").value_or("pending");
  if (status != "pending" && status != "approved" && status != "rejected") {
    throw_validation_failed({{"status", "one of pending, approved, rejected"}});
  }
  std::int64_t before = INT64_MAX;
  if (auto cursor = request.query_param("cursor")) {
    try {
      before = std::stoll(*cursor);
    } catch (...) {
      throw_validation_failed({{"cursor", "not a cursor from a previous page"}});
    }
  }
  auto items = co_await state->context.db().run([&](mysql::Session& session) {
    // A unit admin sees the requests of its subtree; finance and auditors all of them.
    auto& select = session.prepare(std::string("SELECT ") + kColumns +
                                   " FROM ordering_grant_requests WHERE unit_path LIKE ? AND "
                                   "status = ? AND id < ? ORDER BY id DESC LIMIT 51");
    mysql::bind(select, everything ? std::string("%") : caller.unit_path + "%", status, before);
    auto rows = mysql::query(select);
    boost::json::array items;
    while (rows->next()) items.push_back(request_json(*rows));
    return items;
  });
  boost::json::value next = nullptr;
  if (items.size() > 50) {
    items.pop_back();
    next = std::to_string(items.back().as_object().at("id").as_int64());
  }
  co_return http::Response::json(200, boost::json::object{{"items", items}, {"next_cursor", next}});
}

AwaitedResponse approve_grant_request(State state, http::Request& request) {
  const auto id = path_id(request, "request_id");
  const auto body = decode_json<DecisionBody>(request.body.empty() ? "{}" : request.body);
  const std::string reason = body.reason.value_or("");
  Validator check;
  check.text("reason", reason, 0, kMaxReasonCharacters);
  check.throw_if_any();
  auto answer = co_await state->context.db().transaction([&](mysql::Session& session) {
    auto stored = lock_pending(session, request, id, "approved");
    const auto target = target_of(session, stored);
    auto balance = apply_grant(session, request, target, stored.at("granted_fen").as_int64());
    decide(session, request, id, "approved", reason);
    bool found = false;
    return boost::json::object{{"grant_request", read_request(session, id, false, found)},
                               {"balance", balance}};
  });
  co_return http::Response::json(200, answer);
}

AwaitedResponse reject_grant_request(State state, http::Request& request) {
  const auto id = path_id(request, "request_id");
  const auto body = decode_json<DecisionBody>(request.body.empty() ? "{}" : request.body);
  const std::string reason = body.reason.value_or("");
  Validator check;
  check.require(!reason.empty(), "reason", "a rejection needs a reason");
  check.text("reason", reason, 0, kMaxReasonCharacters);
  check.throw_if_any();
  auto answer = co_await state->context.db().transaction([&](mysql::Session& session) {
    lock_pending(session, request, id, "rejected");
    decide(session, request, id, "rejected", reason);
    bool found = false;
    return read_request(session, id, false, found);
  });
  co_return http::Response::json(200, answer);
}

}  // namespace huicai::ordering

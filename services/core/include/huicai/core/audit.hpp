#pragma once
// The audit trail of privileged actions, for every service.
//
// Every action by an operator, finance, a unit admin or a county officer is recorded in the
// same transaction as the change. A service other than identity cannot write identity's table,
// so it writes the entry into its own outbox (same transaction), as an "audit.recorded.v1"
// event (proto/huicai/events/v1/audit.proto); the identity service consumes those events into
// identity_audit_log, where auditors query everything in one place (GET /v1/audit).
//
//   co_await pool.transaction([&](mysql::Session& session) {
//     ... approve the supplier ...
//     audit::record_privileged(session, "catalog_outbox", "catalog", request,
//                              {"supplier.approved", "supplier", id_text,
//                               R"({"status":"recommended"})", R"({"status":"active"})"});
//   });
// record_privileged() writes nothing when the route was called in a role that is not audited
// (supplier staff, buyers), so routes open to both call it unconditionally. Used by
// services/catalog (catalog_events.cpp, audit_change) and services/ordering (routes_*.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::json {
class object;
}
namespace huicai::http {
struct Request;
}
namespace huicai::mysql {
class Session;
}
namespace huicai::auth {
struct Principal;
}

namespace huicai::audit {

inline constexpr std::string_view kEventType = "audit.recorded.v1";

struct Entry {
  std::string service;  // filled by record() from `producer` when empty
  std::optional<std::uint64_t> actor_account_id;
  std::string actor_login;
  std::string actor_role;
  std::string action;       // "<object>.<verb>", e.g. "supplier.approved"
  std::string target_type;  // e.g. "supplier"
  std::string target_id;
  std::string before_json;  // JSON text summarising the state before; "" when none
  std::string after_json;   // after; "" when none
  std::string request_id;
};

// True when the caller holds a role whose actions must be audited (operator, finance,
// unit_admin, county_officer). Auditing more than that is fine; less is not.
bool must_audit(const auth::Principal& caller);

// The role the caller acted in on this route: the first of the route's granted roles the
// caller holds ("" when the route has no rule). Shared by every audit writer.
std::string acting_role(const http::Request& request);

// The actor from the request: account, login, and the role the route's rule granted (the first
// grant of the rule the caller holds), plus the request id.
Entry entry_for(const http::Request& request, std::string action, std::string target_type,
                std::string target_id);

// Enqueues the entry as an audit.recorded.v1 event in `outbox_table` (events::enqueue), in the
// caller's transaction. Returns the event id.
std::string record(mysql::Session& session, std::string_view outbox_table,
                   std::string_view producer, const Entry& entry);

// True for the roles whose actions are audited (operator, finance, unit_admin,
// county_officer), by name as acting_role() returns it.
bool is_audited_role(std::string_view role);

// What a route changed, for record_privileged().
struct Change {
  std::string action;  // "<object>.<verb>"
  std::string target_type;
  std::string target_id;
  std::string before_json;  // "" when the object did not exist
  std::string after_json;
};

// Records the change (entry_for(request, ...) plus the summaries) in the caller's transaction
// when the caller acted on this route in an audited role; does nothing otherwise, so a route
// open to suppliers and operators calls it unconditionally and only the operator's call is
// audited. Returns whether an entry was written.
bool record_privileged(mysql::Session& session, std::string_view outbox_table,
                       std::string_view producer, const http::Request& request,
                       const Change& change);

// The members `keys` of `row` that it has, as JSON text: a before/after summary, e.g.
// summary(supplier, {"status"}) -> {"status":"applied"}.
std::string summary(const boost::json::object& row, const std::vector<std::string>& keys);

// The stream-side helpers identity uses to turn the event back into an entry.
std::string encode(const Entry& entry);                 // AuditRecorded bytes
std::optional<Entry> decode(std::string_view payload);  // nullopt when not parseable

}  // namespace huicai::audit

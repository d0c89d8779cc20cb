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
//     auto entry = audit::entry_for(request, "supplier.approved", "supplier", id_text);
//     entry.before_json = ...; entry.after_json = ...;
//     audit::record(session, "catalog_outbox", "catalog", entry);
//   });

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// The stream-side helpers identity uses to turn the event back into an entry.
std::string encode(const Entry& entry);                 // AuditRecorded bytes
std::optional<Entry> decode(std::string_view payload);  // nullopt when not parseable

}  // namespace huicai::audit

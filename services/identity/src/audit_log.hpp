#pragma once
// The append-only audit log (identity_audit_log): written in the same transaction as the change
// it records, read by auditors with filters and keyset pagination.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <huicai/core/auth/roles.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::http {
struct Request;
}
namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

struct AuditEntry {
  std::string service = "identity";
  std::optional<std::uint64_t> actor_account_id;  // null for the CLI and the demo loader
  std::string actor_login;
  std::string actor_role;
  std::string action;       // e.g. "account.created"
  std::string target_type;  // e.g. "account"
  std::string target_id;
  boost::json::value before = nullptr;  // summary of the state before (null: created)
  boost::json::value after = nullptr;   // summary after (null: deleted)
  std::string request_id;
};

// Who acts, from the request: the account, and the role the route's rule granted (the first
// grant of the rule the caller holds, so "operator" wins over "unit_admin" when the rule lists
// it first).
AuditEntry audit_entry_for(const http::Request& request, std::string action,
                           std::string target_type, std::string target_id);
// The CLI and the demo loader act as "cli".
AuditEntry audit_entry_for_tool(std::string actor, std::string action, std::string target_type,
                                std::string target_id);

void append_audit(mysql::Session& session, const AuditEntry& entry);

struct AuditQuery {
  std::optional<std::string> from;  // "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC, inclusive
  std::optional<std::string> to;    // exclusive
  std::optional<std::uint64_t> actor_account_id;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> action;
  std::optional<std::uint64_t> before_id;  // keyset cursor: newest first, ids below this
  std::size_t limit = 50;
};
// Rows newest first; each row as JSON.
std::vector<boost::json::object> query_audit(mysql::Session& session, const AuditQuery& query,
                                             std::uint64_t& last_id);

}  // namespace huicai::identity

#pragma once
// SQL for identity_sessions: what the owner sees of each sign-in (GET /v1/me/sessions). One row
// per refresh-token family; the tokens themselves are token_repository's.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

struct SessionOrigin {
  std::string source_address;
  std::string user_agent;  // cut to 255 bytes
  std::string device_id;   // "" without a device token
  bool second_factor = false;
};

void insert_session_record(mysql::Session& session, const std::string& family_id,
                           std::uint64_t account_id, const SessionOrigin& origin,
                           std::chrono::seconds refresh_ttl);
// A refresh of the family: last used now, alive for another refresh lifetime.
void touch_session_record(mysql::Session& session, const std::string& family_id,
                          std::chrono::seconds refresh_ttl);
// Marks the session ended; false when it is not the account's or ended already. Locks the row.
bool end_session_record(mysql::Session& session, const std::string& family_id,
                        std::uint64_t account_id);
void end_account_sessions(mysql::Session& session, std::uint64_t account_id);

struct SessionRow {
  std::string id;  // the family id
  std::string created_at;
  std::string last_used_at;
  std::string source_address;
  std::string user_agent;
  std::string device_id;
  bool second_factor = false;
};
// Live sessions (not ended, not expired), most recently used first; at most `limit`.
std::vector<SessionRow> list_sessions(mysql::Session& session, std::uint64_t account_id,
                                      std::size_t limit);
boost::json::object to_json(const SessionRow& row, bool current);

}  // namespace huicai::identity

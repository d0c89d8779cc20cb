// The claim step shared by lease-based workers (see leased_claim.hpp and events/README.md).
#include <unistd.h>

#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/leased_claim.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "events/sql_names.hpp"

namespace huicai::mysql {

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string list;
  for (auto id : ids) {
    if (!list.empty()) list += ',';
    list += std::to_string(id);
  }
  return list;
}

std::vector<std::int64_t> claim_with_lease(Session& session, const LeasedClaim& claim,
                                           const std::function<void(sql::ResultSet& row)>& on_row) {
  const auto table = events::checked_table_name(claim.table, "claimed table");
  auto& select = session.prepare(
      "SELECT id, " + claim.columns + " FROM " + table + " WHERE (" + claim.due +
      ") AND (claimed_until IS NULL OR claimed_until < UTC_TIMESTAMP(6) OR claimed_by = ?)"
      " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED");
  mysql::bind(select, claim.claimant, static_cast<int>(claim.batch_size));
  auto result = mysql::query(select);
  std::vector<std::int64_t> ids;
  while (result->next()) {
    ids.push_back(result->getInt64("id"));
    on_row(*result);
  }
  if (ids.empty()) return ids;
  // The id list varies per batch: a plain statement, so the per-connection cache of prepared
  // statements does not fill up with one entry per list. Ids are integers and the claimant is
  // made of [A-Za-z0-9@:._-] (make_claimant_id), so nothing needs quoting.
  session.execute_direct("UPDATE " + table + " SET claimed_by = '" + claim.claimant +
                         "', claimed_until = UTC_TIMESTAMP(6) + INTERVAL " +
                         std::to_string(claim.lease.count() * 1000) + " MICROSECOND WHERE id IN (" +
                         id_list(ids) + ")");
  return ids;
}

std::string make_claimant_id(const std::string& prefix) {
  char host[64] = {};
  gethostname(host, sizeof host - 1);
  auto id =
      prefix + "@" + host + ":" + std::to_string(getpid()) + ":" + events::new_uuid().substr(0, 8);
  for (auto& c : id) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '@' || c == ':' || c == '.' || c == '_' || c == '-';
    if (!safe) c = '_';
  }
  return id.substr(0, 64);
}

}  // namespace huicai::mysql

// The claim step shared by lease-based workers (see leased_claim.hpp and events/README.md).
#include <unistd.h>

#include <huicai/core/events/outbox.hpp>
#include <huicai/core/local_process.hpp>
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
  int index = 1;
  for (const auto& value : claim.due_parameters) bind_one(select, index++, value);
  bind_one(select, index++, claim.claimant);
  bind_one(select, index, static_cast<int>(claim.batch_size));
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

namespace {

// [A-Za-z0-9@:._-] only, everything else becomes '_'.
std::string sql_safe(std::string text) {
  for (auto& c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '@' || c == ':' || c == '.' || c == '_' || c == '-';
    if (!safe) c = '_';
  }
  return text;
}

// "<prefix>@<host>:", as every claimant id of `prefix` made on this host starts.
std::string host_prefix(const std::string& prefix) {
  return sql_safe(prefix + "@" + local_process::host_name() + ":");
}

}  // namespace

std::string make_claimant_id(const std::string& prefix) {
  auto id = host_prefix(prefix) + std::to_string(getpid()) + ":" +
            sql_safe(events::new_uuid().substr(0, 8));
  return id.substr(0, 64);
}

std::size_t release_leases_of_dead_processes(Session& session, const std::string& table,
                                             const std::string& prefix) {
  const auto checked = events::checked_table_name(table, "claimed table");
  const auto mine = host_prefix(prefix);
  std::string pattern;  // LIKE pattern of mine: '_' (the only wildcard it can hold) escaped
  for (char c : mine) {
    if (c == '_') pattern += '\\';
    pattern += c;
  }
  auto& select = session.prepare("SELECT DISTINCT claimed_by FROM " + checked +
                                 " WHERE claimed_by LIKE ? AND claimed_until >= UTC_TIMESTAMP(6)");
  mysql::bind(select, pattern + "%");
  auto result = mysql::query(select);
  std::vector<std::string> gone;
  while (result->next()) {
    auto claimant = get_string(*result, "claimed_by");
    if (local_process::gone(local_process::pid_after(claimant, mine))) {
      gone.push_back(std::move(claimant));
    }
  }
  std::size_t released = 0;
  for (const auto& claimant : gone) {
    auto& release = session.prepare("UPDATE " + checked +
                                    " SET claimed_by = NULL, claimed_until = NULL"
                                    " WHERE claimed_by = ?");
    mysql::bind(release, claimant);
    released += static_cast<std::size_t>(release.executeUpdate());
  }
  return released;
}

}  // namespace huicai::mysql

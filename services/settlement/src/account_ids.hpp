#pragma once
// The ids of settlement accounts, remembered in the process: an account is created once and its
// id never changes, so after the first look-up a posting names its accounts without a SELECT.
// Only ids known to be committed are remembered: an id a SELECT returned for a code this process
// is not inserting itself (so another transaction committed it), or the id of our own INSERT once
// its transaction committed (mysql::after_commit). An insert that rolls back leaves nothing
// behind: its code is then only looked up again, never remembered from that transaction.
// Assumes one database per process, whose accounts are never deleted (entries are never changed
// either; a correction is a reversing posting).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace huicai::settlement {

class AccountIds {
 public:
  std::optional<std::int64_t> find(const std::string& code) const;
  // A SELECT returned `id` for `code`: remembered unless this process is inserting `code` in a
  // transaction not known to have committed (the row may be that transaction's own).
  void seen(const std::string& code, std::int64_t id);
  // This process inserted `code` (not committed yet) ...
  void inserting(const std::string& code);
  // ... and the insert committed with `id`.
  void committed(const std::string& code, std::int64_t id);

  static AccountIds& process();  // the one of this process

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> ids_;
  // Codes whose insert by this process has not been seen committed (one that rolled back stays
  // here: its code is then looked up each time, never remembered from a SELECT).
  std::unordered_multiset<std::string> inserting_;
};

}  // namespace huicai::settlement

#include "account_ids.hpp"

namespace huicai::settlement {

AccountIds& AccountIds::process() {
  static AccountIds ids;
  return ids;
}

std::optional<std::int64_t> AccountIds::find(const std::string& code) const {
  std::lock_guard lock(mutex_);
  if (auto found = ids_.find(code); found != ids_.end()) return found->second;
  return std::nullopt;
}

void AccountIds::seen(const std::string& code, std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (!inserting_.contains(code)) ids_.emplace(code, id);
}

void AccountIds::inserting(const std::string& code) {
  std::lock_guard lock(mutex_);
  inserting_.insert(code);
}

void AccountIds::committed(const std::string& code, std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (auto found = inserting_.find(code); found != inserting_.end()) inserting_.erase(found);
  ids_.emplace(code, id);
}

}  // namespace huicai::settlement

#include <huicai/core/auth/revocation_list.hpp>
#include <mutex>

namespace huicai::auth {

void RevocationList::apply(const Revocation& revocation) {
  std::unique_lock lock(mutex_);
  if (revocation.token_id) {
    auto [entry, inserted] = tokens_.try_emplace(*revocation.token_id, revocation.expires_at_ms);
    if (!inserted) entry->second = std::max(entry->second, revocation.expires_at_ms);
  }
  if (revocation.issued_up_to_ms) {
    AccountMark& mark = accounts_[revocation.account_id];
    mark.issued_up_to_ms = std::max(mark.issued_up_to_ms, *revocation.issued_up_to_ms);
    mark.expires_at_ms = std::max(mark.expires_at_ms, revocation.expires_at_ms);
  }
}

bool RevocationList::is_revoked(std::uint64_t account_id, std::string_view token_id,
                                std::int64_t issued_at_ms) const {
  std::shared_lock lock(mutex_);
  if (tokens_.find(token_id) != tokens_.end()) return true;
  auto mark = accounts_.find(account_id);
  return mark != accounts_.end() && issued_at_ms <= mark->second.issued_up_to_ms;
}

void RevocationList::prune(std::int64_t now_ms) {
  std::unique_lock lock(mutex_);
  std::erase_if(tokens_, [now_ms](const auto& entry) { return entry.second <= now_ms; });
  std::erase_if(accounts_,
                [now_ms](const auto& entry) { return entry.second.expires_at_ms <= now_ms; });
}

std::size_t RevocationList::size() const {
  std::shared_lock lock(mutex_);
  return tokens_.size() + accounts_.size();
}

void RevocationList::mark_synced(std::chrono::steady_clock::time_point at) {
  synced_at_.store(at.time_since_epoch().count(), std::memory_order_relaxed);
  ever_synced_.store(true, std::memory_order_release);
}

bool RevocationList::fresh(std::chrono::steady_clock::time_point now,
                           std::chrono::milliseconds max_age) const {
  if (!requires_sync()) return true;
  if (!ever_synced_.load(std::memory_order_acquire)) return false;
  const std::chrono::steady_clock::time_point synced_at(
      std::chrono::steady_clock::duration(synced_at_.load(std::memory_order_relaxed)));
  return now - synced_at <= max_age;
}

}  // namespace huicai::auth

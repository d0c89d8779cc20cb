#pragma once
// The identity events (proto/huicai/events/v1/identity.proto), written into identity_outbox in
// the transaction of the change and published to the "identity" stream by the relay.

#include <cstdint>
#include <optional>
#include <string>

#include "account_repository.hpp"
#include "org_repository.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

inline constexpr const char* kOutboxTable = "identity_outbox";
inline constexpr const char* kProducer = "identity";

void enqueue_org_unit_created(mysql::Session& session, const OrgUnit& unit,
                              const std::string& request_id);
void enqueue_account_created(mysql::Session& session, const Account& account,
                             const std::string& request_id);
void enqueue_role_granted(mysql::Session& session, std::uint64_t account_id,
                          const RoleAssignment& assignment,
                          std::optional<std::uint64_t> actor_account_id,
                          const std::string& request_id);
void enqueue_role_revoked(mysql::Session& session, std::uint64_t account_id, auth::Role role,
                          std::optional<std::uint64_t> actor_account_id,
                          const std::string& request_id);

}  // namespace huicai::identity

#include "identity_events.hpp"

#include <huicai/events/v1/identity.pb.h>

#include <huicai/core/events/outbox.hpp>

namespace huicai::identity {

namespace {

void enqueue(mysql::Session& session, const char* type, std::uint64_t aggregate_id,
             const google::protobuf::Message& message, const std::string& request_id) {
  events::OutgoingEvent event;
  event.stream = kProducer;
  event.type = type;
  event.aggregate_id = std::to_string(aggregate_id);
  event.payload = message.SerializeAsString();
  event.request_id = request_id;
  events::enqueue(session, kOutboxTable, kProducer, event);
}

}  // namespace

void enqueue_org_unit_created(mysql::Session& session, const OrgUnit& unit,
                              const std::string& request_id) {
  events::v1::OrgUnitCreated message;
  message.set_unit_id(unit.id);
  message.set_parent_id(unit.parent_id.value_or(0));
  message.set_code(unit.code);
  message.set_name(unit.name);
  message.set_kind(unit.kind);
  message.set_path(unit.path);
  enqueue(session, "identity.org_unit_created.v1", unit.id, message, request_id);
}

void enqueue_account_created(mysql::Session& session, const Account& account,
                             const std::string& request_id) {
  events::v1::AccountCreated message;
  message.set_account_id(account.id);
  message.set_login(account.login);
  message.set_display_name(account.display_name);
  message.set_unit_id(account.unit_id.value_or(0));
  enqueue(session, "identity.account_created.v1", account.id, message, request_id);
}

void enqueue_role_granted(mysql::Session& session, std::uint64_t account_id,
                          const RoleAssignment& assignment,
                          std::optional<std::uint64_t> actor_account_id,
                          const std::string& request_id) {
  events::v1::RoleGranted message;
  message.set_account_id(account_id);
  message.set_role(std::string(auth::to_string(assignment.role)));
  message.set_unit_id(assignment.unit_id.value_or(0));
  message.set_supplier_id(assignment.supplier_id.value_or(0));
  message.set_county_id(assignment.county_id.value_or(0));
  message.set_actor_account_id(actor_account_id.value_or(0));
  enqueue(session, "identity.role_granted.v1", account_id, message, request_id);
}

void enqueue_role_revoked(mysql::Session& session, std::uint64_t account_id, auth::Role role,
                          std::optional<std::uint64_t> actor_account_id,
                          const std::string& request_id) {
  events::v1::RoleRevoked message;
  message.set_account_id(account_id);
  message.set_role(std::string(auth::to_string(role)));
  message.set_actor_account_id(actor_account_id.value_or(0));
  enqueue(session, "identity.role_revoked.v1", account_id, message, request_id);
}

}  // namespace huicai::identity

#include <huicai/events/v1/audit.pb.h>

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <huicai/core/audit.hpp>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/proto_fields.hpp>

namespace huicai::audit {

bool must_audit(const auth::Principal& caller) {
  using auth::Role;
  return caller.has_role(Role::operator_) || caller.has_role(Role::finance) ||
         caller.has_role(Role::unit_admin) || caller.has_role(Role::county_officer);
}

std::string acting_role(const http::Request& request) {
  if (request.rule == nullptr) return {};
  const auth::Principal& caller = request.caller();
  for (const auth::RoleGrant& grant : request.rule->grants) {
    if (caller.has_role(grant.role)) return std::string(auth::to_string(grant.role));
  }
  return {};
}

Entry entry_for(const http::Request& request, std::string action, std::string target_type,
                std::string target_id) {
  Entry entry;
  const auth::Principal& caller = request.caller();
  entry.actor_account_id = caller.account_id;
  entry.actor_login = caller.login;
  entry.actor_role = acting_role(request);
  entry.action = std::move(action);
  entry.target_type = std::move(target_type);
  entry.target_id = std::move(target_id);
  entry.request_id = request.request_id;
  return entry;
}

bool is_audited_role(std::string_view role) {
  return role == auth::to_string(auth::Role::operator_) ||
         role == auth::to_string(auth::Role::finance) ||
         role == auth::to_string(auth::Role::unit_admin) ||
         role == auth::to_string(auth::Role::county_officer);
}

bool record_privileged(mysql::Session& session, std::string_view outbox_table,
                       std::string_view producer, const http::Request& request,
                       const Change& change) {
  // The role granted on this route decides, not every role the caller holds: a county officer
  // who is also supplier staff editing their own product acts as supplier staff.
  if (!is_audited_role(acting_role(request))) return false;
  Entry entry = entry_for(request, change.action, change.target_type, change.target_id);
  entry.before_json = change.before_json;
  entry.after_json = change.after_json;
  record(session, outbox_table, producer, entry);
  return true;
}

std::string summary(const boost::json::object& row, const std::vector<std::string>& keys) {
  boost::json::object picked;
  for (const auto& key : keys) {
    if (const auto* value = row.if_contains(key)) picked[key] = *value;
  }
  return boost::json::serialize(picked);
}

namespace {

using AuditField = proto::TextField<Entry, events::v1::AuditRecorded>;
using Message = events::v1::AuditRecorded;
// Every text field of an entry, for encode() and decode() alike.
constexpr std::array<AuditField, 9> kTextFields{
    {{&Entry::service, &Message::mutable_service},
     {&Entry::actor_login, &Message::mutable_actor_login},
     {&Entry::actor_role, &Message::mutable_actor_role},
     {&Entry::action, &Message::mutable_action},
     {&Entry::target_type, &Message::mutable_target_type},
     {&Entry::target_id, &Message::mutable_target_id},
     {&Entry::before_json, &Message::mutable_before_json},
     {&Entry::after_json, &Message::mutable_after_json},
     {&Entry::request_id, &Message::mutable_request_id}}};

}  // namespace

std::string encode(const Entry& entry) {
  Message message;
  proto::write_text_fields(entry, message, kTextFields);
  message.set_actor_account_id(entry.actor_account_id.value_or(0));
  message.set_occurred_at_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
  return message.SerializeAsString();
}

std::optional<Entry> decode(std::string_view payload) {
  Message message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return std::nullopt;
  }
  Entry entry;
  proto::read_text_fields(message, entry, kTextFields);
  if (message.actor_account_id() != 0) entry.actor_account_id = message.actor_account_id();
  return entry;
}

std::string record(mysql::Session& session, std::string_view outbox_table,
                   std::string_view producer, const Entry& entry) {
  Entry complete = entry;
  if (complete.service.empty()) complete.service = std::string(producer);
  events::OutgoingEvent event;
  event.stream = std::string(producer);
  event.type = std::string(kEventType);
  event.aggregate_id = complete.target_type + ":" + complete.target_id;
  event.payload = encode(complete);
  event.request_id = complete.request_id;
  return events::enqueue(session, outbox_table, producer, event);
}

}  // namespace huicai::audit

#include "supplier_accounts.hpp"

#include <huicai/events/v1/catalog.pb.h>

#include <huicai/core/events/consumer.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "account_repository.hpp"
#include "audit_log.hpp"

namespace huicai::identity {
namespace {

constexpr const char* kGroup = "identity-supplier-accounts";
constexpr const char* kEventType = "catalog.supplier_application_approved.v1";
// Never a valid Argon2 string: no password opens the account before the set-up.
constexpr const char* kNoPassword = "!setup-pending";

// "supplier<id>", or with a suffix when someone took that login by hand.
std::string free_login(mysql::Session& session, std::int64_t supplier_id) {
  const std::string base = "supplier" + std::to_string(supplier_id);
  for (int attempt = 1; attempt <= 20; ++attempt) {
    auto login = attempt == 1 ? base : base + "-" + std::to_string(attempt);
    if (!find_account_by_login(session, login)) return login;
  }
  throw std::runtime_error("no free login for supplier " + std::to_string(supplier_id));
}

}  // namespace

void create_first_supplier_account(mysql::Session& session, const events::ReceivedEvent& event) {
  events::v1::SupplierApplicationApproved approved;
  if (!approved.ParseFromString(event.payload) || approved.supplier_id() <= 0 ||
      approved.setup_secret_hash().size() != 64) {
    log::error("undecodable supplier application event skipped", {{"event_id", event.event_id}});
    return;
  }
  const auto login = free_login(session, approved.supplier_id());
  const auto display_name =
      approved.contact_name().empty() ? approved.name() : approved.contact_name();
  const auto account_id =
      insert_account(session, login, display_name.substr(0, 64), kNoPassword, std::nullopt);
  RoleAssignment staff;
  staff.role = auth::Role::supplier_staff;
  staff.supplier_id = static_cast<std::uint64_t>(approved.supplier_id());
  insert_role(session, account_id, staff, std::nullopt);
  auto& insert = session.prepare(
      "INSERT INTO identity_account_setups (supplier_id, account_id, setup_secret_hash) "
      "VALUES (?, ?, ?)");
  mysql::bind(insert, approved.supplier_id(), account_id, approved.setup_secret_hash());
  insert.executeUpdate();
  auto entry = audit_entry_for_tool("catalog-approval", "account.created", "account",
                                    std::to_string(account_id));
  // The shape of account summaries in the audit log (approved by: the entry's request_id).
  entry.after = boost::json::object{
      {"id", account_id},
      {"login", login},
      {"display_name", display_name},
      {"status", "active"},
      {"roles", boost::json::array{boost::json::object{{"role", "supplier_staff"},
                                                       {"supplier_id", approved.supplier_id()}}}}};
  entry.request_id = event.request_id;
  append_audit(session, entry);
}

void start_supplier_account_consumer(app::Context& context) {
  context.spawn_background(
      "identity-supplier-account-consumer", [&context]() -> boost::asio::awaitable<void> {
        events::ConsumerOptions options;
        options.stream = "catalog";
        options.group = kGroup;
        options.consumer_name = events::this_process_consumer_name();
        options.processed_table = "identity_processed_events";
        options.metrics = &context.metrics();
        options.event_types = {kEventType};
        events::Consumer consumer(context.db(), context.dedicated_redis("supplier-accounts"),
                                  options, events::EventHandler(&create_first_supplier_account));
        co_await consumer.run();
      });
}

}  // namespace huicai::identity

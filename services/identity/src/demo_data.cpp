// Demo data: the org tree of 国家能源集团 and one account per role (docs/demo-accounts.md).
// Idempotent by natural key: units by code, accounts by login; what exists is left alone.
#include <huicai/core/auth/password_hasher.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/identity/service.hpp>
#include <iostream>

#include "account_repository.hpp"
#include "audit_log.hpp"
#include "identity_events.hpp"
#include "mfa_repository.hpp"
#include "org_repository.hpp"
#include "totp.hpp"

namespace huicai::identity {

namespace {

// The catalog's demo rows have fixed ids (db/migrations/0201_catalog_counties.sql): county 1 is
// 米脂县 and supplier 1 a cooperative there. See docs/demo-accounts.md.
constexpr std::uint64_t kDemoCountyId = 1;
constexpr std::uint64_t kDemoSupplierId = 1;
constexpr const char* kDemoPassword = "Huicai-demo-2026";

struct DemoSubsidiary {
  const char* code;
  const char* name;
};
constexpr DemoSubsidiary kSubsidiaries[] = {
    {"shendong", "神东煤炭"},       {"pingzhuang", "平庄煤业"}, {"longyuan", "龙源电力"},
    {"tibet", "西藏公司"},          {"qinghai", "青海公司"},    {"daduhe", "大渡河"},
    {"sichuan-energy", "四川能源"},
};
struct DemoUnit {
  const char* suffix;
  const char* name;
  const char* kind;
};
constexpr DemoUnit kUnits[] = {
    {"canteen", "食堂", "canteen"}, {"union", "工会", "union"}, {"office", "办公室", "office"}};

struct DemoAccountSpec {
  const char* login;
  const char* display_name;
  auth::Role role;
  const char* unit_code;  // nullptr: no unit
  std::optional<std::uint64_t> supplier_id;
  std::optional<std::uint64_t> county_id;
  // The roles that move money sign in with a code (HUICAI_MFA_REQUIRED_ROLES): their demo
  // accounts come enrolled with a fixed TOTP secret (20 bytes, printed in base32 in
  // docs/demo-accounts.md) so anyone trying the demo can add it to an app or run
  // `huicai totp-code --login LOGIN`. Fixed and public: demo only (seed runs in development).
  const char* totp_secret = nullptr;
};
const DemoAccountSpec kAccounts[] = {
    {"demo.employee", "演示 职工", auth::Role::employee, "shendong.canteen", {}, {}},
    {"demo.buyer", "演示 采购员", auth::Role::unit_buyer, "shendong.canteen", {}, {}},
    {"demo.approver", "演示 审批人", auth::Role::unit_approver, "shendong.canteen", {}, {}},
    {"demo.unitadmin",
     "演示 单位管理员",
     auth::Role::unit_admin,
     "shendong",
     {},
     {},
     "huicai-demo-unitadm!"},
    {"demo.supplier", "演示 合作社", auth::Role::supplier_staff, nullptr, kDemoSupplierId, {}},
    {"demo.county", "演示 县扶贫办", auth::Role::county_officer, nullptr, {}, kDemoCountyId},
    {"demo.operator",
     "演示 平台运营",
     auth::Role::operator_,
     nullptr,
     {},
     {},
     "huicai-demo-operator"},
    {"demo.finance", "演示 财务", auth::Role::finance, nullptr, {}, {}, "huicai-demo-finance!"},
    {"demo.auditor", "演示 审计", auth::Role::auditor, nullptr, {}, {}, "huicai-demo-auditor!"},
};

OrgUnit ensure_unit(mysql::Session& session, const std::optional<OrgUnit>& parent,
                    const std::string& code, const std::string& name, const std::string& kind) {
  if (auto existing = find_unit_by_code(session, code)) return *existing;
  OrgUnit unit = insert_unit(session, parent, code, name, kind);
  auto entry =
      audit_entry_for_tool("demo-loader", "org_unit.created", "org_unit", std::to_string(unit.id));
  entry.after = to_json(unit);
  append_audit(session, entry);
  enqueue_org_unit_created(session, unit, "");
  return unit;
}

void enrol_demo_factor(mysql::Session& session, const SecondFactorKeys& keys,
                       std::uint64_t account_id, const char* secret) {
  if (!insert_active_totp(session, keys, account_id, secret)) return;
  auto entry =
      audit_entry_for_tool("demo-loader", "mfa.enrolled", "account", std::to_string(account_id));
  append_audit(session, entry);
}

}  // namespace

std::vector<DemoAccount> demo_accounts() {
  std::vector<DemoAccount> accounts;
  for (const auto& spec : kAccounts) {
    std::string scope = spec.unit_code     ? std::string("unit ") + spec.unit_code
                        : spec.supplier_id ? "supplier " + std::to_string(*spec.supplier_id)
                        : spec.county_id   ? "county " + std::to_string(*spec.county_id)
                                           : "platform";
    accounts.push_back({spec.login, kDemoPassword, std::string(auth::to_string(spec.role)),
                        std::move(scope),
                        spec.totp_secret ? totp::base32(spec.totp_secret) : std::string()});
  }
  return accounts;
}

void load_demo_data(app::Context& context) {
  // One hash for all demo accounts: they share the documented password.
  const std::string password_hash =
      auth::hash_password_blocking(kDemoPassword, auth::PasswordHashParameters::interactive());
  const SecondFactorKeys keys(context.config().token_secret);
  std::size_t created_accounts = context.db().run_blocking(
      [&](mysql::Session& session) {
        OrgUnit group = ensure_unit(session, std::nullopt, "chnenergy", "国家能源集团", "group");
        for (const auto& subsidiary : kSubsidiaries) {
          OrgUnit parent =
              ensure_unit(session, group, subsidiary.code, subsidiary.name, "subsidiary");
          for (const auto& unit : kUnits) {
            ensure_unit(session, parent, std::string(subsidiary.code) + "." + unit.suffix,
                        std::string(subsidiary.name) + unit.name, unit.kind);
          }
        }
        std::size_t created = 0;
        for (const auto& spec : kAccounts) {
          if (auto existing = find_account_by_login(session, spec.login)) {
            // Seeded before second factors existed: enrol it now (nothing when it has one).
            if (spec.totp_secret) enrol_demo_factor(session, keys, existing->id, spec.totp_secret);
            continue;
          }
          std::optional<std::uint64_t> unit_id;
          if (spec.unit_code) unit_id = find_unit_by_code(session, spec.unit_code).value().id;
          const auto id =
              insert_account(session, spec.login, spec.display_name, password_hash, unit_id);
          RoleAssignment assignment{spec.role, is_unit_role(spec.role) ? unit_id : std::nullopt,
                                    spec.supplier_id, spec.county_id};
          insert_role(session, id, assignment, std::nullopt);
          auto account = find_account(session, id).value();
          auto entry =
              audit_entry_for_tool("demo-loader", "account.created", "account", std::to_string(id));
          entry.after = to_json(account);
          append_audit(session, entry);
          enqueue_account_created(session, account, "");
          enqueue_role_granted(session, id, assignment, std::nullopt, "");
          if (spec.totp_secret) enrol_demo_factor(session, keys, id, spec.totp_secret);
          ++created;
        }
        return created;
      },
      /*in_transaction=*/true);

  std::cout << "identity: demo org tree ready; " << created_accounts
            << " demo account(s) created. Demo logins (password for all: " << kDemoPassword
            << "):\n";
  for (const auto& account : demo_accounts()) {
    std::cout << "  " << account.login << "  (" << account.role << ", " << account.scope << ")";
    if (!account.totp_secret.empty()) {
      std::cout << "  TOTP secret " << account.totp_secret << " (huicai totp-code --login "
                << account.login << ")";
    }
    std::cout << "\n";
  }
}

}  // namespace huicai::identity

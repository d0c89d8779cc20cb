#include "admin_commands.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <huicai/core/app/context.hpp>
#include <huicai/core/auth/password_hasher.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <iostream>
#include <stdexcept>

#include "account_repository.hpp"
#include "audit_log.hpp"
#include "identity_events.hpp"
#include "mfa_repository.hpp"
#include "org_repository.hpp"
#include "routes.hpp"
#include "sessions.hpp"
#include "totp.hpp"

namespace huicai::identity {

namespace {

constexpr const char* kUsage =
    "usage: huicai-identity-admin <command> [options]\n"
    "  create-unit     --code CODE --name NAME --kind KIND [--parent PARENT_CODE]\n"
    "  create-account  --login LOGIN --name DISPLAY_NAME --password PASSWORD [--unit UNIT_CODE]\n"
    "  grant-role      --login LOGIN --role ROLE [--supplier-id ID] [--county-id ID]\n"
    "  revoke-role     --login LOGIN --role ROLE\n"
    "  reset-password  --login LOGIN --password PASSWORD\n"
    "Settings (database, Redis) come from the HUICAI_* environment, see docs/configuration.md.\n";

using Options = std::map<std::string, std::string, std::less<>>;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Options parse_options(const std::vector<std::string>& arguments) {
  Options options;
  for (std::size_t i = 1; i < arguments.size(); i += 2) {
    if (arguments[i].rfind("--", 0) != 0 || i + 1 >= arguments.size()) {
      throw UsageError("expected --name value pairs, got " + arguments[i]);
    }
    options[arguments[i].substr(2)] = arguments[i + 1];
  }
  return options;
}

const std::string& required(const Options& options, const char* name) {
  auto found = options.find(name);
  if (found == options.end()) throw UsageError(std::string("missing --") + name);
  return found->second;
}

std::optional<std::string> optional_option(const Options& options, const char* name) {
  auto found = options.find(name);
  if (found == options.end()) return std::nullopt;
  return found->second;
}

std::optional<std::uint64_t> optional_id(const Options& options, const char* name) {
  auto text = optional_option(options, name);
  if (!text) return std::nullopt;
  try {
    return std::stoull(*text);
  } catch (const std::exception&) {
    throw UsageError(std::string("--") + name + " must be a number");
  }
}

mysql::PoolOptions pool_options(const Config& config) {
  auto options = mysql::pool_options_from(config);
  options.size = 1;  // one command, one connection
  return options;
}

Account account_by_login(mysql::Session& session, const std::string& login) {
  auto account = find_account_by_login(session, normalize_login(login));
  if (!account) throw UsageError("no account with login " + login);
  return *account;
}

AuditEntry cli_entry(std::string action, std::string target_type, std::string target_id) {
  return audit_entry_for_tool("cli", std::move(action), std::move(target_type),
                              std::move(target_id));
}

// Runs one command. Revocations it records (password reset, role revoked) need no push: every
// running process reads them from the MySQL record within HUICAI_REVOCATION_POLL_INTERVAL_MS
// (auth::RevocationFeed).
void execute(const std::string& command, const Options& options, const Config& config,
             mysql::Pool& pool) {
  if (command == "create-unit") {
    const auto& code = required(options, "code");
    const auto& name = required(options, "name");
    const auto& kind = required(options, "kind");
    if (!is_known_unit_kind(kind)) throw UsageError("unknown unit kind " + kind);
    auto parent_code = optional_option(options, "parent");
    auto unit = pool.run_blocking(
        [&](mysql::Session& session) {
          std::optional<OrgUnit> parent;
          if (parent_code) {
            parent = find_unit_by_code(session, *parent_code);
            if (!parent) throw UsageError("no unit with code " + *parent_code);
          }
          OrgUnit created = insert_unit(session, parent, code, name, kind);
          auto entry = cli_entry("org_unit.created", "org_unit", std::to_string(created.id));
          entry.after = to_json(created);
          append_audit(session, entry);
          enqueue_org_unit_created(session, created, "");
          return created;
        },
        true);
    std::cout << boost::json::serialize(to_json(unit)) << "\n";
  } else if (command == "create-account") {
    const std::string login = normalize_login(required(options, "login"));
    const auto& name = required(options, "name");
    const auto& password = required(options, "password");
    if (auto problem = login_problem(login); !problem.empty()) throw UsageError("login " + problem);
    if (auto problem = password_problem(password); !problem.empty()) {
      throw UsageError("password " + problem);
    }
    auto unit_code = optional_option(options, "unit");
    const auto hash =
        auth::hash_password_blocking(password, auth::PasswordHashParameters::interactive());
    auto account = pool.run_blocking(
        [&](mysql::Session& session) {
          std::optional<std::uint64_t> unit_id;
          if (unit_code) {
            auto unit = find_unit_by_code(session, *unit_code);
            if (!unit) throw UsageError("no unit with code " + *unit_code);
            unit_id = unit->id;
          }
          const auto id = insert_account(session, login, name, hash, unit_id);
          auto created = find_account(session, id).value();
          auto entry = cli_entry("account.created", "account", std::to_string(id));
          entry.after = to_json(created);
          append_audit(session, entry);
          enqueue_account_created(session, created, "");
          return created;
        },
        true);
    std::cout << boost::json::serialize(to_json(account)) << "\n";
  } else if (command == "grant-role" || command == "revoke-role") {
    const auto& login = required(options, "login");
    auto role = auth::role_from_string(required(options, "role"));
    if (!role) throw UsageError("unknown role " + required(options, "role"));
    const auto supplier_id = optional_id(options, "supplier-id");
    const auto county_id = optional_id(options, "county-id");
    if ((*role == auth::Role::supplier_staff) != supplier_id.has_value() &&
        command == "grant-role") {
      throw UsageError("--supplier-id is required for supplier_staff and only for it");
    }
    if ((*role == auth::Role::county_officer) != county_id.has_value() && command == "grant-role") {
      throw UsageError("--county-id is required for county_officer and only for it");
    }
    const bool granting = command == "grant-role";
    auto account = pool.run_blocking(
        [&](mysql::Session& session) {
          Account target = account_by_login(session, login);
          if (granting) {
            RoleAssignment assignment{*role, std::nullopt, supplier_id, county_id};
            if (is_unit_role(*role)) {
              if (!target.unit_id) throw UsageError("the account has no unit");
              assignment.unit_id = target.unit_id;
            }
            if (!insert_role(session, target.id, assignment, std::nullopt)) {
              throw UsageError("the account already holds " + std::string(auth::to_string(*role)));
            }
            enqueue_role_granted(session, target.id, assignment, std::nullopt, "");
          } else {
            if (!delete_role(session, target.id, *role)) {
              throw UsageError("the account does not hold " + std::string(auth::to_string(*role)));
            }
            record_revocation(session, tokens_issued_until_now(target.id, config.access_token_ttl),
                              "role_revoked");
            enqueue_role_revoked(session, target.id, *role, std::nullopt, "");
          }
          auto entry = cli_entry(granting ? "role.granted" : "role.revoked", "account",
                                 std::to_string(target.id));
          entry.before = to_json(target);
          auto updated = find_account(session, target.id).value();
          entry.after = to_json(updated);
          append_audit(session, entry);
          return updated;
        },
        true);
    std::cout << boost::json::serialize(to_json(account)) << "\n";
  } else if (command == "reset-password") {
    const auto& login = required(options, "login");
    const auto& password = required(options, "password");
    if (auto problem = password_problem(password); !problem.empty()) {
      throw UsageError("password " + problem);
    }
    const auto hash =
        auth::hash_password_blocking(password, auth::PasswordHashParameters::interactive());
    pool.run_blocking(
        [&](mysql::Session& session) {
          Account target = account_by_login(session, login);
          update_password(session, target.id, std::nullopt, hash);
          revoke_account_refresh_tokens(session, target.id);
          record_revocation(session, tokens_issued_until_now(target.id, config.access_token_ttl),
                            "password_reset");
          append_audit(session,
                       cli_entry("account.password_reset", "account", std::to_string(target.id)));
        },
        true);
    std::cout << "password reset for " << login << "; its tokens are revoked\n";
  } else {
    throw UsageError("unknown command " + command);
  }
}

}  // namespace

int run_admin_command(const std::vector<std::string>& arguments) {
  if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "help") {
    std::cout << kUsage;
    return arguments.empty() ? 2 : 0;
  }
  try {
    const Config config = Config::from_environment();
    const Options options = parse_options(arguments);
    boost::asio::io_context io;
    mysql::Pool pool(io.get_executor(), pool_options(config));
    execute(arguments[0], options, config, pool);
    pool.close();
    return 0;
  } catch (const UsageError& error) {
    std::cerr << "error: " << error.what() << "\n" << kUsage;
    return 2;
  } catch (const http::Problem& problem) {
    std::cerr << "error: " << problem.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
}

int run_service_command(const Config& config, const std::vector<std::string>& arguments) {
  if (arguments.empty() || arguments[0] != "totp-code") return app::kNotThisCommand;
  if (config.environment != "development") {
    std::cerr << "totp-code: refused: it reads second-factor secrets, so it runs only with "
                 "HUICAI_ENV=development\n";
    return 1;
  }
  try {
    const Options options = parse_options(arguments);
    const std::string login = normalize_login(required(options, "login"));
    boost::asio::io_context io;
    mysql::Pool pool(io.get_executor(), pool_options(config));
    const SecondFactorKeys keys(config.token_secret);
    auto factor = pool.run_blocking([&](mysql::Session& session) {
      Account account = account_by_login(session, login);
      return find_totp_factor(session, keys, account.id);
    });
    pool.close();
    if (!factor) {
      std::cerr << "totp-code: " << login << " has no second factor enrolled\n";
      return 1;
    }
    std::cout << totp::code_at(factor->secret, std::time(nullptr)) << "\n";
    return 0;
  } catch (const UsageError& error) {
    std::cerr << "totp-code: " << error.what() << "\nusage: huicai totp-code --login LOGIN\n";
    return 2;
  }
}

}  // namespace huicai::identity

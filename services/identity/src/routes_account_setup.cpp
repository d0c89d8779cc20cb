// POST /v1/account-setup (public, rate-limited per source address): the applicant of a
// self-applied supplier sets the first staff account's password, once, with the set-up secret
// catalog showed it when it applied (ADR 0022). The secret is compared by its SHA-256; the
// set-up is a compare-and-set from 'pending' to 'claimed', so a secret works exactly once.
// Unknown supplier, no account yet (not approved, or identity has not consumed the approval
// yet) and a wrong secret all answer the same 404: nothing tells a guesser which it was.
#include <sodium.h>

#include <boost/describe/class.hpp>
#include <huicai/core/auth/secrets.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/validation.hpp>

#include "account_repository.hpp"
#include "audit_log.hpp"
#include "routes.hpp"

namespace huicai::identity {

struct AccountSetupBody {
  std::int64_t supplier_id = 0;
  std::string setup_secret;
  std::string new_password;
};
BOOST_DESCRIBE_STRUCT(AccountSetupBody, (), (supplier_id, setup_secret, new_password))

namespace {

using boost::asio::awaitable;

struct PendingSetup {
  std::uint64_t account_id = 0;
  std::string secret_hash;
  std::string status;
};

std::optional<PendingSetup> find_setup(mysql::Session& session, std::int64_t supplier_id) {
  auto& select = session.prepare(
      "SELECT account_id, setup_secret_hash, status FROM identity_account_setups "
      "WHERE supplier_id = ?");
  auto row = mysql::query(mysql::bind(select, supplier_id));
  if (!row->next()) return std::nullopt;
  return PendingSetup{static_cast<std::uint64_t>(row->getInt64("account_id")),
                      mysql::get_string(*row, "setup_secret_hash"),
                      mysql::get_string(*row, "status")};
}

bool same_hash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

[[noreturn]] void throw_no_setup() {
  throw http::Problem(404, "not-found", "Not found",
                      "no account set-up for this supplier and secret (the supplier may not be "
                      "approved yet)");
}

awaitable<http::Response> set_up_account(const StatePtr& state, http::Request& request) {
  auto body = decode_json<AccountSetupBody>(request.body);
  Validator check;
  check.require(body.supplier_id > 0, "supplier_id", "must be a supplier id");
  check.require(!body.setup_secret.empty() && body.setup_secret.size() <= 128, "setup_secret",
                "is required");
  if (auto problem = password_problem(body.new_password); !problem.empty()) {
    check.add("new_password", problem);
  }
  check.throw_if_any();
  const auto presented = auth::secret_hash(body.setup_secret);

  // Checked before the (costly) password hash, and again in the compare-and-set below.
  auto setup = co_await state->db().run(
      [&](mysql::Session& session) { return find_setup(session, body.supplier_id); });
  if (!setup || !same_hash(setup->secret_hash, presented)) throw_no_setup();
  if (setup->status != "pending") {
    throw http::Problem(409, "setup-used", "Set-up already used",
                        "the first password was set already; sign in, or ask an operator for a "
                        "password reset");
  }
  const std::string new_hash = co_await state->hasher.hash(body.new_password);
  auto account = co_await state->db().transaction([&](mysql::Session& session) {
    auto& claim = session.prepare(
        "UPDATE identity_account_setups SET status = 'claimed', claimed_at = UTC_TIMESTAMP(6) "
        "WHERE supplier_id = ? AND status = 'pending' AND setup_secret_hash = ?");
    mysql::bind(claim, body.supplier_id, presented);
    if (claim.executeUpdate() != 1) {
      throw http::Problem(409, "setup-used", "Set-up already used",
                          "the first password was set already");
    }
    update_password(session, setup->account_id, std::nullopt, new_hash);
    auto found = find_account(session, setup->account_id);
    if (!found) throw_no_setup();
    AuditEntry entry;  // a public route: the account acts on itself
    entry.actor_account_id = found->id;
    entry.actor_login = found->login;
    entry.action = "account.password_set_up";
    entry.target_type = "account";
    entry.target_id = std::to_string(found->id);
    entry.request_id = request.request_id;
    append_audit(session, entry);
    return *found;
  });
  co_return http::Response::json(
      200, boost::json::object{{"account_id", account.id}, {"login", account.login}});
}

}  // namespace

void register_account_setup_routes(const StatePtr& state, http::Router& router) {
  const auto per_minute =
      static_cast<int>(state->config().account_setup_attempts_per_ip_per_minute);
  // clang-format off
  router.add({http::Method::post, "/v1/account-setup", "identity", auth::AccessRule::public_route(), [state](http::Request& request) { return set_up_account(state, request); }, http::RateLimit{per_minute, std::chrono::seconds(60)}});
  // clang-format on
}

}  // namespace huicai::identity

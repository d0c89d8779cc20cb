// The generated authorization matrix (see authorization_matrix.hpp): routes vs
// docs/authorization.tsv, then every route x role x own/other tenant over HTTP.
// HUICAI_UPDATE_DOCS=1 rewrites the TSV from the registered routes instead of comparing.
#include "authorization_matrix.hpp"

#include <algorithm>
#include <fstream>
#include <huicai/core/http/router.hpp>
#include <iostream>
#include <set>
#include <sstream>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

namespace huicai::test::matrix {

std::map<RouteKey, RouteFixture>& fixtures() {
  static std::map<RouteKey, RouteFixture> registry;
  return registry;
}

std::vector<std::pair<std::string, std::function<void(MatrixEnv&, Tenant&)>>>& tenant_setups() {
  static std::vector<std::pair<std::string, std::function<void(MatrixEnv&, Tenant&)>>> setups;
  return setups;
}

auth::Principal MatrixEnv::principal(auth::Role role, const Tenant& tenant) const {
  auth::Principal principal;
  // One account id per (role, tenant), the same every run: per-account rate limits see at most
  // a couple of calls per route.
  principal.account_id =
      910000000 + static_cast<std::uint64_t>(role) * 2 + (tenant.name == "A" ? 0 : 1);
  principal.login = "matrix." + std::string(auth::to_string(role)) + "." + tenant.name;
  principal.roles = {role};
  if (role == auth::Role::employee || role == auth::Role::unit_buyer ||
      role == auth::Role::unit_approver || role == auth::Role::unit_admin) {
    principal.unit_id = tenant.unit_id;
    principal.unit_path = tenant.unit_path;
  }
  if (role == auth::Role::supplier_staff) principal.supplier_id = tenant.supplier_id;
  if (role == auth::Role::county_officer) principal.county_id = tenant.county_id;
  return principal;
}

std::string MatrixEnv::token_for(const auth::Principal& principal) const {
  return app.context().tokens().issue_access(principal).token;
}

std::string MatrixEnv::unique(const std::string& prefix) const {
  return prefix + unique_suffix();
}

}  // namespace huicai::test::matrix

namespace {

using matrix::MatrixEnv;
using matrix::Tenant;

std::string_view scope_name(auth::Scope scope) {
  switch (scope) {
    case auth::Scope::any:
      return "any";
    case auth::Scope::own_account:
      return "own_account";
    case auth::Scope::own_unit:
      return "own_unit";
    case auth::Scope::unit_subtree:
      return "unit_subtree";
    case auth::Scope::own_supplier:
      return "own_supplier";
    case auth::Scope::own_county:
      return "own_county";
  }
  return "?";
}

// "public", or "role:scope,role:scope" in role order: the TSV's rule column.
std::string rule_text(const auth::AccessRule& rule) {
  if (rule.is_public) return "public";
  std::vector<std::string> grants;
  for (auth::Role role : auth::kAllRoles) {
    for (const auth::RoleGrant& grant : rule.grants) {
      if (grant.role == role) {
        grants.push_back(std::string(auth::to_string(role)) + ":" +
                         std::string(scope_name(grant.scope)));
      }
    }
  }
  if (grants.empty()) return "nobody";
  std::string text;
  for (const auto& grant : grants) text += (text.empty() ? "" : ",") + grant;
  // Also open to an enrolment-only token (a second factor still to enrol).
  if (rule.admits_enrolment_only) text += ";enrolment";
  return text;
}

struct TableRow {
  std::string service;
  std::string rule;
};
using Table = std::map<std::pair<std::string, std::string>, TableRow>;  // (METHOD, pattern)

const std::string kTablePath = std::string(HUICAI_SOURCE_DIR) + "/docs/authorization.tsv";

Table read_table() {
  Table table;
  std::ifstream in(kTablePath);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string method, pattern, service, rule;
    std::getline(fields, method, '\t');
    std::getline(fields, pattern, '\t');
    std::getline(fields, service, '\t');
    std::getline(fields, rule, '\t');
    if (method == "method") continue;  // header
    table[{method, pattern}] = {service, rule};
  }
  return table;
}

void write_table(const http::Router& router) {
  std::vector<std::string> lines;
  for (const auto& route : router.routes()) {
    lines.push_back(std::string(http::to_string(route.method)) + "\t" + route.pattern + "\t" +
                    route.service + "\t" + rule_text(route.rule));
  }
  std::sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
    // By pattern, then method.
    auto key = [](const std::string& line) {
      auto tab = line.find('\t');
      return line.substr(tab + 1) + " " + line.substr(0, tab);
    };
    return key(a) < key(b);
  });
  std::ofstream out(kTablePath);
  out << "# The authorization table: every route of every service and who may call it.\n"
         "# rule = public | role:scope[,role:scope...][;enrolment]; anything not listed is denied "
         "(403).\n"
         "# ;enrolment: also open to a token that may only enrol a second factor.\n"
         "# Checked by tests/integration/identity/authorization_matrix_test.cpp; regenerate with\n"
         "# HUICAI_UPDATE_DOCS=1 <build>/tests/integration_identity_tests \"[matrix]\" and review "
         "the diff.\n"
         "method\tpattern\tservice\trule\n";
  for (const auto& line : lines) out << line << "\n";
}

std::string fill_params(const std::string& pattern) {
  std::string target;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      i = pattern.find('}', i);
      target += "1";
    } else {
      target += pattern[i];
    }
  }
  return target;
}

bool is_auth_failure(int status) {
  return status == 401 || status == 403;
}

Tenant make_tenant(MatrixEnv& env, const std::string& name, std::uint64_t root_id) {
  Tenant tenant;
  tenant.name = name;
  auto unit = create_unit(env.client, env.operator_token, root_id, env.unique("mx-" + name + "-"),
                          "subsidiary");
  tenant.unit_id = unit.id;
  tenant.unit_path = unit.path;
  tenant.member_account_id =
      create_account(env.client, env.operator_token, env.unique("mx." + name + "."), unit.id).id;
  // Placeholder supplier / county ids, unless a service's tenant setup creates real ones.
  tenant.supplier_id = name == "A" ? 990000001 : 990000003;
  tenant.county_id = name == "A" ? 990000002 : 990000004;
  return tenant;
}

struct Tally {
  int cells = 0;
  int denied_role = 0;      // role not granted -> 403
  int unauthenticated = 0;  // no token -> 401
  int allowed_own = 0;      // granted, own object
  int allowed_other = 0;    // granted with scope any, other tenant's object
  int hidden_other = 0;     // scoped role, other tenant's object -> 403/404
  int crossed_refused = 0;  // scoped role, tenants' ids crossed in path and body -> 403/404/422
  std::vector<std::string> failures;
  std::vector<std::string> role_part_only;
};

}  // namespace

TEST_CASE("every route is in the authorization table and every cell agrees with it",
          "[identity][matrix]") {
  TestApp app(all_services(), [](Config& config) { config.access_log = false; });
  HttpClient client(app.host(), app.port());
  const http::Router& router = app.application().router();

  if (std::getenv("HUICAI_UPDATE_DOCS") != nullptr) {
    write_table(router);
    WARN("rewrote " << kTablePath);
    return;
  }

  // 1. The table and the routes agree, both ways.
  const Table table = read_table();
  REQUIRE_FALSE(table.empty());
  int allowed_by_default = 0;
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& route : router.routes()) {
    const std::pair<std::string, std::string> key{std::string(http::to_string(route.method)),
                                                  route.pattern};
    registered.insert(key);
    auto row = table.find(key);
    if (row == table.end()) {
      FAIL_CHECK("route missing from docs/authorization.tsv: "
                 << key.first << " " << key.second << " (rule in code: " << rule_text(route.rule)
                 << ")");
      continue;
    }
    CHECK(row->second.rule == rule_text(route.rule));
    CHECK(row->second.service == route.service);
    // Zero allowed-by-default cells: a route is public on purpose or names its roles.
    if (rule_text(route.rule) == "nobody") ++allowed_by_default;
    CHECK(rule_text(route.rule) != "nobody");
  }
  for (const auto& [key, row] : table) {
    if (!registered.count(key)) {
      FAIL_CHECK("docs/authorization.tsv lists a route that does not exist: " << key.first << " "
                                                                              << key.second);
    }
  }

  // 2. Two tenants, then every cell over HTTP.
  MatrixEnv env{app, client, mint(app, platform_principal(auth::Role::operator_)), {}, {}};
  auto root =
      create_unit(client, env.operator_token, std::nullopt, env.unique("mx-root-"), "group");
  env.own = make_tenant(env, "A", root.id);
  env.other = make_tenant(env, "B", root.id);
  for (auto& [name, setup] : matrix::tenant_setups()) {
    INFO("tenant setup " << name);
    setup(env, env.own);
    setup(env, env.other);
  }

  Tally tally;
  auto call = [&](const http::Route& route, const matrix::MatrixRequest& request,
                  const std::string& token) {
    HeaderList headers;
    if (!token.empty()) headers.push_back({"authorization", "Bearer " + token});
    if (!request.body.empty()) headers.push_back({"content-type", "application/json"});
    for (const auto& header : request.headers) headers.push_back(header);
    ++tally.cells;
    return client.request(http::to_string(route.method), request.target, request.body, headers);
  };
  auto fail = [&](const http::Route& route, const std::string& who, const HttpResponse& response,
                  const std::string& expected) {
    tally.failures.push_back(std::string(http::to_string(route.method)) + " " + route.pattern +
                             " as " + who + ": got " + std::to_string(response.status) +
                             ", expected " + expected + " — " + response.body.substr(0, 200));
  };

  for (const auto& route : router.routes()) {
    const auto fixture_it = matrix::fixtures().find({route.method, route.pattern});
    const matrix::RouteFixture* fixture =
        fixture_it == matrix::fixtures().end() ? nullptr : &fixture_it->second;
    if (!fixture) {
      tally.role_part_only.push_back(std::string(http::to_string(route.method)) + " " +
                                     route.pattern);
      // A grant limited to the caller's own account, unit, supplier or county is only checked
      // with a fixture that builds an object of each tenant: a scoped route must have one.
      for (const auth::RoleGrant& grant : route.rule.grants) {
        if (grant.scope != auth::Scope::any) {
          tally.failures.push_back(std::string(http::to_string(route.method)) + " " +
                                   route.pattern + " grants " +
                                   std::string(auth::to_string(grant.role)) + ":" +
                                   std::string(scope_name(grant.scope)) +
                                   " but has no matrix fixture: add one to "
                                   "tests/integration/identity/<service>_matrix_fixtures_test.cpp");
          break;
        }
      }
    }
    auto request_for = [&](const auth::Principal& caller, const Tenant& owner) {
      if (fixture) return fixture->request(env, caller, owner);
      return matrix::MatrixRequest{fill_params(route.pattern), "{}"};
    };

    // No token.
    {
      auto response =
          call(route, request_for(env.principal(auth::Role::employee, env.own), env.own), "");
      if (route.rule.is_public) {
        if (is_auth_failure(response.status) &&
            (problem_type(response).ends_with("/unauthenticated") ||
             problem_type(response).ends_with("/forbidden"))) {
          fail(route, "anonymous", response, "a public route to answer without a token");
        }
      } else if (response.status != 401) {
        fail(route, "anonymous", response, "401");
      } else {
        ++tally.unauthenticated;
      }
    }
    if (route.rule.is_public) continue;

    for (auth::Role role : auth::kAllRoles) {
      const std::string who = std::string(auth::to_string(role));
      const auth::Principal caller = env.principal(role, env.own);
      const auth::RoleGrant* grant = route.rule.grant_for(role);
      if (grant == nullptr) {
        // Not granted: 403 whatever the object, decided before the handler runs.
        auto response = call(route, request_for(caller, env.own), env.token_for(caller));
        if (response.status != 403) {
          fail(route, who, response, "403 (role not granted)");
        } else {
          ++tally.denied_role;
        }
        continue;
      }
      if (!fixture) continue;  // no way to build a legitimate call: role part only

      auto own = call(route, fixture->request(env, caller, env.own), env.token_for(caller));
      // HUICAI_MATRIX_VERBOSE=1 shows what each granted call answered (a fixture that only
      // ever gets 404 or 422 checks less than it seems).
      const bool verbose = std::getenv("HUICAI_MATRIX_VERBOSE") != nullptr;
      if (verbose) {
        std::cout << "  " << http::to_string(route.method) << " " << route.pattern << " as " << who
                  << ": own " << own.status << " " << own.body.substr(0, 120) << "\n";
      }
      if (is_auth_failure(own.status) || own.status == 500) {
        fail(route, who + " on own tenant's object", own, "neither 401/403 nor 500");
      } else {
        ++tally.allowed_own;
      }
      if (grant->scope != auth::Scope::any) {
        for (const matrix::CrossedRequest& crossed : fixture->crossed) {
          const std::string before = crossed.unchanged ? crossed.unchanged(env) : "";
          auto response = call(route, crossed.request(env, caller), env.token_for(caller));
          if (verbose)
            std::cout << "    crossed (" << crossed.what << "): " << response.status << "\n";
          if (response.status != 403 && response.status != 404 && response.status != 422) {
            fail(route, who + " crossing " + crossed.what, response, "403, 404 or 422");
          } else if (crossed.unchanged && crossed.unchanged(env) != before) {
            fail(route, who + " crossing " + crossed.what, response, "nothing to change");
          } else {
            ++tally.crossed_refused;
          }
        }
      }
      if (!fixture->has_other_tenant_object) continue;
      auto other = call(route, fixture->request(env, caller, env.other), env.token_for(caller));
      if (verbose) std::cout << "    other tenant's: " << other.status << "\n";
      if (grant->scope == auth::Scope::any) {
        if (is_auth_failure(other.status) || other.status == 500) {
          fail(route, who + " (scope any) on other tenant's object", other,
               "neither 401/403 nor 500");
        } else {
          ++tally.allowed_other;
        }
      } else if (other.status != 403 && other.status != 404) {
        fail(route,
             who + " (" + std::string(scope_name(grant->scope)) + ") on other tenant's object",
             other, "403 or 404");
      } else {
        ++tally.hidden_other;
      }
    }
  }

  std::cout << "authorization matrix: " << router.routes().size() << " routes, " << tally.cells
            << " calls: " << tally.unauthenticated << " no-token 401, " << tally.denied_role
            << " role-denied 403, " << tally.allowed_own << " granted on own object, "
            << tally.allowed_other << " granted (any) on other tenant's object, "
            << tally.hidden_other << " scoped 403/404 on other tenant's object, "
            << tally.crossed_refused << " crossed requests refused, " << tally.failures.size()
            << " disagreements, " << allowed_by_default << " allowed-by-default routes\n";
  if (!tally.role_part_only.empty()) {
    std::cout << "routes checked for the role part only (no fixture):\n";
    for (const auto& route : tally.role_part_only) std::cout << "  " << route << "\n";
  }
  for (const auto& failure : tally.failures) FAIL_CHECK(failure);
}

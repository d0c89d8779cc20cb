// The admin API: unit admins stay inside their subtree, only operators hand out platform roles,
// strict bodies, and the audit trail of every change, read back by an auditor.
#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

namespace {

struct AdminWorld {
  TestApp app{identity_only(), [](Config& config) { config.access_log = false; }};
  HttpClient client{app.host(), app.port()};
  std::string operator_token = mint(app, platform_principal(auth::Role::operator_));
  std::string auditor_token = mint(app, platform_principal(auth::Role::auditor, 900000002));
  std::string suffix = unique_suffix();

  // root -> (mine -> mine.child), (theirs)
  UnitRef root = create_unit(client, operator_token, std::nullopt, "adm-" + suffix, "subsidiary");
  UnitRef mine = create_unit(client, operator_token, root.id, "adm-mine-" + suffix);
  UnitRef child = create_unit(client, operator_token, mine.id, "adm-child-" + suffix);
  UnitRef theirs = create_unit(client, operator_token, root.id, "adm-theirs-" + suffix);

  AccountRef admin = create_account(client, operator_token, "adm.admin." + suffix, mine.id);
  std::string admin_token;

  AdminWorld() {
    grant_role(client, operator_token, admin.id, "unit_admin");
    // unit_admin is in HUICAI_MFA_REQUIRED_ROLES: enrol, then password + code.
    admin_token = sign_in_with_code(client, admin.login, admin.password).access_token;
  }
};

}  // namespace

TEST_CASE("a unit admin manages its own subtree", "[identity][admin]") {
  AdminWorld world;
  auto unit =
      create_unit(world.client, world.admin_token, world.child.id, "adm-new-" + world.suffix);
  CHECK(unit.path.rfind(world.mine.path, 0) == 0);
  auto account =
      create_account(world.client, world.admin_token, "adm.emp." + world.suffix, world.child.id);
  grant_role(world.client, world.admin_token, account.id, "unit_buyer");
  auto got =
      world.client.get("/v1/accounts/" + std::to_string(account.id), bearer(world.admin_token));
  CHECK(got.status == 200);
  auto reset =
      post_json(world.client, "/v1/accounts/" + std::to_string(account.id) + "/password-reset",
                boost::json::object{{"new_password", "Reset-Horse-1234"}}, world.admin_token);
  CHECK(reset.status == 204);
  CHECK(login(world.client, account.login, "Reset-Horse-1234").response.status == 200);
  auto removed =
      world.client.del("/v1/accounts/" + std::to_string(account.id) + "/roles/unit_buyer",
                       bearer(world.admin_token));
  CHECK(removed.status == 200);
  auto listed = world.client.get("/v1/org/units?limit=200", bearer(world.admin_token));
  REQUIRE(listed.status == 200);
  const auto listed_json = listed.json();
  for (const auto& item : listed_json.at("items").as_array()) {
    CHECK(std::string(item.at("path").as_string()).rfind(world.mine.path, 0) == 0);
  }
}

TEST_CASE("a unit admin cannot act outside its subtree", "[identity][admin]") {
  AdminWorld world;
  auto outsider = create_account(world.client, world.operator_token, "adm.out." + world.suffix,
                                 world.theirs.id);
  const std::string outsider_path = "/v1/accounts/" + std::to_string(outsider.id);

  auto unit_elsewhere = post_json(world.client, "/v1/org/units",
                                  boost::json::object{{"parent_id", world.theirs.id},
                                                      {"code", "adm-x-" + world.suffix},
                                                      {"name", "x"},
                                                      {"kind", "unit"}},
                                  world.admin_token);
  CHECK((unit_elsewhere.status == 403 || unit_elsewhere.status == 404));
  auto unit_above = post_json(world.client, "/v1/org/units",
                              boost::json::object{{"parent_id", world.root.id},
                                                  {"code", "adm-y-" + world.suffix},
                                                  {"name", "y"},
                                                  {"kind", "unit"}},
                              world.admin_token);
  CHECK((unit_above.status == 403 || unit_above.status == 404));
  auto root_unit = post_json(world.client, "/v1/org/units",
                             boost::json::object{{"parent_id", nullptr},
                                                 {"code", "adm-z-" + world.suffix},
                                                 {"name", "z"},
                                                 {"kind", "group"}},
                             world.admin_token);
  CHECK(root_unit.status == 403);
  auto account_elsewhere = post_json(world.client, "/v1/accounts",
                                     boost::json::object{{"login", "adm.x." + world.suffix},
                                                         {"display_name", "x"},
                                                         {"password", "Correct-Horse-42"},
                                                         {"unit_id", world.theirs.id}},
                                     world.admin_token);
  CHECK((account_elsewhere.status == 403 || account_elsewhere.status == 404));
  CHECK(world.client.get(outsider_path, bearer(world.admin_token)).status == 404);
  CHECK(post_json(world.client, outsider_path + "/roles", boost::json::object{{"role", "employee"}},
                  world.admin_token)
            .status == 404);
  CHECK(post_json(world.client, outsider_path + "/password-reset",
                  boost::json::object{{"new_password", "Hijack-Horse-1234"}}, world.admin_token)
            .status == 404);
  CHECK(world.client
            .get("/v1/org/units/" + std::to_string(world.theirs.id), bearer(world.admin_token))
            .status == 404);
  CHECK(login(world.client, outsider.login, "Hijack-Horse-1234").response.status == 401);
}

TEST_CASE("only an operator grants platform roles or manages platform accounts",
          "[identity][admin]") {
  AdminWorld world;
  auto inside =
      create_account(world.client, world.operator_token, "adm.in." + world.suffix, world.child.id);
  const std::string roles = "/v1/accounts/" + std::to_string(inside.id) + "/roles";
  for (const char* role : {"operator", "finance", "auditor"}) {
    INFO(role);
    auto response =
        post_json(world.client, roles, boost::json::object{{"role", role}}, world.admin_token);
    CHECK(response.status == 403);
  }
  auto supplier = post_json(world.client, roles,
                            boost::json::object{{"role", "supplier_staff"}, {"supplier_id", 1}},
                            world.admin_token);
  CHECK(supplier.status == 403);
  // An operator account placed inside the admin's subtree is still out of the admin's reach.
  grant_role(world.client, world.operator_token, inside.id, "operator");
  auto hijack =
      post_json(world.client, "/v1/accounts/" + std::to_string(inside.id) + "/password-reset",
                boost::json::object{{"new_password", "Hijack-Horse-1234"}}, world.admin_token);
  CHECK(hijack.status == 403);
  CHECK(world.client.del(roles + "/operator", bearer(world.admin_token)).status == 403);
}

TEST_CASE("admin bodies with unknown fields or bad values are 422", "[identity][admin]") {
  AdminWorld world;
  auto unit = post_json(world.client, "/v1/org/units",
                        boost::json::object{{"parent_id", world.root.id},
                                            {"code", "adm-u-" + world.suffix},
                                            {"name", "u"},
                                            {"kind", "unit"},
                                            {"budget", 5}},
                        world.operator_token);
  CHECK(unit.status == 422);
  CHECK(unit.body.find("budget") != std::string::npos);
  auto account = post_json(world.client, "/v1/accounts",
                           boost::json::object{{"login", "adm.u." + world.suffix},
                                               {"display_name", "u"},
                                               {"password", "Correct-Horse-42"},
                                               {"is_admin", true}},
                           world.operator_token);
  CHECK(account.status == 422);
  auto role =
      post_json(world.client, "/v1/accounts/" + std::to_string(world.admin.id) + "/roles",
                boost::json::object{{"role", "employee"}, {"scope", "all"}}, world.operator_token);
  CHECK(role.status == 422);
  auto unknown_role =
      post_json(world.client, "/v1/accounts/" + std::to_string(world.admin.id) + "/roles",
                boost::json::object{{"role", "superuser"}}, world.operator_token);
  CHECK(unknown_role.status == 422);
  auto county_without_id =
      post_json(world.client, "/v1/accounts/" + std::to_string(world.admin.id) + "/roles",
                boost::json::object{{"role", "county_officer"}}, world.operator_token);
  CHECK(county_without_id.status == 422);
  auto weak = post_json(
      world.client, "/v1/accounts",
      boost::json::object{
          {"login", "adm.w." + world.suffix}, {"display_name", "w"}, {"password", "short"}},
      world.operator_token);
  CHECK(weak.status == 422);
  auto duplicate = post_json(world.client, "/v1/org/units",
                             boost::json::object{{"parent_id", world.root.id},
                                                 {"code", world.mine.code},
                                                 {"name", "dup"},
                                                 {"kind", "unit"}},
                             world.operator_token);
  CHECK(duplicate.status == 409);
  CHECK(world.client.get("/v1/org/units?limit=1000", bearer(world.operator_token)).status == 422);
}

TEST_CASE("privileged actions are audited and auditors can query them", "[identity][audit]") {
  AdminWorld world;
  const std::string request_id = "audit-" + world.suffix;
  auto created = world.client.post(
      "/v1/accounts",
      boost::json::serialize(boost::json::object{{"login", "adm.aud." + world.suffix},
                                                 {"display_name", "审计对象"},
                                                 {"password", "Correct-Horse-42"},
                                                 {"unit_id", world.child.id}}),
      {{"authorization", "Bearer " + world.admin_token}, {"x-request-id", request_id}});
  REQUIRE(created.status == 201);
  const auto account_id = created.json().at("id").to_number<std::uint64_t>();
  grant_role(world.client, world.admin_token, account_id, "employee");

  auto trail =
      world.client.get("/v1/audit?target_type=account&target_id=" + std::to_string(account_id),
                       bearer(world.auditor_token));
  INFO(trail.body);
  REQUIRE(trail.status == 200);
  const auto trail_json = trail.json();
  const auto& items = trail_json.at("items").as_array();
  REQUIRE(items.size() == 2);
  // Newest first.
  CHECK(items[0].at("action").as_string() == "role.granted");
  CHECK(items[1].at("action").as_string() == "account.created");
  CHECK(items[1].at("actor_account_id").to_number<std::uint64_t>() == world.admin.id);
  CHECK(items[1].at("actor_role").as_string() == "unit_admin");
  CHECK(items[1].at("request_id").as_string() == request_id);
  CHECK(items[1].at("after").at("login").as_string() == "adm.aud." + world.suffix);
  CHECK(items[0].at("before").at("roles").as_array().empty());
  CHECK(items[0].at("after").at("roles").at(0).at("role").as_string() == "employee");
  CHECK(trail.body.find("argon2") == std::string::npos);

  // By actor, paged one by one with the cursor.
  auto first_page =
      world.client.get("/v1/audit?limit=1&actor_account_id=" + std::to_string(world.admin.id),
                       bearer(world.auditor_token));
  REQUIRE(first_page.status == 200);
  REQUIRE(first_page.json().at("items").as_array().size() == 1);
  const auto cursor = first_page.json().at("next_before").to_number<std::uint64_t>();
  auto second_page =
      world.client.get("/v1/audit?limit=1&actor_account_id=" + std::to_string(world.admin.id) +
                           "&before=" + std::to_string(cursor),
                       bearer(world.auditor_token));
  REQUIRE(second_page.status == 200);
  CHECK(second_page.json().at("items").at(0).at("id").to_number<std::uint64_t>() < cursor);

  // By time: nothing in a window that ended long ago.
  auto old = world.client.get("/v1/audit?to=2001-01-01T00:00:00Z", bearer(world.auditor_token));
  REQUIRE(old.status == 200);
  CHECK(old.json().at("items").as_array().empty());
  CHECK(world.client.get("/v1/audit?from=yesterday", bearer(world.auditor_token)).status == 422);

  // Only auditors read the trail; the people it watches do not.
  CHECK(world.client.get("/v1/audit", bearer(world.operator_token)).status == 403);
  CHECK(world.client.get("/v1/audit", bearer(world.admin_token)).status == 403);
}

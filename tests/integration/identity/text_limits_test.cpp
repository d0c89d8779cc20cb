// Identity's free text against its columns (issue 10, item 7): longer than the column is a 422
// naming the field and creates nothing; up to the column's size in characters (not bytes) is
// accepted, so a 100-character Chinese display name (300 bytes) fits VARCHAR(200).
#include <catch2/catch.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

namespace {

std::string chars(std::size_t count, const std::string& one = "长") {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += one;
  return text;
}

std::string first_error_field(const HttpResponse& response) {
  const auto body = response.json().as_object();
  if (!body.contains("errors") || body.at("errors").as_array().empty()) return "";
  return std::string(body.at("errors").as_array()[0].at("field").as_string());
}

}  // namespace

TEST_CASE("identity free text longer than its column is a 422 naming the field",
          "[identity][text-limits]") {
  TestApp app(identity_only());
  HttpClient client(app.host(), app.port());
  const auto token = mint(app, platform_principal(auth::Role::operator_));
  const auto suffix = unique_suffix();

  struct Case {
    std::string field;
    std::string target;
    boost::json::object body;
  };
  const std::vector<Case> cases = {
      {"display_name",
       "/v1/accounts",
       {{"login", "tl." + suffix}, {"display_name", chars(201)}, {"password", "Correct-Horse-42"}}},
      {"login",
       "/v1/accounts",
       {{"login", chars(65, "a")}, {"display_name", "张三"}, {"password", "Correct-Horse-42"}}},
      {"name", "/v1/org/units", {{"code", "tl-" + suffix}, {"name", chars(201)}, {"kind", "unit"}}},
      {"code", "/v1/org/units", {{"code", chars(65, "c")}, {"name", "测试"}, {"kind", "unit"}}},
  };
  for (const auto& test : cases) {
    auto response = post_json(client, test.target, test.body, token);
    INFO(test.field << ": " << response.body);
    CHECK(response.status == 422);
    CHECK(first_error_field(response) == test.field);
  }
  // Nothing was created under the names used above.
  const auto created = app.context().db().run_blocking([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT (SELECT COUNT(*) FROM identity_accounts WHERE login = ?) + "
        "(SELECT COUNT(*) FROM identity_org_units WHERE code = ?) AS n");
    auto row = mysql::query(mysql::bind(select, "tl." + suffix, "tl-" + suffix));
    row->next();
    return row->getInt64("n");
  });
  CHECK(created == 0);

  // At the column's size in characters: accepted.
  auto account = post_json(client, "/v1/accounts",
                           boost::json::object{{"login", "tl.ok." + suffix},
                                               {"display_name", chars(200)},
                                               {"password", "Correct-Horse-42"}},
                           token);
  INFO(account.body);
  CHECK(account.status == 201);
  auto unit = post_json(client, "/v1/org/units",
                        boost::json::object{{"code", "tl-ok-" + suffix},
                                            {"name", chars(200)},
                                            {"kind", "unit"},
                                            {"parent_id", nullptr}},
                        token);
  INFO(unit.body);
  CHECK(unit.status == 201);
}

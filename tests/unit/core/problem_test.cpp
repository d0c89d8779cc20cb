#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/http/problem.hpp>

using huicai::http::FieldError;
using huicai::http::Problem;
using huicai::http::Request;
using huicai::http::Response;

namespace {

std::string header_of(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

TEST_CASE("problem renders RFC 9457 members as application/problem+json", "[problem]") {
  const auto response = Problem(422, "validation-failed", "Validation failed", "bad lines")
                            .to_response("/v1/orders", "req-1");
  CHECK(response.status == 422);
  CHECK(header_of(response, "content-type") == "application/problem+json");
  const auto body = boost::json::parse(response.body).as_object();
  CHECK(body.at("type").as_string() == "https://huicai.dev/problems/validation-failed");
  CHECK(body.at("title").as_string() == "Validation failed");
  CHECK(body.at("status").as_int64() == 422);
  CHECK(body.at("detail").as_string() == "bad lines");
  CHECK(body.at("instance").as_string() == "/v1/orders");
  CHECK(body.at("request_id").as_string() == "req-1");
}

TEST_CASE("problem carries field errors, extensions and headers", "[problem]") {
  auto problem = Problem(400, "invalid-json", "Invalid JSON")
                     .with_field_errors({{"lines[2].quantity", "must be positive"}})
                     .with("limit", 5)
                     .with_header("retry-after", "3");
  const auto response = problem.to_response("", "r");
  const auto body = boost::json::parse(response.body).as_object();
  const auto& errors = body.at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].at("field").as_string() == "lines[2].quantity");
  CHECK(errors[0].at("message").as_string() == "must be positive");
  CHECK(body.at("limit").as_int64() == 5);
  CHECK(!body.contains("detail"));
  CHECK(header_of(response, "retry-after") == "3");
}

TEST_CASE("problem extensions cannot overwrite standard members", "[problem]") {
  const auto response =
      Problem(404, "not-found", "Not found").with("status", 200).to_response("/x", "r");
  CHECK(boost::json::parse(response.body).at("status").as_int64() == 404);
}

TEST_CASE("Response::json sets application/json", "[problem]") {
  const auto response = Response::json(201, boost::json::object{{"id", 7}});
  CHECK(response.status == 201);
  CHECK(header_of(response, "content-type") == "application/json");
  CHECK(response.body == R"({"id":7})");
}

TEST_CASE("require_access throws 403, or 404 when hiding existence", "[problem]") {
  using namespace huicai::auth;
  const auto rule = AccessRule::roles({{Role::employee, Scope::own_account}});
  Request request;
  request.rule = &rule;
  Principal caller;
  caller.account_id = 1;
  caller.roles = {Role::employee};
  request.principal = caller;

  Owner own;
  own.account_id = 1;
  CHECK_NOTHROW(request.require_access(own));

  Owner other;
  other.account_id = 2;
  try {
    request.require_access(other);
    FAIL("expected a Problem");
  } catch (const Problem& problem) {
    CHECK(problem.status() == 403);
  }
  try {
    request.require_access(other, true);
    FAIL("expected a Problem");
  } catch (const Problem& problem) {
    CHECK(problem.status() == 404);
  }
}

TEST_CASE("caller() without a principal is 401", "[problem]") {
  Request request;
  try {
    (void)request.caller();
    FAIL("expected a Problem");
  } catch (const Problem& problem) {
    CHECK(problem.status() == 401);
  }
}

TEST_CASE("query parameters are percent-decoded", "[problem]") {
  Request request;
  request.query = "q=%E5%8E%BF+x&empty=&flag&n=5";
  CHECK(request.query_param("q") == std::optional<std::string>("\xE5\x8E\xBF x"));
  CHECK(request.query_param("empty") == std::optional<std::string>(""));
  CHECK(request.query_param("flag") == std::optional<std::string>(""));
  CHECK(request.query_param("n") == std::optional<std::string>("5"));
  CHECK(!request.query_param("missing").has_value());
  request.query = "bad=%zz";
  CHECK_THROWS_AS(request.query_param("bad"), Problem);
}

TEST_CASE("query parameter names match decoded, the first occurrence wins", "[problem]") {
  Request request;
  request.query = "%zz=skipped&sort%5Fby=price&page+size=20&n=1&n=2&N=3";
  CHECK(request.query_param("sort_by") == std::optional<std::string>("price"));
  CHECK(request.query_param("page size") == std::optional<std::string>("20"));
  CHECK(request.query_param("n") == std::optional<std::string>("1"));
  CHECK(request.query_param("N") == std::optional<std::string>("3"));
  CHECK(!request.query_param("sort%5Fby").has_value());
  CHECK(!request.query_param("%zz").has_value());
  request.query = "";
  CHECK(!request.query_param("n").has_value());
}

#include <catch2/catch.hpp>
#include <huicai/core/http/router.hpp>
#include <stdexcept>

using huicai::auth::AccessRule;
using huicai::http::Method;
using huicai::http::Request;
using huicai::http::Response;
using huicai::http::Route;
using huicai::http::Router;

namespace {

Route route(Method method, std::string pattern) {
  return Route{method,
               std::move(pattern),
               "test",
               AccessRule::public_route(),
               [](Request&) -> boost::asio::awaitable<Response> { co_return Response::empty(204); },
               {}};
}

}  // namespace

TEST_CASE("router captures path parameters", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/orders/{order_id}/lines/{line_id}"));
  const auto match = router.match(Method::get, "/v1/orders/42/lines/7");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->pattern == "/v1/orders/{order_id}/lines/{line_id}");
  REQUIRE(match.params.size() == 2);
  CHECK(match.params[0] == std::pair<std::string, std::string>{"order_id", "42"});
  CHECK(match.params[1] == std::pair<std::string, std::string>{"line_id", "7"});
}

TEST_CASE("router prefers literal segments over parameters", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/orders/{order_id}"));
  router.add(route(Method::get, "/v1/orders/mine"));
  CHECK(router.match(Method::get, "/v1/orders/mine").route->pattern == "/v1/orders/mine");
  CHECK(router.match(Method::get, "/v1/orders/9").route->pattern == "/v1/orders/{order_id}");
}

TEST_CASE("router reports no match for unknown paths (404)", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/orders/{order_id}"));
  for (const char* path : {"/v1/orders", "/v1/orders/1/extra", "/v1/order/1", "/", "/v1/orders/"}) {
    INFO(path);
    const auto match = router.match(Method::get, path);
    CHECK(match.route == nullptr);
    CHECK(match.allowed.empty());
  }
}

TEST_CASE("router answers the root pattern", "[router]") {
  Router router;
  router.add(route(Method::get, "/"));
  CHECK(router.match(Method::get, "/").route != nullptr);
  CHECK(router.match(Method::get, "/x").route == nullptr);
}

TEST_CASE("router lists allowed methods when only the method is wrong (405)", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/carts/{cart_id}"));
  router.add(route(Method::delete_, "/v1/carts/{cart_id}"));
  router.add(route(Method::post, "/v1/carts"));
  const auto match = router.match(Method::put, "/v1/carts/5");
  CHECK(match.route == nullptr);
  CHECK(match.allowed == std::vector<Method>{Method::get, Method::head, Method::delete_});
}

TEST_CASE("router answers HEAD with the GET route", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/products/{id}"));
  const auto match = router.match(Method::head, "/v1/products/3");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->method == Method::get);
  CHECK(match.params.size() == 1);
}

TEST_CASE("router rejects duplicate routes", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/orders/{order_id}"));
  CHECK_THROWS_AS(router.add(route(Method::get, "/v1/orders/{order_id}")), std::logic_error);
  // Same shape under another parameter name is still the same route.
  CHECK_THROWS_AS(router.add(route(Method::get, "/v1/orders/{id}")), std::logic_error);
  // Another method on the same pattern is fine.
  CHECK_NOTHROW(router.add(route(Method::post, "/v1/orders/{order_id}")));
  CHECK(router.routes().size() == 2);
}

TEST_CASE("router rejects malformed patterns", "[router]") {
  Router router;
  for (const char* pattern : {"", "v1/orders", "/v1//orders", "/v1/{}", "/v1/{a}/{a}", "/v1/x{id}",
                              "/v1/{id", "/v1/orders/"}) {
    INFO(pattern);
    CHECK_THROWS_AS(router.add(route(Method::get, pattern)), std::logic_error);
  }
  CHECK(router.routes().empty());
}

TEST_CASE("router rejects a route without a handler", "[router]") {
  Router router;
  auto broken = route(Method::get, "/v1/x");
  broken.handler = nullptr;
  CHECK_THROWS_AS(router.add(std::move(broken)), std::logic_error);
}

TEST_CASE("router ranks by the earliest literal, not by the number of literals", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/{a}/x/y"));
  router.add(route(Method::get, "/v1/b/{c}/{d}"));
  const auto match = router.match(Method::get, "/v1/b/x/y");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->pattern == "/v1/b/{c}/{d}");
  // The params are those of the winning pattern.
  REQUIRE(match.params.size() == 2);
  CHECK(match.params[0] == std::pair<std::string, std::string>{"c", "x"});
  CHECK(match.params[1] == std::pair<std::string, std::string>{"d", "y"});
  CHECK(router.match(Method::get, "/v1/z/x/y").route->pattern == "/v1/{a}/x/y");
}

TEST_CASE("router prefers an explicit HEAD route over the GET fallback", "[router]") {
  Router router;
  router.add(route(Method::get, "/v1/files/{id}"));
  router.add(route(Method::head, "/v1/files/{id}"));
  CHECK(router.match(Method::head, "/v1/files/1").route->method == Method::head);
  CHECK(router.match(Method::get, "/v1/files/1").route->method == Method::get);
  // HEAD follows the most specific GET route.
  router.add(route(Method::get, "/v1/pages/{id}"));
  router.add(route(Method::get, "/v1/pages/first"));
  CHECK(router.match(Method::head, "/v1/pages/first").route->pattern == "/v1/pages/first");
}

TEST_CASE("router lists a method once in Allow when several patterns match", "[router]") {
  Router router;
  router.add(route(Method::post, "/v1/orders/{order_id}"));
  router.add(route(Method::post, "/v1/orders/mine"));
  router.add(route(Method::get, "/v1/orders/mine"));
  const auto match = router.match(Method::delete_, "/v1/orders/mine");
  CHECK(match.route == nullptr);
  CHECK(match.allowed == std::vector<Method>{Method::get, Method::head, Method::post});
  CHECK(router.match(Method::delete_, "/v1/orders/7").allowed == std::vector<Method>{Method::post});
}

TEST_CASE("router limits pattern length and treats longer paths as unknown", "[router]") {
  std::string longest;
  for (std::size_t i = 0; i < Router::kMaxSegments; ++i) longest += "/s";
  Router router;
  CHECK_NOTHROW(router.add(route(Method::get, longest)));
  CHECK_THROWS_AS(router.add(route(Method::get, longest + "/s")), std::logic_error);
  CHECK(router.match(Method::get, longest).route != nullptr);
  const auto longer = router.match(Method::get, longest + "/s");
  CHECK(longer.route == nullptr);
  CHECK(longer.allowed.empty());
}

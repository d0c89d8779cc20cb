// The dispatcher's pipeline with fake token and rate-limit backends: no server, no Redis.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/http/dispatcher.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/metrics.hpp>
#include <map>
#include <set>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace huicai;
using http::Method;
using http::Request;
using http::Response;

namespace {

class FakeVerifier : public http::TokenVerifier {
 public:
  asio::awaitable<boost::system::result<auth::Principal>> verify(std::string_view token) override {
    ++calls;
    auth::Principal principal;
    principal.account_id = 5;
    if (token == "operator") {
      principal.roles = {auth::Role::operator_};
      co_return principal;
    }
    if (token == "employee") {
      principal.roles = {auth::Role::employee};
      co_return principal;
    }
    if (token == "redis-down") co_return auth::make_error_code(auth::TokenError::unavailable);
    co_return auth::make_error_code(auth::TokenError::bad_signature);
  }
  int calls = 0;
};

class FakeLimiter : public http::RateLimiter {
 public:
  asio::awaitable<std::optional<std::chrono::seconds>> hit(const std::string& key,
                                                           const http::RateLimit& limit) override {
    if (++counts[key] > limit.requests) co_return std::chrono::seconds(7);
    co_return std::nullopt;
  }
  std::map<std::string, int> counts;
};

http::Handler answer(int status) {
  return [status](Request& request) -> asio::awaitable<Response> {
    co_return Response::json(status, boost::json::object{{"id", request.path_param("id")}});
  };
}

struct Fixture {
  Fixture() {
    const auto operators = auth::AccessRule::roles({{auth::Role::operator_, auth::Scope::any}});
    router.add({Method::get,
                "/public/{id}",
                "t",
                auth::AccessRule::public_route(),
                answer(200),
                {2, std::chrono::seconds(60)}});
    router.add(
        {Method::post, "/public/{id}", "t", auth::AccessRule::public_route(), answer(201), {}});
    router.add(
        {Method::get, "/private/{id}", "t", operators, answer(200), {1, std::chrono::seconds(60)}});
    router.add({Method::get,
                "/throws",
                "t",
                auth::AccessRule::public_route(),
                [](Request&) -> asio::awaitable<Response> {
                  throw std::logic_error("boom: password=hunter2");
                  co_return Response{};
                },
                {}});
    router.add({Method::get,
                "/unavailable",
                "t",
                auth::AccessRule::public_route(),
                [](Request&) -> asio::awaitable<Response> {
                  throw ServiceUnavailable("redis", "down", 3);
                  co_return Response{};
                },
                {}});
    router.add({Method::get, "/nobody", "t", auth::AccessRule{}, answer(200), {}});
    router.add({Method::get,
                "/cacheable",
                "t",
                auth::AccessRule::public_route(),
                [](Request&) -> asio::awaitable<Response> {
                  Response response = Response::json(200, boost::json::object{});
                  response.set_header("Cache-Control", "private, no-cache");
                  co_return response;
                },
                {}});
    router.add({Method::get,
                "/tagged",
                "t",
                auth::AccessRule::public_route(),
                [](Request&) -> asio::awaitable<Response> {
                  Response response = Response::json(200, boost::json::object{});
                  response.set_header("ETag", "\"v1\"");
                  co_return response;
                },
                {}});
  }

  Response send(Method method, std::string path, std::string token = {},
                std::string remote = "10.0.0.1") {
    Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.remote_address = remote;
    if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + token);
    auto future = asio::co_spawn(io, dispatcher.handle(request), asio::use_future);
    io.restart();
    io.run();
    return future.get();
  }

  http::Router router;
  FakeVerifier verifier;
  FakeLimiter limiter;
  metrics::Registry metrics;
  http::Dispatcher dispatcher{router, &verifier, &limiter, &metrics, false};
  asio::io_context io;
};

std::string header_of(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

std::string type_of(const Response& response) {
  return boost::json::value_to<std::string>(boost::json::parse(response.body).at("type"));
}

}  // namespace

TEST_CASE("dispatcher routes with path parameters and stamps a request id", "[dispatcher]") {
  Fixture fixture;
  const auto response = fixture.send(Method::get, "/public/42");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"id":"42"})");
  CHECK(header_of(response, "x-request-id").size() == 32);
  CHECK(fixture.verifier.calls == 0);  // public routes need no token
}

TEST_CASE("dispatcher: 404 and 405 with Allow", "[dispatcher]") {
  Fixture fixture;
  const auto missing = fixture.send(Method::get, "/nowhere");
  CHECK(missing.status == 404);
  CHECK(header_of(missing, "content-type") == "application/problem+json");
  const auto wrong = fixture.send(Method::delete_, "/public/1");
  CHECK(wrong.status == 405);
  CHECK(header_of(wrong, "allow") == "GET, HEAD, POST");
}

TEST_CASE("dispatcher: 401 without or with a bad token, 503 when revocation is unknown",
          "[dispatcher]") {
  Fixture fixture;
  const auto missing = fixture.send(Method::get, "/private/1");
  CHECK(missing.status == 401);
  CHECK(header_of(missing, "www-authenticate") == "Bearer realm=\"huicai\"");
  const auto forged = fixture.send(Method::get, "/private/1", "forged");
  CHECK(forged.status == 401);
  CHECK(type_of(forged) == "https://huicai.dev/problems/invalid-token");
  const auto unknown = fixture.send(Method::get, "/private/1", "redis-down");
  CHECK(unknown.status == 503);
  CHECK(header_of(unknown, "retry-after") == "1");
}

TEST_CASE("dispatcher: 403 when no role is granted, default deny for empty rules", "[dispatcher]") {
  Fixture fixture;
  CHECK(fixture.send(Method::get, "/private/1", "employee").status == 403);
  CHECK(fixture.send(Method::get, "/nobody", "operator").status == 403);
  CHECK(fixture.send(Method::get, "/private/1", "operator").status == 200);
}

TEST_CASE("dispatcher: 429 with Retry-After, keyed by account or by IP", "[dispatcher]") {
  Fixture fixture;
  // Public route, 2 per window per IP.
  CHECK(fixture.send(Method::get, "/public/1").status == 200);
  CHECK(fixture.send(Method::get, "/public/2").status == 200);
  const auto limited = fixture.send(Method::get, "/public/3");
  CHECK(limited.status == 429);
  CHECK(header_of(limited, "retry-after") == "7");
  CHECK(fixture.send(Method::get, "/public/1", {}, "10.0.0.2").status == 200);  // another IP
  CHECK(fixture.limiter.counts.count("t:GET /public/{id}:ip:10.0.0.1") == 1);

  // Protected route, 1 per window per account.
  CHECK(fixture.send(Method::get, "/private/1", "operator").status == 200);
  CHECK(fixture.send(Method::get, "/private/1", "operator").status == 429);
  CHECK(fixture.limiter.counts.count("t:GET /private/{id}:account:5") == 1);
  // Routes without a limit are never counted.
  CHECK(fixture.send(Method::post, "/public/1").status == 201);
  CHECK(fixture.limiter.counts.count("t:POST /public/{id}:ip:10.0.0.1") == 0);
}

TEST_CASE("dispatcher maps exceptions: 500 without details, 503 with Retry-After", "[dispatcher]") {
  Fixture fixture;
  const auto failed = fixture.send(Method::get, "/throws");
  CHECK(failed.status == 500);
  CHECK(failed.body.find("hunter2") == std::string::npos);
  CHECK(failed.body.find(header_of(failed, "x-request-id")) != std::string::npos);
  const auto unavailable = fixture.send(Method::get, "/unavailable");
  CHECK(unavailable.status == 503);
  CHECK(header_of(unavailable, "retry-after") == "3");
}

TEST_CASE("dispatcher counts requests by route pattern and status", "[dispatcher]") {
  Fixture fixture;
  fixture.send(Method::get, "/public/1");
  fixture.send(Method::get, "/public/2");
  fixture.send(Method::get, "/nowhere");
  const auto text = fixture.metrics.render();
  CHECK(
      text.find(
          R"(huicai_http_requests_total{service="t",route="/public/{id}",method="GET",status="200"} 2)") !=
      std::string::npos);
  CHECK(text.find(R"(route="unmatched",method="GET",status="404"} 1)") != std::string::npos);
}

TEST_CASE("dispatcher: concurrent requests get distinct ids and are all counted", "[dispatcher]") {
  Fixture fixture;
  // The fake limiter is single-threaded: this dispatcher has none.
  http::Dispatcher dispatcher{fixture.router, &fixture.verifier, nullptr, &fixture.metrics, false};
  constexpr int kThreads = 4;
  constexpr int kPerThread = 600;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // One io_context per thread, as with one event loop per worker thread.
      asio::io_context io;
      for (int i = 0; i < kPerThread; ++i) {
        Request request;
        // Thirds: a POST, a HEAD (answered by the GET route) and an unmatched path.
        request.method = i % 3 == 0 ? Method::post : Method::head;
        request.path = (i % 3 == 2 ? "/nowhere/" : "/public/") + std::to_string(i);
        request.target = request.path;
        request.remote_address = "10.0.0.9";
        auto future = asio::co_spawn(io, dispatcher.handle(request), asio::use_future);
        io.restart();
        io.run();
        ids[t].push_back(header_of(future.get(), "x-request-id"));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::string> distinct;
  for (const auto& per_thread : ids) {
    for (const auto& id : per_thread) {
      CHECK(id.size() == 32);
      CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
      distinct.insert(id);
    }
  }
  CHECK(distinct.size() == kThreads * kPerThread);

  // HEAD is answered by the GET route but counted under its own method; nothing is lost.
  const auto text = fixture.metrics.render();
  const auto each = std::to_string(kThreads * kPerThread / 3);
  CHECK(
      text.find(
          R"(huicai_http_requests_total{service="t",route="/public/{id}",method="POST",status="201"} )" +
          each + "\n") != std::string::npos);
  CHECK(
      text.find(
          R"(huicai_http_requests_total{service="t",route="/public/{id}",method="HEAD",status="200"} )" +
          each + "\n") != std::string::npos);
  CHECK(
      text.find(
          R"(huicai_http_requests_total{service="",route="unmatched",method="HEAD",status="404"} )" +
          each + "\n") != std::string::npos);
  CHECK(
      text.find(R"(huicai_http_request_duration_seconds_count{service="t",route="/public/{id}"} )" +
                std::to_string(kThreads * kPerThread * 2 / 3) + "\n") != std::string::npos);
}

TEST_CASE("dispatcher: a forked worker does not repeat its parent's request ids", "[dispatcher]") {
  Fixture fixture;
  const auto before = header_of(fixture.send(Method::post, "/public/1"), "x-request-id");
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 1;
    try {
      Fixture child;
      const auto id = header_of(child.send(Method::post, "/public/1"), "x-request-id");
      if (::write(pipe_fds[1], id.data(), id.size()) == static_cast<ssize_t>(id.size())) code = 0;
    } catch (...) {
    }
    ::_exit(code);
  }
  ::close(pipe_fds[1]);
  std::string child_id;
  char buffer[64];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) child_id.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  const auto after = header_of(fixture.send(Method::post, "/public/1"), "x-request-id");
  CHECK(child_id.size() == 32);
  CHECK(child_id != after);
  CHECK(after != before);
}

TEST_CASE("every answer is no-store unless its handler chose a cache policy", "[dispatcher]") {
  Fixture fixture;
  // A handler's answer, an error the dispatcher builds, a 404 of no route, a 401.
  CHECK(header_of(fixture.send(Method::get, "/public/1"), "cache-control") == "no-store");
  CHECK(header_of(fixture.send(Method::get, "/throws"), "cache-control") == "no-store");
  CHECK(header_of(fixture.send(Method::get, "/no/such/route"), "cache-control") == "no-store");
  CHECK(header_of(fixture.send(Method::get, "/private/1"), "cache-control") == "no-store");
  CHECK(header_of(fixture.send(Method::get, "/private/1", "operator"), "cache-control") ==
        "no-store");
  // An ETag'd catalog page keeps what it asked for.
  CHECK(header_of(fixture.send(Method::get, "/cacheable"), "cache-control") == "private, no-cache");
  // An answer with a validator is revalidated by its client, never stored by a shared cache.
  CHECK(header_of(fixture.send(Method::get, "/tagged"), "cache-control") == "private, no-cache");
}

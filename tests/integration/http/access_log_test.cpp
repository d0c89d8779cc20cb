// The access log: one JSON line per request, carrying the request id.
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "http_client.hpp"
#include "test_app.hpp"
#include "test_routes.hpp"

using huicai::test::HttpClient;
using huicai::test::TestApp;

namespace {

// Points file descriptor 2 at a temporary file for its lifetime.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    path_ = "/tmp/huicai-stderr-" + std::to_string(::getpid()) + ".log";
    file_ = std::fopen(path_.c_str(), "w+");
    saved_ = ::dup(2);
    ::dup2(::fileno(file_), 2);
  }
  ~StderrCapture() {
    restore();
    std::fclose(file_);
    std::remove(path_.c_str());
  }
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

}  // namespace

TEST_CASE("access log lines are JSON with the request id", "[http][log]") {
  StderrCapture capture;
  std::string ok_id;
  std::string missing_id;
  {
    TestApp app({huicai::test::test_service_entry()},
                [](huicai::Config& config) { config.access_log = true; });
    HttpClient client(app.host(), app.port());
    ok_id = client.get("/test/echo", {{"x-request-id", "log-test-ok"}}).header("x-request-id");
    missing_id = client.get("/nowhere").header("x-request-id");
  }  // stopping the app joins its thread: every line is written
  capture.restore();
  const auto text = capture.text();
  INFO(text);

  int found = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto parsed = boost::json::parse(line);  // every line is JSON
    const auto& object = parsed.as_object();
    REQUIRE(object.contains("ts"));
    REQUIRE(object.contains("level"));
    if (object.at("msg").as_string() != "access") continue;
    const auto id = object.at("request_id").as_string();
    if (id == ok_id) {
      CHECK(object.at("status").as_int64() == 200);
      CHECK(object.at("route").as_string() == "/test/echo");
      CHECK(object.at("method").as_string() == "GET");
      ++found;
    } else if (id == missing_id) {
      CHECK(object.at("status").as_int64() == 404);
      ++found;
    }
  }
  CHECK(found == 2);
}

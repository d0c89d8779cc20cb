// SIGTERM with a slow request in flight: the request completes, then the process exits 0; and
// worker processes (HUICAI_HTTP_WORKERS): sharing one port, replaced when one dies, all stopped
// by one SIGTERM. Runs huicai-test-server as a child process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http_client.hpp"

using huicai::test::CloseState;
using huicai::test::HttpClient;
using namespace std::chrono_literals;

namespace {

// A child process with its stdout on a pipe we read line by line with deadlines.
class ServerProcess {
 public:
  using Environment = std::vector<std::pair<std::string, std::string>>;
  explicit ServerProcess(const char* shutdown_deadline_ms = "10000", Environment extra = {}) {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(pipe_fds[1], 1);
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
      ::setenv("HUICAI_HTTP_PORT", "0", 1);
      ::setenv("HUICAI_HTTP_SHUTDOWN_DEADLINE_MS", shutdown_deadline_ms, 1);
      for (const auto& [name, value] : extra) ::setenv(name.c_str(), value.c_str(), 1);
      const char* path = HUICAI_TEST_SERVER_PATH;
      ::execl(path, path, "serve", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    stdout_fd_ = pipe_fds[0];
  }
  ~ServerProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }

  // The next stdout line containing `needle`, or "" when the deadline passes first.
  std::string wait_for_line(const std::string& needle, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (true) {
      const auto newline = pending_.find('\n');
      if (newline != std::string::npos) {
        auto line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        if (line.find(needle) != std::string::npos) return line;
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd descriptor{stdout_fd_, POLLIN, 0};
      if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) return {};
      char chunk[1024];
      const auto count = ::read(stdout_fd_, chunk, sizeof chunk);
      if (count <= 0) return {};
      pending_.append(chunk, static_cast<std::size_t>(count));
    }
  }

  // The exit status, or nullopt when it has not exited within the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      const auto result = ::waitpid(pid_, &status, WNOHANG);
      if (result == pid_) {
        exited_ = true;
        return status;
      }
      ::usleep(10'000);  // polling a child's state: there is no waitpid with a timeout
    }
    return std::nullopt;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
  bool exited_ = false;
};

std::uint16_t port_from(const std::string& line) {
  const auto colon = line.rfind(':');
  REQUIRE(colon != std::string::npos);
  return static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

// A port nothing listens on right now (bound once, then released).
std::uint16_t free_port() {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(probe >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(probe);
  return ntohs(address.sin_port);
}

// True when `port` on loopback can be bound right now.
bool free_port_is(std::uint16_t port) {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(probe >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool bound = ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(probe);
  return bound;
}

bool accepts_connections(std::uint16_t port) {
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected =
      ::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(client);
  return connected;
}

// The worker pids that answer /healthz over `connections` fresh connections.
std::set<std::int64_t> answering_pids(std::uint16_t port, int connections) {
  std::set<std::int64_t> pids;
  for (int i = 0; i < connections; ++i) {
    HttpClient client("127.0.0.1", port);
    const auto response = client.get("/healthz");
    if (response.status == 200) pids.insert(response.json().at("pid").as_int64());
  }
  return pids;
}

}  // namespace

TEST_CASE("worker processes share the port, a killed one is replaced, SIGTERM stops all",
          "[http][sigterm][workers]") {
  const auto port = free_port();
  ServerProcess server("10000",
                       {{"HUICAI_HTTP_PORT", std::to_string(port)}, {"HUICAI_HTTP_WORKERS", "2"}});
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());

  // The kernel spreads connections over both workers; the supervisor itself serves nothing.
  auto pids = answering_pids(port, 64);
  REQUIRE(pids.size() == 2);
  CHECK(pids.count(server.pid()) == 0);

  // A worker dies: the port keeps answering and a new worker takes its place.
  const auto victim = *pids.begin();
  REQUIRE(::kill(static_cast<pid_t>(victim), SIGKILL) == 0);
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::set<std::int64_t> after;
  while (std::chrono::steady_clock::now() < deadline) {
    after = answering_pids(port, 64);
    if (after.size() == 2 && after.count(victim) == 0) break;
  }
  CHECK(after.size() == 2);
  CHECK(after.count(victim) == 0);

  // One SIGTERM to the supervisor stops every worker; it exits 0 and the port is free.
  REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  const auto status = server.wait_exit(15s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  CHECK_FALSE(accepts_connections(port));
}

TEST_CASE("each worker serves its metrics on HUICAI_METRICS_PORT plus its index",
          "[http][sigterm][workers]") {
  const auto port = free_port();
  auto metrics_port = free_port();
  while (metrics_port == 65'535 || !free_port_is(metrics_port + 1)) metrics_port = free_port();
  ServerProcess server("10000", {{"HUICAI_HTTP_PORT", std::to_string(port)},
                                 {"HUICAI_HTTP_WORKERS", "2"},
                                 {"HUICAI_METRICS_PORT", std::to_string(metrics_port)}});
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());
  const auto metrics_of = [](std::uint16_t target) {
    HttpClient scraper("127.0.0.1", target);
    return scraper.get("/metrics");
  };
  for (std::uint16_t target : {metrics_port, static_cast<std::uint16_t>(metrics_port + 1)}) {
    INFO(target);
    const auto response = metrics_of(target);
    CHECK(response.status == 200);
    CHECK(response.body.find("huicai_http_open_connections") != std::string::npos);
  }

  // A worker dies: its replacement takes the same index, so the same metrics port.
  auto pids = answering_pids(port, 64);
  REQUIRE(pids.size() == 2);
  REQUIRE(::kill(static_cast<pid_t>(*pids.begin()), SIGKILL) == 0);
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());
  for (std::uint16_t target : {metrics_port, static_cast<std::uint16_t>(metrics_port + 1)}) {
    INFO(target);
    CHECK(metrics_of(target).status == 200);
  }
  REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  REQUIRE(server.wait_exit(15s).has_value());
}

TEST_CASE("SIGTERM lets the in-flight request finish, then the process exits 0",
          "[http][sigterm]") {
  ServerProcess server;
  const auto listening = server.wait_for_line("listening on", 15s);
  REQUIRE(!listening.empty());
  const auto port = port_from(listening);

  HttpClient slow_client("127.0.0.1", port);
  slow_client.send_raw("GET /test/slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(!server.wait_for_line("slow request started", 10s).empty());

  // An idle keep-alive connection: stopping closes it instead of waiting for its timeout.
  HttpClient idle_client("127.0.0.1", port);
  REQUIRE(idle_client.get("/test/echo").status == 200);

  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(::kill(server.pid(), SIGTERM) == 0);

  CHECK(idle_client.wait_for_close(5s) == CloseState::closed);

  const auto response = slow_client.read_response();
  CHECK(response.status == 200);
  CHECK(response.json().at("slept_ms").as_int64() == 1500);
  CHECK(!response.keep_alive);  // answered with Connection: close

  const auto status = server.wait_exit(10s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  CHECK(std::chrono::steady_clock::now() - signalled < 10s);
}

TEST_CASE("SIGTERM on an idle server exits 0 promptly", "[http][sigterm]") {
  ServerProcess server;
  REQUIRE(!server.wait_for_line("listening on", 15s).empty());
  REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  const auto status = server.wait_exit(5s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

TEST_CASE("a request outliving the shutdown deadline is cut off and the process still exits",
          "[http][sigterm]") {
  ServerProcess server("500");
  const auto listening = server.wait_for_line("listening on", 15s);
  REQUIRE(!listening.empty());
  HttpClient slow_client("127.0.0.1", port_from(listening));
  slow_client.send_raw("GET /test/slow?ms=30000 HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(!server.wait_for_line("slow request started", 10s).empty());

  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(::kill(server.pid(), SIGTERM) == 0);
  CHECK(slow_client.wait_for_close(10s) == CloseState::closed);
  const auto status = server.wait_exit(10s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  // The 500 ms deadline, not the 30 s request, decides when the process ends.
  CHECK(std::chrono::steady_clock::now() - signalled < 8s);
}

// The real `huicai` binary, started as an operator would without HUICAI_ENV=development: with a
// built-in secret it exits 78 (EX_CONFIG) with one line naming the variable, before it opens a
// port or touches a database; `huicai seed` and a migrate with the built-in admin password are
// refused the same way; with secrets of its own the server starts.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <huicai/core/config.hpp>
#include <string>
#include <utility>
#include <vector>

namespace {

const std::string kHuicai = std::string(HUICAI_BINARY_DIR) + "/services/all_in_one/huicai";

// Settings the child gets on top of the suite's environment, minus HUICAI_ENV and any secret
// the developer may have exported.
using Environment = std::vector<std::pair<std::string, std::string>>;

struct Outcome {
  bool exited = false;  // false: still running at the deadline (then killed)
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Outcome run_huicai(const std::vector<std::string>& arguments, const Environment& environment,
                   std::chrono::milliseconds within, const std::string& stop_when_printed = {}) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    for (const char* name : {"HUICAI_ENV", "HUICAI_TOKEN_SECRET", "HUICAI_MYSQL_PASSWORD",
                             "HUICAI_MYSQL_ADMIN_PASSWORD", "HUICAI_PAYMENT_SANDBOX_SECRET",
                             "HUICAI_REDIS_PASSWORD"}) {
      ::unsetenv(name);
    }
    ::setenv("HUICAI_HTTP_PORT", "0", 1);
    for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(kHuicai.c_str())};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(kHuicai.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  Outcome outcome;
  bool output_closed = false;  // the child closed its output: it is exiting
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (stop_when_printed.empty() || outcome.output.find(stop_when_printed) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd descriptor{pipe_fds[0], POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) break;
    char chunk[4096];
    const auto count = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (count <= 0) {
      output_closed = true;
      break;
    }
    outcome.output.append(chunk, static_cast<std::size_t>(count));
  }
  int status = 0;
  if (output_closed || ::waitpid(pid, &status, WNOHANG) == pid) {
    if (output_closed) ::waitpid(pid, &status, 0);
    outcome.exited = WIFEXITED(status);
    if (outcome.exited) outcome.exit_code = WEXITSTATUS(status);
  } else {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(pipe_fds[0]);
  return outcome;
}

std::size_t line_count(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

}  // namespace

TEST_CASE("huicai serve with a built-in secret exits 78 naming it", "[startup][secrets]") {
  auto outcome =
      run_huicai({"serve"}, {{"HUICAI_PAYMENT_SANDBOX", "off"}}, std::chrono::seconds(20));
  REQUIRE(outcome.exited);
  CHECK(outcome.exit_code == 78);
  INFO(outcome.output);
  CHECK(line_count(outcome.output) == 1);
  CHECK(outcome.output.starts_with("huicai: refusing to run: "));
  CHECK(outcome.output.find("HUICAI_TOKEN_SECRET") != std::string::npos);
  CHECK(outcome.output.find("HUICAI_MYSQL_PASSWORD") != std::string::npos);
  CHECK(outcome.output.find("HUICAI_REDIS_PASSWORD") != std::string::npos);
  CHECK(outcome.output.find("HUICAI_PAYMENT_SANDBOX_SECRET") == std::string::npos);
  CHECK(outcome.output.find("listening") == std::string::npos);

  // One fixed, the others are still named; the sandbox's key counts once the sandbox is on.
  outcome = run_huicai({"serve"},
                       {{"HUICAI_PAYMENT_SANDBOX", "on"},
                        {"HUICAI_TOKEN_SECRET", "a-key-of-this-deployment-only-0123456789"}},
                       std::chrono::seconds(20));
  REQUIRE(outcome.exited);
  CHECK(outcome.exit_code == 78);
  INFO(outcome.output);
  CHECK(outcome.output.find("HUICAI_TOKEN_SECRET") == std::string::npos);
  CHECK(outcome.output.find("HUICAI_MYSQL_PASSWORD") != std::string::npos);
  CHECK(outcome.output.find("HUICAI_PAYMENT_SANDBOX_SECRET") != std::string::npos);
}

TEST_CASE("huicai serve with secrets of its own starts", "[startup][secrets]") {
  // The stack's migrate user stands in for an application user with a password of its own;
  // Redis's password is wrong for the local stack: the server still starts (and is not ready).
  const auto config = huicai::Config::from_environment();
  auto outcome = run_huicai({"serve"},
                            {{"HUICAI_PAYMENT_SANDBOX", "off"},
                             {"HUICAI_TOKEN_SECRET", "a-key-of-this-deployment-only-0123456789"},
                             {"HUICAI_MYSQL_USER", config.mysql_admin_user},
                             {"HUICAI_MYSQL_PASSWORD", config.mysql_admin_password},
                             {"HUICAI_REDIS_PASSWORD", "not-the-default"}},
                            std::chrono::seconds(30), "listening on");
  INFO(outcome.output);
  CHECK_FALSE(outcome.exited);
  CHECK(outcome.output.find("listening on") != std::string::npos);
  CHECK(outcome.output.find("refusing") == std::string::npos);
}

TEST_CASE("huicai seed and migrate refuse outside development", "[startup][secrets]") {
  auto seed = run_huicai({"seed"}, {}, std::chrono::seconds(20));
  REQUIRE(seed.exited);
  CHECK(seed.exit_code == 78);
  INFO(seed.output);
  CHECK(line_count(seed.output) == 1);
  CHECK(seed.output.find("refusing to seed") != std::string::npos);
  CHECK(seed.output.find("HUICAI_ENV=development") != std::string::npos);

  const std::string migrations = std::string(HUICAI_SOURCE_DIR) + "/db/migrations";
  auto migrate = run_huicai({"migrate", "--dir", migrations}, {}, std::chrono::seconds(20));
  REQUIRE(migrate.exited);
  CHECK(migrate.exit_code == 78);
  INFO(migrate.output);
  CHECK(line_count(migrate.output) == 1);
  CHECK(migrate.output.find("HUICAI_MYSQL_ADMIN_PASSWORD") != std::string::npos);
}

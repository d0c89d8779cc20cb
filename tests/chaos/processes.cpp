#include "processes.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "http_client.hpp"

namespace huicai::chaos {

ServiceProcess::ServiceProcess(std::string name, std::string binary, std::uint16_t port,
                               std::vector<std::string> environment, std::string log_path)
    : name_(std::move(name)),
      binary_(std::move(binary)),
      port_(port),
      environment_(std::move(environment)),
      log_path_(std::move(log_path)) {}

ServiceProcess::~ServiceProcess() {
  stop();
}

bool answers(std::uint16_t port, const std::string& target, int status) {
  try {
    test::HttpClient client("127.0.0.1", port, std::chrono::milliseconds(1'000));
    return client.get(target).status == status;
  } catch (const std::exception&) {
    return false;
  }
}

bool ServiceProcess::start(std::chrono::milliseconds within) {
  if (pid_ > 0) return true;
  // Everything the child needs is prepared before fork(): the run's client threads may hold
  // malloc's lock at that instant, so the child only calls async-signal-safe functions.
  std::vector<std::string> variables = environment_;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const auto name = variable.substr(0, variable.find('=') + 1);
    const bool overridden =
        std::any_of(environment_.begin(), environment_.end(),
                    [&](const std::string& own) { return own.starts_with(name); });
    if (!overridden) variables.emplace_back(variable);
  }
  std::vector<char*> envp;
  for (auto& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);
  char* const argv[] = {binary_.data(), const_cast<char*>("serve"), nullptr};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Child: dies with the run (a run that aborts, under a sanitizer say, must not leave
    // services holding the ports of the next run; start() is only called from the main
    // thread, whose end is the process's), output to the log, none of the run's client
    // sockets, then exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the run ended before prctl took effect
    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    ::close_range(3, ~0U, 0);
    ::execve(binary_.c_str(), argv, envp.data());
    ::_exit(127);
  }
  pid_ = pid;
  const auto deadline = Clock::now() + within;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;  // exited during startup (e.g. the database is down): the caller retries
      return false;
    }
    if (answers(port_, "/healthz")) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void ServiceProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServiceProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
}

int stack_command(const std::string& repo, const std::string& command) {
  const std::string line = "bash '" + repo + "/deploy/stack.sh' " + command + " >>'" + repo +
                           "/.stack/chaos-stack.log' 2>&1";
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

bool wipe_redis(const std::string& host, std::uint16_t port, const std::string& user,
                const std::string& password, int database) {
  // Every key of the database, deleted (the application user may not FLUSHDB: the ACL forbids
  // it). redis-cli from redis-tools (deploy/install.sh); the password through its environment.
  const std::string cli = "redis-cli -h " + host + " -p " + std::to_string(port) + " --user '" +
                          user + "' -n " + std::to_string(database);
  // Key names may hold blanks (rate-limit keys name the route): one name per line.
  const std::string line = "export REDISCLI_AUTH='" + password + "'; " + cli +
                           " --scan | xargs -r -d '\\n' -n 100 " + cli + " DEL >/dev/null";
  return std::system(line.c_str()) == 0;
}

}  // namespace huicai::chaos

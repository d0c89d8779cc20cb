#pragma once
// The processes a chaos run starts and kills: the services (each its own binary, so the outbox
// relay and the event consumers die with the process that runs them) and the stack's MariaDB
// and Redis (through deploy/stack.sh, which kills by the pid files of this checkout's .stack/,
// never by name).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace huicai::chaos {

using Clock = std::chrono::steady_clock;

// One service binary serving HTTP on its own port, restarted as often as needed.
class ServiceProcess {
 public:
  ServiceProcess(std::string name, std::string binary, std::uint16_t port,
                 std::vector<std::string> environment, std::string log_path);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  const std::string& name() const { return name_; }
  std::uint16_t port() const { return port_; }
  // Forks and execs the binary (`serve`), output appended to the log; waits until /healthz
  // answers 200 or `within` passes (false then).
  bool start(std::chrono::milliseconds within);
  // SIGKILL and reap. Nothing runs afterwards until start().
  void kill9();
  // SIGTERM, reap within a few seconds (SIGKILL after that).
  void stop();
  bool running() const { return pid_ > 0; }

 private:
  std::string name_, binary_;
  std::uint16_t port_;
  std::vector<std::string> environment_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// True when GET `target` on 127.0.0.1:port answers `status` within the client's timeout.
bool answers(std::uint16_t port, const std::string& target, int status = 200);

// deploy/stack.sh <command> with the run's environment; returns its exit code.
int stack_command(const std::string& repo, const std::string& command);

// Deletes every key of the run's Redis logical database (caches, counters, rate limits,
// streams), as a flush would.
bool wipe_redis(const std::string& host, std::uint16_t port, const std::string& user,
                const std::string& password, int database);

}  // namespace huicai::chaos

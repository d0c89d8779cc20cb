#pragma once
// Runs a set of services in one process: builds the Context (pool, Redis, tokens, metrics),
// registers each service's routes plus /healthz, /readyz and /metrics, serves HTTP, and stops
// gracefully on SIGTERM/SIGINT. Used by every service's thin main, by the all-in-one host and
// by integration tests (which start it on port 0 in a thread and stop it).

#include <huicai/core/app/context.hpp>
#include <huicai/core/config.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace huicai::app {

class Application {
 public:
  Application(Config config, std::vector<ServiceEntry> services);
  ~Application();

  // Registers routes and binds the listener (config.http_port; 0 = ephemeral).
  void start();
  std::uint16_t port() const;
  // Runs the I/O loop on the calling thread until request_stop() or SIGTERM/SIGINT, then shuts
  // down gracefully within config.http_shutdown_deadline. Returns the process exit code.
  int run(bool handle_signals = true);
  void request_stop();  // thread-safe
  Context& context();
  const http::Router& router() const;

  // Tools: apply pending migrations from `migrations_dir`; load every service's demo data.
  static int migrate(const Config& config, const std::string& migrations_dir);
  int load_demo_data();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `huicai <serve|migrate|seed|config> [args]`: the command line every main forwards to.
int main_entry(int argc, char** argv, std::vector<ServiceEntry> services);

}  // namespace huicai::app

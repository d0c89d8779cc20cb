// The command line every service main forwards to:
//   huicai [serve]                    run the HTTP server until SIGTERM/SIGINT
//   huicai migrate [--dir DIR]        apply pending migrations (default db/migrations)
//   huicai seed                       load every service's demo data (idempotent; development)
//   huicai config                     list every HUICAI_* variable with its default
//   huicai <service command> ...      a service's own tool (identity: totp-code --login LOGIN)
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <huicai/core/app/application.hpp>
#include <huicai/core/app/secrets_check.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/driver.hpp>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "app/worker_supervisor.hpp"

namespace huicai::app {
namespace {

void print_usage(const char* program) {
  std::cerr << "usage: " << program << " [serve|migrate [--dir DIR]|seed|config|help]\n"
            << "Settings come from HUICAI_* environment variables; `" << program
            << " config` lists them.\n";
}

// Prints the refusal and answers kExitConfig when `config` must not run `use` here.
std::optional<int> refuse_default_secrets(const Config& config, SecretUse use) {
  const auto refusal = default_secrets_refusal(config, use);
  if (!refusal) return std::nullopt;
  std::cerr << "huicai: " << *refusal << std::endl;
  return kExitConfig;
}

int print_config() {
  for (const auto& entry : Config::entries()) {
    std::cout << entry.name << "=" << entry.default_value << "\n    " << entry.description << "\n";
  }
  return 0;
}

}  // namespace

int main_entry(int argc, char** argv, std::vector<ServiceEntry> services) {
  const std::string_view command = argc > 1 ? argv[1] : "serve";
  if (command == "help" || command == "--help" || command == "-h") {
    print_usage(argv[0]);
    return 0;
  }
  if (command == "config") return print_config();

  try {
    const Config config = Config::from_environment();
    // Connector/C++'s driver initialisation is not thread-safe: do it before any thread starts.
    mysql::initialize_driver();

    if (command == "migrate") {
      std::string directory = "db/migrations";
      for (int i = 2; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument == "--dir" && i + 1 < argc) {
          directory = argv[++i];
        } else if (argument.starts_with("--dir=")) {
          directory = std::string(argument.substr(6));
        } else {
          print_usage(argv[0]);
          return 2;
        }
      }
      if (auto refused = refuse_default_secrets(config, SecretUse::migrate)) return *refused;
      return Application::migrate(config, directory);
    }
    if (command == "seed") {
      // The demo data signs everyone in, operator and finance included, with one published
      // password: never outside a local stack.
      if (config.environment != "development") {
        std::cerr << "huicai: refusing to seed: the demo accounts share a password published in "
                     "docs/demo-accounts.md; seed only a local stack (HUICAI_ENV=development)"
                  << std::endl;
        return kExitConfig;
      }
      Application application(config, std::move(services));
      return application.load_demo_data();
    }
    if (command == "serve") {
      if (auto refused = refuse_default_secrets(config, SecretUse::serve)) return *refused;
      // SIGTERM/SIGINT stay blocked (in every thread started from here on) until the I/O loop has
      // its handler in place: a stop request right after "listening" is then a graceful stop.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGTERM);
      sigaddset(&stop_signals, SIGINT);
      pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
      auto serve_one = [&config, &services](std::size_t worker_index) -> int {
        // Each worker is its own metrics target: its loopback listener is on
        // HUICAI_METRICS_PORT + its index (docs/adr/0008-metrics-per-worker-process.md).
        Config worker_config = config;
        if (config.metrics_port != 0) {
          worker_config.metrics_port =
              static_cast<std::uint16_t>(config.metrics_port + worker_index);
        }
        Application application(worker_config, services);
        application.start();
        // One line on stdout for scripts and tests that started us on port 0.
        std::cout << "listening on http://" << config.http_address << ":" << application.port()
                  << std::endl;
        return application.run(true);
      };
      if (config.http_workers > 1) {
        if (config.http_port == 0) {
          throw std::invalid_argument("HUICAI_HTTP_WORKERS > 1 needs a fixed HUICAI_HTTP_PORT");
        }
        if (config.metrics_port != 0 && config.metrics_port + config.http_workers - 1 > 65'535) {
          throw std::invalid_argument("HUICAI_METRICS_PORT + HUICAI_HTTP_WORKERS - 1 passes 65535");
        }
        return supervise_workers(config.http_workers, serve_one);
      }
      return serve_one(0);
    }
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    for (const ServiceEntry& service : services) {
      if (service.run_command == nullptr) continue;
      const int code = service.run_command(config, arguments);
      if (code != kNotThisCommand) return code;
    }
  } catch (const std::exception& error) {
    log::error("fatal", {{"command", command}, {"error", error.what()}});
    return 1;
  }
  print_usage(argv[0]);
  return 2;
}

}  // namespace huicai::app

#pragma once
// What a service gets when it registers: configuration, the I/O context, the MySQL pool, the
// Redis client, metrics, the token service, and a way to run background loops (outbox relay,
// sweepers, consumers) that stop with the process.
//
// Each service exposes, in its public header:
//   void register_service(huicai::app::Context& context, huicai::http::Router& router);
//   void load_demo_data(huicai::app::Context& context);   // idempotent
// and lists itself in an app::ServiceEntry. Registration is explicit: self-registering static
// objects get dropped by the linker from static libraries.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <huicai/core/config.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::mysql {
class Pool;
}
namespace huicai::redis {
class Client;
}
namespace huicai::metrics {
class Registry;
}
namespace huicai::auth {
class TokenService;
}
namespace huicai::http {
class Router;
}

namespace huicai::app {

class Context {
 public:
  virtual ~Context() = default;
  virtual const Config& config() const = 0;
  virtual boost::asio::io_context& io() = 0;
  virtual mysql::Pool& db() = 0;
  virtual redis::Client& redis() = 0;
  virtual metrics::Registry& metrics() = 0;
  virtual auth::TokenService& tokens() = 0;
  // Runs `loop` until shutdown; when it throws, logs and restarts it after a backoff.
  virtual void spawn_background(std::string name,
                                std::function<boost::asio::awaitable<void>()> loop) = 0;
  // A Redis client of its own for a blocking consumer (XREADGROUP BLOCK).
  virtual redis::Client& dedicated_redis(std::string_view purpose) = 0;
  // The port the HTTP server listens on once started (config().http_port may be 0 = any).
  virtual std::uint16_t listening_port() const { return config().http_port; }
};

struct ServiceEntry {
  std::string_view name;  // "identity", "catalog", ...
  void (*register_service)(Context&, http::Router&);
  void (*load_demo_data)(Context&);  // may be null
  // Extra `huicai <command> ...` commands of the service (e.g. identity's totp-code): returns
  // the exit code, or kNotThisCommand when the command is not one of its own. May be null.
  int (*run_command)(const Config&, const std::vector<std::string>& arguments) = nullptr;
};
inline constexpr int kNotThisCommand = -1;

}  // namespace huicai::app

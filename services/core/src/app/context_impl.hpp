#pragma once
// The Context every service registers against, owned by the Application. Members are declared
// in dependency order so they are destroyed in reverse: the I/O context outlives everything
// that holds one of its executors.

#include <atomic>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <huicai/core/app/application.hpp>
#include <huicai/core/auth/revocation_feed.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/http/cors.hpp>
#include <huicai/core/http/dispatcher.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/http/server.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/redis/rate_limiter.hpp>
#include <list>
#include <map>
#include <memory>
#include <optional>

namespace huicai::app {

class ContextImpl final : public Context {
 public:
  ContextImpl(Config config, std::vector<ServiceEntry> services);
  ~ContextImpl() override;

  const Config& config() const override { return config_; }
  boost::asio::io_context& io() override { return io_; }
  mysql::Pool& db() override { return pool_; }
  redis::Client& redis() override { return redis_; }
  metrics::Registry& metrics() override { return metrics_; }
  auth::TokenService& tokens() override { return tokens_; }
  void spawn_background(std::string name,
                        std::function<boost::asio::awaitable<void>()> loop) override;
  redis::Client& dedicated_redis(std::string_view purpose) override;
  std::uint16_t listening_port() const override { return port(); }

  // Application plumbing.
  void start();
  int run(bool handle_signals);
  void request_stop();
  int load_demo_data();
  std::uint16_t port() const { return server_ ? server_->port() : 0; }
  const http::Router& router() const { return router_; }

 private:
  void begin_stop();  // on the I/O thread
  boost::asio::awaitable<void> stop_sequence();
  boost::asio::awaitable<void> stop_background();
  void register_collectors();
  void start_metrics_listener();
  redis::ClientOptions redis_options() const;

  Config config_;
  std::vector<ServiceEntry> services_;
  boost::asio::io_context io_{1};
  metrics::Registry metrics_;
  mysql::Pool pool_;
  redis::Client redis_;
  auth::TokenService tokens_;
  auth::RevocationFeed revocation_feed_;
  redis::RateLimiter rate_limiter_;
  http::Router router_;
  std::optional<http::CorsPolicy> cors_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  std::unique_ptr<http::Server> server_;
  // The loopback listener of /metrics (HUICAI_METRICS_PORT); null when not configured.
  http::Router metrics_router_;
  std::unique_ptr<http::Dispatcher> metrics_dispatcher_;
  std::unique_ptr<http::Server> metrics_server_;
  std::map<std::string, std::unique_ptr<redis::Client>, std::less<>> dedicated_redis_;
  std::optional<boost::asio::signal_set> signals_;

  // Background loops: one cancellation signal each (a signal has one slot), emitted on stop.
  std::list<boost::asio::cancellation_signal> background_signals_;
  std::atomic<int> running_background_{0};

  std::atomic<bool> started_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  bool redis_started_ = false;
  bool pool_closed_ = false;
};

}  // namespace huicai::app

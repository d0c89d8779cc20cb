// The process runtime: builds the shared clients, serves HTTP, runs background loops, and stops
// all of it in order (HTTP drain, background loops, Redis, MySQL) on SIGTERM/SIGINT.
#include "app/context_impl.hpp"

#include <pthread.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <csignal>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <huicai/core/redis/client_options_from.hpp>
#include <thread>

#include "app/demo_clock_routes.hpp"
#include "app/docs_routes.hpp"
#include "app/health_routes.hpp"

namespace huicai::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kBackgroundStopDeadline = 3s;
constexpr auto kBackgroundMinBackoff = std::chrono::milliseconds(100);
constexpr auto kBackgroundMaxBackoff = std::chrono::milliseconds(30'000);

auth::RevocationFeedOptions revocation_feed_options(const Config& config) {
  auth::RevocationFeedOptions options;
  options.poll_interval = config.revocation_poll_interval;
  return options;
}

http::ServerOptions server_options(const Config& config) {
  http::ServerOptions options;
  options.address = config.http_address;
  options.port = config.http_port;
  options.header_limit = config.http_header_limit;
  options.body_limit = config.http_body_limit;
  options.read_timeout = config.http_read_timeout;
  options.idle_timeout = config.http_idle_timeout;
  options.shutdown_deadline = config.http_shutdown_deadline;
  options.max_connections = config.http_max_connections;
  options.max_connections_per_ip = config.http_max_connections_per_ip;
  options.trusted_proxies = http::TrustedProxies::parse(config.trusted_proxies);
  options.reuse_port = config.http_workers > 1;
  options.single_threaded = true;  // run() drives io_ from the calling thread only
  return options;
}

// The metrics listener: loopback only, whatever HUICAI_HTTP_ADDRESS says; a scraper needs few
// connections.
http::ServerOptions metrics_server_options(const Config& config) {
  http::ServerOptions options = server_options(config);
  options.address = "127.0.0.1";
  options.port = config.metrics_port;
  options.max_connections = 64;
  options.max_connections_per_ip = 64;
  options.trusted_proxies = {};
  options.reuse_port = false;  // one listener per worker, on a port of its own
  return options;
}

}  // namespace

ContextImpl::ContextImpl(Config config, std::vector<ServiceEntry> services)
    : config_(std::move(config)),
      services_(std::move(services)),
      pool_(io_.get_executor(), mysql::pool_options_from(config_)),
      redis_(io_.get_executor(), redis_options()),
      tokens_(config_),
      revocation_feed_(pool_, tokens_.revocations(), revocation_feed_options(config_)),
      rate_limiter_(redis_) {}

ContextImpl::~ContextImpl() {
  if (!pool_closed_) {
    pool_.close();
    pool_closed_ = true;
  }
}

redis::ClientOptions ContextImpl::redis_options() const {
  return redis::client_options_from(config_);
}

void ContextImpl::start() {
  if (started_.exchange(true)) return;
  redis_.start();
  redis_started_ = true;
  tokens_.attach_feed(revocation_feed_);
  spawn_background("revocation-feed", [this] { return revocation_feed_.run(); });
  register_health_routes(*this, router_);
  if (config_.environment == "development") register_demo_clock_routes(*this, router_);
  register_docs_routes(config_, router_);
  for (const auto& service : services_) {
    service.register_service(*this, router_);
    log::info("service registered", {{"service", service.name}});
  }
  cors_.emplace(config_.cors_origins);
  dispatcher_ = std::make_unique<http::Dispatcher>(router_, &tokens_, &rate_limiter_, &metrics_,
                                                   config_.access_log, &*cors_);
  server_ = std::make_unique<http::Server>(
      io_, server_options(config_), [dispatcher = dispatcher_.get()](http::Request& request) {
        return dispatcher->handle(request);
      });
  register_collectors();
  server_->start();
  log::info("listening", {{"address", config_.http_address},
                          {"port", server_->port()},
                          {"routes", router_.routes().size()}});
  if (config_.metrics_port != 0) start_metrics_listener();
}

void ContextImpl::start_metrics_listener() {
  register_metrics_listener_routes(*this, metrics_router_);
  metrics_dispatcher_ =
      std::make_unique<http::Dispatcher>(metrics_router_, nullptr, nullptr, nullptr, false);
  metrics_server_ = std::make_unique<http::Server>(
      io_, metrics_server_options(config_),
      [dispatcher = metrics_dispatcher_.get()](http::Request& request) {
        return dispatcher->handle(request);
      });
  metrics_server_->start();
  log::info("metrics listening", {{"address", "127.0.0.1"}, {"port", metrics_server_->port()}});
}

void ContextImpl::register_collectors() {
  metrics_.describe("huicai_mysql_pool_connections", "MySQL pool connections (threads)", "gauge");
  metrics_.describe("huicai_mysql_pool_busy", "MySQL connections running a call", "gauge");
  metrics_.describe("huicai_mysql_pool_waiting", "Calls waiting for a MySQL connection", "gauge");
  metrics_.describe("huicai_mysql_calls_total", "MySQL pool calls", "counter");
  metrics_.describe("huicai_mysql_transaction_retries_total",
                    "Transactions retried after deadlock or snapshot conflict", "counter");
  metrics_.describe("huicai_mysql_reconnects_total", "MySQL connections replaced", "counter");
  metrics_.describe("huicai_mysql_failures_total", "MySQL calls that failed", "counter");
  metrics_.describe("huicai_redis_connected", "1 when the Redis connection is up", "gauge");
  metrics_.describe("huicai_redis_commands_total", "Redis commands sent", "counter");
  metrics_.describe("huicai_redis_errors_total", "Redis commands that failed", "counter");
  metrics_.describe("huicai_redis_timeouts_total", "Redis commands that timed out", "counter");
  metrics_.describe("huicai_redis_reconnects_total", "Redis reconnections", "counter");
  metrics_.describe("huicai_redis_pending", "Redis commands awaiting a reply", "gauge");
  metrics_.describe("huicai_http_open_connections", "Open HTTP connections", "gauge");
  metrics_.describe("huicai_http_accepted_connections_total", "Accepted HTTP connections",
                    "counter");
  metrics_.describe("huicai_http_in_flight_requests", "HTTP requests being handled", "gauge");

  metrics_.add_collector([this](metrics::Registry& registry) {
    const auto pool = pool_.stats();
    registry.set_gauge("huicai_mysql_pool_connections", {}, static_cast<double>(pool.size));
    registry.set_gauge("huicai_mysql_pool_busy", {}, static_cast<double>(pool.busy));
    registry.set_gauge("huicai_mysql_pool_waiting", {}, static_cast<double>(pool.waiting));
    registry.set_gauge("huicai_mysql_calls_total", {}, static_cast<double>(pool.calls));
    registry.set_gauge("huicai_mysql_transaction_retries_total", {},
                       static_cast<double>(pool.transaction_retries));
    registry.set_gauge("huicai_mysql_reconnects_total", {}, static_cast<double>(pool.reconnects));
    registry.set_gauge("huicai_mysql_failures_total", {}, static_cast<double>(pool.failures));

    const auto redis = redis_.stats();
    registry.set_gauge("huicai_redis_connected", {}, redis.connected ? 1 : 0);
    registry.set_gauge("huicai_redis_commands_total", {}, static_cast<double>(redis.commands));
    registry.set_gauge("huicai_redis_errors_total", {}, static_cast<double>(redis.errors));
    registry.set_gauge("huicai_redis_timeouts_total", {}, static_cast<double>(redis.timeouts));
    registry.set_gauge("huicai_redis_reconnects_total", {}, static_cast<double>(redis.reconnects));
    registry.set_gauge("huicai_redis_pending", {}, static_cast<double>(redis.pending));

    if (server_) {
      const auto server = server_->stats();
      registry.set_gauge("huicai_http_open_connections", {},
                         static_cast<double>(server.open_connections));
      registry.set_gauge("huicai_http_accepted_connections_total", {},
                         static_cast<double>(server.accepted_connections));
      registry.set_gauge("huicai_http_in_flight_requests", {},
                         static_cast<double>(server.in_flight_requests));
    }
  });
}

void ContextImpl::spawn_background(std::string name, std::function<asio::awaitable<void>()> loop) {
  if (stopping_) return;
  auto& signal = background_signals_.emplace_back();
  ++running_background_;
  asio::co_spawn(
      io_,
      [this, name = std::move(name), loop = std::move(loop)]() -> asio::awaitable<void> {
        auto backoff = kBackgroundMinBackoff;
        while (!stopping_) {
          std::string failure;
          try {
            co_await loop();
            if (!stopping_) log::info("background loop finished", {{"loop", name}});
            co_return;
          } catch (const std::exception& error) {
            failure = error.what();
          } catch (...) {
            failure = "non-standard exception";
          }
          if (stopping_) break;
          log::error("background loop failed, restarting",
                     {{"loop", name}, {"error", failure}, {"backoff_ms", backoff.count()}});
          asio::steady_timer timer(io_, backoff);
          auto [error] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
          if (error) break;
          backoff = std::min(backoff * 2, kBackgroundMaxBackoff);
        }
      },
      asio::bind_cancellation_slot(signal.slot(),
                                   [this](std::exception_ptr) { --running_background_; }));
}

redis::Client& ContextImpl::dedicated_redis(std::string_view purpose) {
  auto found = dedicated_redis_.find(purpose);
  if (found != dedicated_redis_.end()) return *found->second;
  auto client = std::make_unique<redis::Client>(io_.get_executor(), redis_options());
  client->start();
  auto& reference = *client;
  dedicated_redis_.emplace(std::string(purpose), std::move(client));
  return reference;
}

int ContextImpl::run(bool handle_signals) {
  if (!started_) start();
  running_ = true;
  if (handle_signals) {
    signals_.emplace(io_, SIGTERM, SIGINT);
    signals_->async_wait([this](const boost::system::error_code& error, int signal_number) {
      if (error) return;
      log::info("signal received, stopping", {{"signal", signal_number}});
      begin_stop();
    });
    // main_entry blocks these signals before any thread starts, so one that arrives between
    // "listening" and here waits instead of killing the process; from now on the set takes it.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  }
  // Stays alive while the stop sequence runs, whatever else has finished.
  auto work = asio::make_work_guard(io_);
  try {
    io_.run();
  } catch (const std::exception& error) {
    log::error("I/O loop failed", {{"error", error.what()}});
    running_ = false;
    return 1;
  }
  running_ = false;
  pool_.close();
  pool_closed_ = true;
  log::info("stopped");
  return 0;
}

void ContextImpl::request_stop() {
  asio::post(io_, [this] { begin_stop(); });
}

void ContextImpl::begin_stop() {
  if (stopping_.exchange(true)) return;
  asio::co_spawn(io_, stop_sequence(), [this](std::exception_ptr failure) {
    if (failure) log::error("stop sequence failed");
    io_.stop();
  });
}

asio::awaitable<void> ContextImpl::stop_sequence() {
  if (signals_) signals_->cancel();
  // In-flight requests still need MySQL and Redis: drain HTTP first.
  if (server_) co_await server_->shutdown();
  if (metrics_server_) co_await metrics_server_->shutdown();
  co_await stop_background();
  for (auto& [purpose, client] : dedicated_redis_) co_await client->stop();
  if (redis_started_) co_await redis_.stop();
}

asio::awaitable<void> ContextImpl::stop_background() {
  for (auto& signal : background_signals_) signal.emit(asio::cancellation_type::terminal);
  const auto deadline = std::chrono::steady_clock::now() + kBackgroundStopDeadline;
  asio::steady_timer timer(io_);
  while (running_background_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (running_background_.load() > 0) {
    log::warn("background loops still running at stop", {{"count", running_background_.load()}});
  }
}

int ContextImpl::load_demo_data() {
  // As a tool (`huicai seed`) nothing runs the I/O loop yet: run it on a helper thread so
  // loaders may use Redis and awaitable pool calls.
  const bool own_loop = !running_;
  std::thread io_thread;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  if (own_loop) {
    if (!redis_started_) {
      redis_.start();
      redis_started_ = true;
    }
    work.emplace(io_.get_executor());
    io_thread = std::thread([this] { io_.run(); });
  }
  int exit_code = 0;
  for (const auto& service : services_) {
    if (!service.load_demo_data) continue;
    try {
      log::info("loading demo data", {{"service", service.name}});
      service.load_demo_data(*this);
    } catch (const std::exception& error) {
      log::error("demo data failed", {{"service", service.name}, {"error", error.what()}});
      exit_code = 1;
      break;
    }
  }
  if (own_loop) {
    auto stopped = asio::co_spawn(
        io_, [this]() -> asio::awaitable<void> { co_await redis_.stop(); }, asio::use_future);
    stopped.wait_for(5s);
    work.reset();
    io_.stop();
    io_thread.join();
    io_.restart();
    redis_started_ = false;
  }
  return exit_code;
}

}  // namespace huicai::app

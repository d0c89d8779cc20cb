#pragma once
// Runs a real Application (MySQL pool, Redis, HTTP on an ephemeral port) on a background thread
// for the lifetime of the object. Configuration comes from the environment like the real
// binary; `adjust` may change it (short timeouts and the like) before the app is built.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <huicai/core/app/application.hpp>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace huicai::test {

class TestApp {
 public:
  explicit TestApp(std::vector<app::ServiceEntry> services,
                   std::function<void(Config&)> adjust = {});
  ~TestApp();  // request_stop + join
  TestApp(const TestApp&) = delete;
  TestApp& operator=(const TestApp&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& host() const { return config_.http_address; }
  const Config& config() const { return config_; }
  app::Application& application() { return *application_; }
  app::Context& context() { return application_->context(); }

  // Runs a coroutine on the app's I/O thread and waits for its result (rethrows its exception).
  template <class T>
  T run(std::function<boost::asio::awaitable<T>()> coroutine,
        std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto future =
        boost::asio::co_spawn(context().io(), std::move(coroutine), boost::asio::use_future);
    if (future.wait_for(timeout) != std::future_status::ready) {
      throw std::runtime_error("TestApp::run: coroutine did not finish in time");
    }
    return future.get();
  }

 private:
  Config config_;
  std::unique_ptr<app::Application> application_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace huicai::test

#pragma once
// An io_context on a background thread, for integration tests that drive core pieces (Redis
// client, MySQL pool, outbox relay, consumers) without a whole Application.
//
//   huicai::test::IoThread io;
//   auto value = io.run<int>([&]() -> boost::asio::awaitable<int> { co_return 42; });

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace huicai::test {

class IoThread {
 public:
  IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context& io() { return io_; }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs a coroutine on the I/O thread and waits for it (rethrows its exception). Throws when
  // it does not finish within `timeout`, so a hang fails the test instead of blocking ctest.
  template <class T>
  T run(std::function<boost::asio::awaitable<T>()> coroutine,
        std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto future = boost::asio::co_spawn(io_, std::move(coroutine), boost::asio::use_future);
    if (future.wait_for(timeout) != std::future_status::ready) {
      throw std::runtime_error("IoThread::run: coroutine did not finish in time");
    }
    return future.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds interval = std::chrono::milliseconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
  return true;
}

// A random lowercase suffix so tests can run twice on the same database and Redis.
inline std::string unique_suffix() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix;
  for (int i = 0; i < 10; ++i) suffix += alphabet[random() % (sizeof(alphabet) - 1)];
  return suffix;
}

}  // namespace huicai::test

#pragma once
// Runs a background loop (a relay's or a consumer's run()) on an IoThread until stop() cancels
// it, as the application's spawn_background does; stop() fails the test when the loop does not
// end within 30 s or ended with an exception instead of returning.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <io_thread.hpp>

namespace huicai::test {

class BackgroundLoop {
 public:
  BackgroundLoop(IoThread& io, boost::asio::awaitable<void> loop) : io_(io) {
    done_ = boost::asio::co_spawn(
        io.io(), std::move(loop),
        boost::asio::bind_cancellation_slot(signal_.slot(), boost::asio::use_future));
  }
  ~BackgroundLoop() { stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    // A cancellation_signal is not thread-safe: emit it on the loop's own thread.
    boost::asio::post(io_.io(), [this] { signal_.emit(boost::asio::cancellation_type::terminal); });
    REQUIRE(done_.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    done_.get();  // rethrows if the loop ended with an exception instead of returning
  }

 private:
  IoThread& io_;
  boost::asio::cancellation_signal signal_;
  std::future<void> done_;
  bool stopped_ = false;
};

}  // namespace huicai::test

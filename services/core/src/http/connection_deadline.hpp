#pragma once
// One deadline per connection, watched by one timer that is re-armed only when needed.
//
// Beast's tcp_stream arms a timer for every read and write; under keep-alive load that is a
// timer start and cancel per request. Here moving the deadline later (the common case: the next
// idle wait) only stores a time point; the timer, when it fires, sees the later deadline and
// sleeps again. Only a deadline earlier than the armed one (a request that did not arrive in
// one read, a write that could not complete at once, the linger after close) re-arms it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace huicai::http {

class ConnectionDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  // `on_expired` runs on `executor` once the deadline passes (at most once).
  ConnectionDeadline(const boost::asio::any_io_executor& executor,
                     std::function<void()> on_expired);
  ~ConnectionDeadline();
  ConnectionDeadline(const ConnectionDeadline&) = delete;
  ConnectionDeadline& operator=(const ConnectionDeadline&) = delete;

  void expires_after(Clock::duration timeout);
  // No deadline until the next expires_after (a request is being handled: the handler bounds
  // its own waits, and a slow one must not lose its connection to the idle timeout).
  void clear();
  bool expired() const;

 private:
  struct State {
    explicit State(const boost::asio::any_io_executor& executor) : timer(executor) {}
    boost::asio::steady_timer timer;
    Clock::time_point deadline = Clock::time_point::max();
    Clock::time_point armed = Clock::time_point::max();
    std::function<void()> on_expired;
    bool expired = false;
    bool cancelled = false;
  };
  static void arm(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
};

}  // namespace huicai::http

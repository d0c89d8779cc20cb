#pragma once
// What the phases of aid_feed_bench share: the clock, latency samples, pacing at a fixed rate,
// running a phase to its end, waiting for a condition,
// one HTTP exchange on a kept-alive connection, tokens, and the sandbox channel's signature.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/auth/roles.hpp>
#include <string>
#include <vector>

namespace huicai::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Latencies in ms; percentiles by nearest rank over the sorted samples.
class Samples {
 public:
  void add(double ms) { values_.push_back(static_cast<float>(ms)); }
  std::size_t size() const { return values_.size(); }
  // Sorts once; call after the last add().
  double percentile(double p);
  double max();

 private:
  std::vector<float> values_;
  bool sorted_ = false;
};

// Calls send(k) for k = 0..count-1 at `per_second` a second, each at start + k / per_second (late
// ticks go at once, so the mean rate holds). send(k) must not wait: it spawns what it starts.
asio::awaitable<void> paced(double per_second, std::size_t count,
                            std::function<void(std::size_t)> send);

// Runs `main` on `io` until it ends (the io_context stops with it); rethrows what it threw.
void run_to_end(asio::io_context& io, asio::awaitable<void> main);

// A phase's entry point: Phase(run, io).main() on an io_context of its own, to its end.
template <class Phase, class Run>
int run_phase(const Run& run) {
  asio::io_context io;
  Phase phase(run, io);
  run_to_end(io, phase.main());
  return 0;
}

// Waits (polling every 10 ms) until done() is true or `limit` has passed; false on the limit.
asio::awaitable<bool> wait_until(std::function<bool()> done, std::chrono::milliseconds limit);

// The loopback address the server under test listens on.
asio::ip::tcp::endpoint local(std::uint16_t port);

struct HttpReply {
  boost::system::error_code error;  // transport failure (then status is 0)
  unsigned status = 0;
  std::string body;
  bool keep_alive = false;
};
// One request on `stream` (connected); reads the whole answer.
asio::awaitable<HttpReply> exchange(beast::tcp_stream& stream,
                                    beast::http::request<beast::http::string_body> request);
beast::http::request<beast::http::string_body> json_post(const std::string& target,
                                                         std::string body);

// An access token signed with HUICAI_TOKEN_SECRET (the local stack's development secret).
std::string token_for(std::uint64_t account_id, auth::Role role);

// What the sandbox payment channel puts in x-huicai-signature: hex HMAC-SHA256 of the body,
// keyed with SHA-256 of HUICAI_PAYMENT_SANDBOX_SECRET (ordering's SandboxChannel::sign).
std::string sandbox_signature(const std::string& body);

}  // namespace huicai::bench

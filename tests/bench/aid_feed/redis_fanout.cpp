// aid_feed_bench redis: the fixed baseline. `subscribers` connections SUBSCRIBE to one channel
// of the same Redis the feed runs on; one connection PUBLISHes `messages` messages of
// `payload_bytes` at `rate` a second; for every subscriber and message, the time from
// sending the PUBLISH to receiving the message. It is the fan-out primitive the feed is built
// on (a Redis channel), without the payment, the totals' consumer and the WebSocket hop; the
// script gives it the frame rate and frame size the feed run measured.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "bench_common.hpp"
#include "phases.hpp"

namespace huicai::bench {
namespace {

using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;

std::string command(const std::vector<std::string>& words) {
  std::string out = "*" + std::to_string(words.size()) + "\r\n";
  for (const auto& word : words) out += "$" + std::to_string(word.size()) + "\r\n" + word + "\r\n";
  return out;
}

// One RESP value read off the front of `buffer`: a simple string, error or integer (text), or
// an array of bulk strings (items). Nothing until it is complete.
struct Value {
  char type = 0;
  std::string text;
  std::vector<std::string> items;
};

std::optional<std::size_t> line_end(const std::string& buffer, std::size_t from) {
  const auto at = buffer.find("\r\n", from);
  if (at == std::string::npos) return std::nullopt;
  return at;
}

std::optional<Value> take_value(std::string& buffer, std::size_t& offset) {
  auto end = line_end(buffer, offset);
  if (!end) return std::nullopt;
  Value value;
  value.type = buffer[offset];
  const std::string head = buffer.substr(offset + 1, *end - offset - 1);
  std::size_t at = *end + 2;
  if (value.type == '*') {
    const auto count = std::stoll(head);
    for (long long i = 0; i < count; ++i) {
      auto item_end = line_end(buffer, at);
      if (!item_end) return std::nullopt;
      const char kind = buffer[at];
      const std::string item_head = buffer.substr(at + 1, *item_end - at - 1);
      at = *item_end + 2;
      if (kind != '$') {  // an integer in an array (the subscribe confirmation's count)
        value.items.push_back(item_head);
        continue;
      }
      const auto size = static_cast<std::size_t>(std::stoll(item_head));
      if (buffer.size() < at + size + 2) return std::nullopt;
      value.items.push_back(buffer.substr(at, size));
      at += size + 2;
    }
  } else {
    value.text = head;
  }
  offset = at;
  return value;
}

struct Listener {
  explicit Listener(asio::any_io_executor executor) : socket(executor) {}
  tcp::socket socket;
  std::string buffer;
  bool subscribed = false;
  bool failed = false;
  std::size_t received = 0;
};

class Fanout {
 public:
  Fanout(const FanoutRun& run, asio::io_context& io)
      : run_(run), io_(io), sent_(run.messages), publisher_(io.get_executor()) {}
  asio::awaitable<void> main();

 private:
  asio::awaitable<void> listen(Listener& listener);
  asio::awaitable<void> flush();
  asio::awaitable<void> read_replies();
  std::string auth() const { return command({"AUTH", run_.user, run_.password}); }

  FanoutRun run_;
  asio::io_context& io_;
  const std::string channel_ = "huicai:{bench}:fanout";
  std::vector<Clock::time_point> sent_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::size_t subscribed_ = 0, failed_ = 0, publish_errors_ = 0;
  tcp::socket publisher_;
  std::string outgoing_;
  bool writing_ = false;
  Samples latency_;
};

asio::awaitable<void> Fanout::listen(Listener& listener) {
  auto [error] = co_await listener.socket.async_connect(local(run_.port), as_tuple(use_awaitable));
  if (!error) {
    const auto hello = auth() + command({"SUBSCRIBE", channel_});
    std::tie(error, std::ignore) =
        co_await asio::async_write(listener.socket, asio::buffer(hello), as_tuple(use_awaitable));
  }
  char chunk[16384];
  while (!error) {
    std::size_t size = 0;
    std::tie(error, size) =
        co_await listener.socket.async_read_some(asio::buffer(chunk), as_tuple(use_awaitable));
    if (error) break;
    const auto now = Clock::now();
    listener.buffer.append(chunk, size);
    std::size_t offset = 0;
    while (auto value = take_value(listener.buffer, offset)) {
      if (value->type == '-') {
        std::cerr << "redis: " << value->text << "\n";
        error = asio::error::access_denied;
        break;
      }
      if (value->type != '*' || value->items.empty()) continue;  // +OK of AUTH
      if (value->items[0] == "subscribe") {
        listener.subscribed = true;
        ++subscribed_;
      } else if (value->items[0] == "message" && value->items.size() == 3) {
        std::size_t k = 0;
        const auto& payload = value->items[2];
        std::from_chars(payload.data(), payload.data() + payload.size(), k);
        if (k < sent_.size()) latency_.add(ms_between(sent_[k], now));
        ++listener.received;
      }
    }
    listener.buffer.erase(0, offset);
  }
  if (!listener.subscribed) {
    listener.failed = true;
    if (++failed_ <= 3) std::cerr << "listener: " << error.message() << "\n";
  }
}

// The publisher's writes, one at a time, of whatever has been queued meanwhile.
asio::awaitable<void> Fanout::flush() {
  writing_ = true;
  while (!outgoing_.empty()) {
    const auto batch = std::exchange(outgoing_, {});
    auto [error, written] =
        co_await asio::async_write(publisher_, asio::buffer(batch), as_tuple(use_awaitable));
    if (error) {
      ++publish_errors_;
      break;
    }
  }
  writing_ = false;
}

asio::awaitable<void> Fanout::read_replies() {
  std::string buffer;
  char chunk[4096];
  for (;;) {
    auto [error, size] =
        co_await publisher_.async_read_some(asio::buffer(chunk), as_tuple(use_awaitable));
    if (error) co_return;
    buffer.append(chunk, size);
    std::size_t offset = 0;
    while (auto value = take_value(buffer, offset)) publish_errors_ += value->type == '-';
    buffer.erase(0, offset);
  }
}

asio::awaitable<void> Fanout::main() {
  for (std::size_t i = 0; i < run_.subscribers; ++i) {
    listeners_.push_back(std::make_unique<Listener>(io_.get_executor()));
    asio::co_spawn(io_, listen(*listeners_.back()), asio::detached);
  }
  co_await wait_until([this] { return subscribed_ + failed_ == run_.subscribers; },
                      std::chrono::seconds(60));
  co_await publisher_.async_connect(local(run_.port), use_awaitable);
  outgoing_ = auth();
  asio::co_spawn(io_, flush(), asio::detached);
  asio::co_spawn(io_, read_replies(), asio::detached);

  const std::string padding(run_.payload_bytes > 12 ? run_.payload_bytes - 12 : 0, 'x');
  const auto started = Clock::now();
  co_await paced(run_.rate, run_.messages, [&](std::size_t k) {
    outgoing_ += command({"PUBLISH", channel_, std::to_string(k) + "|" + padding});
    sent_[k] = Clock::now();
    if (!writing_) asio::co_spawn(io_, flush(), asio::detached);
  });
  const double send_seconds = ms_between(started, Clock::now()) / 1000.0;
  co_await wait_until(
      [this] {
        for (const auto& listener : listeners_) {
          if (listener->subscribed && listener->received < run_.messages) return false;
        }
        return true;
      },
      std::chrono::milliseconds(static_cast<std::int64_t>(run_.drain_seconds * 1000)));
  const auto expected = subscribed_ * run_.messages;
  std::printf(
      "{\"subscribers\":%zu,\"subscribed\":%zu,\"messages\":%zu,\"payload_bytes\":%zu,"
      "\"send_seconds\":%.2f,\"samples\":%zu,\"missing\":%zu,\"publish_errors\":%zu,"
      "\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"p999_ms\":%.2f,\"max_ms\":%.2f}\n",
      run_.subscribers, subscribed_, run_.messages, run_.payload_bytes, send_seconds,
      latency_.size(), expected - std::min(expected, latency_.size()), publish_errors_,
      latency_.percentile(0.50), latency_.percentile(0.90), latency_.percentile(0.99),
      latency_.percentile(0.999), latency_.max());
  for (auto& listener : listeners_) {
    boost::system::error_code ignored;
    listener->socket.close(ignored);
  }
  publisher_.close();
}

}  // namespace

int redis_fanout(const FanoutRun& run) {
  return run_phase<Fanout>(run);
}

}  // namespace huicai::bench

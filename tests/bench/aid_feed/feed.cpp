// aid_feed_bench feed: `subscribers` WebSockets on GET /v1/aid-totals/feed, then the prepared
// payments' callbacks posted at `rate` a second, signed as the sandbox channel signs them; for
// every subscriber and every paid callback, the time from sending the callback to receiving the
// first frame that reflects it.
//
// Attribution: every order is one bag of one supplier's only SKU, so the supplier's all-time
// amount grows by that price per payment. A frame carrying supplier s at amount A reflects the
// first (A - base) / price payments sent for s (base: s in the subscriber's snapshot); the
// suppliers' payments are sent 1 / rate * suppliers apart, so they are applied in order.
// Everything runs on one thread: a frame is never handled before its callback's send time is
// noted.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "bench_common.hpp"
#include "phases.hpp"

namespace huicai::bench {
namespace {

namespace websocket = beast::websocket;
using asio::as_tuple;
using asio::use_awaitable;

struct Payment {
  std::size_t supplier = 0;  // index into the suppliers
  std::string intent_id;
  std::int64_t amount_fen = 0;
  Clock::time_point sent{};
  bool answered = false;
  bool paid = false;
};

// What a frame says about the run's suppliers: (supplier index, all-time amount).
struct Frame {
  bool snapshot = false;
  std::int64_t seq = 0;
  std::vector<std::pair<std::size_t, std::int64_t>> suppliers;
};

struct Subscriber {
  explicit Subscriber(asio::any_io_executor executor) : socket(executor) {}
  websocket::stream<beast::tcp_stream> socket;
  beast::flat_buffer buffer;
  bool slow = false;
  bool open = false;
  bool failed = false;
  bool closed = false;  // the connection ended while we were reading
  std::vector<std::int64_t> base;
  std::vector<std::size_t> seen;  // per supplier: payments reflected so far
  std::size_t seen_total = 0;
  std::int64_t last_seq = 0;
  std::uint64_t frames = 0, bytes = 0, coalesced = 0;  // updates (not the snapshot)
};

class FeedBench {
 public:
  FeedBench(const FeedRun& run, asio::io_context& io) : run_(run), io_(io) { load(run.intents); }

  asio::awaitable<void> main();

 private:
  void load(const std::string& path);
  asio::awaitable<void> open(Subscriber& subscriber);
  asio::awaitable<void> read_frames(Subscriber& subscriber);
  asio::awaitable<void> drain_slow(Subscriber& subscriber);
  asio::awaitable<void> send_callback(std::size_t k);
  std::shared_ptr<const Frame> parse(std::string_view text);
  void reflect(Subscriber& subscriber, const Frame& frame, Clock::time_point now);
  void report(double send_seconds);

  FeedRun run_;
  asio::io_context& io_;
  const std::string auditor_token_ = token_for(9'000'001, auth::Role::auditor);
  std::vector<Payment> payments_;
  std::unordered_map<std::string, std::size_t> supplier_index_;
  std::vector<std::int64_t> price_;             // per supplier
  std::vector<std::vector<std::size_t>> plan_;  // per supplier: its payments in send order
  std::vector<std::unique_ptr<Subscriber>> subscribers_;
  std::size_t opening_ = 0, opened_ = 0, open_failed_ = 0, snapshots_ = 0;
  std::vector<std::unique_ptr<beast::tcp_stream>> idle_;  // kept-alive callback connections
  std::size_t answered_ = 0, paid_ = 0, refused_ = 0, slow_drained_ = 0, slow_dropped_ = 0;
  std::unordered_map<std::size_t, std::shared_ptr<const Frame>> frames_;  // by hash of the text
  Samples latency_, callback_;
};

void FeedBench::load(const std::string& path) {
  std::ifstream in(path);
  std::string supplier;
  Payment payment;
  while (in >> supplier >> payment.intent_id >> payment.amount_fen) {
    auto [at, added] = supplier_index_.try_emplace(supplier, price_.size());
    if (added) {
      price_.push_back(payment.amount_fen);
      plan_.emplace_back();
    } else if (price_[at->second] != payment.amount_fen) {
      throw std::runtime_error("supplier " + supplier + " has payments of different amounts");
    }
    payment.supplier = at->second;
    plan_[at->second].push_back(payments_.size());
    payments_.push_back(payment);
  }
  if (payments_.empty()) throw std::runtime_error(path + ": no payments");
}

std::shared_ptr<const Frame> FeedBench::parse(std::string_view text) {
  const auto key = std::hash<std::string_view>{}(text) ^ text.size();
  if (auto cached = frames_.find(key); cached != frames_.end()) return cached->second;
  auto frame = std::make_shared<Frame>();
  const auto object = boost::json::parse(text).as_object();
  frame->snapshot = object.at("type").as_string() == "snapshot";
  frame->seq = object.at("seq").as_int64();
  for (const auto& change : object.at("changes").as_array()) {
    const auto& row = change.as_object();
    if (row.at("dimension").as_string() != "supplier" || !row.at("period").as_string().empty()) {
      continue;
    }
    const auto found = supplier_index_.find(std::string(row.at("item").as_string()));
    if (found != supplier_index_.end()) {
      frame->suppliers.emplace_back(found->second, row.at("amount_fen").as_int64());
    }
  }
  if (frames_.size() > 4096) frames_.clear();
  frames_.emplace(key, frame);
  return frame;
}

void FeedBench::reflect(Subscriber& subscriber, const Frame& frame, Clock::time_point now) {
  if (frame.snapshot && subscriber.base.empty()) {
    subscriber.base.assign(price_.size(), 0);
    subscriber.seen.assign(price_.size(), 0);
    for (const auto& [supplier, amount] : frame.suppliers) subscriber.base[supplier] = amount;
    subscriber.last_seq = frame.seq;
    return;
  }
  // Sequence numbers a subscriber skipped were merged into this frame (it was behind). A later
  // snapshot (the server resynchronised) counts like an update: its amounts are absolute too.
  if (!frame.snapshot && frame.seq > subscriber.last_seq + 1)
    subscriber.coalesced += frame.seq - subscriber.last_seq - 1;
  subscriber.last_seq = std::max(subscriber.last_seq, frame.seq);
  for (const auto& [supplier, amount] : frame.suppliers) {
    const auto& plan = plan_[supplier];
    const auto count =
        std::clamp<std::int64_t>((amount - subscriber.base[supplier]) / price_[supplier], 0,
                                 static_cast<std::int64_t>(plan.size()));
    auto& seen = subscriber.seen[supplier];
    for (; seen < static_cast<std::size_t>(count); ++seen, ++subscriber.seen_total) {
      latency_.add(ms_between(payments_[plan[seen]].sent, now));
    }
  }
}

asio::awaitable<void> FeedBench::open(Subscriber& subscriber) {
  auto& tcp = beast::get_lowest_layer(subscriber.socket);
  boost::system::error_code error;
  if (subscriber.slow) {
    // A small receive window, so the server's writes to a reader that stopped back up soon.
    tcp.socket().open(asio::ip::tcp::v4(), error);
    if (!error) tcp.socket().set_option(asio::socket_base::receive_buffer_size(4096), error);
  }
  tcp.expires_after(std::chrono::seconds(30));
  if (!error)
    std::tie(error) = co_await tcp.async_connect(local(run_.port), as_tuple(use_awaitable));
  const std::string offered = "huicai.aid-totals.v1, huicai.bearer." + auditor_token_;
  subscriber.socket.set_option(
      websocket::stream_base::decorator([offered](websocket::request_type& request) {
        request.set(beast::http::field::sec_websocket_protocol, offered);
      }));
  websocket::response_type response;
  if (!error) {
    std::tie(error) = co_await subscriber.socket.async_handshake(
        response, "127.0.0.1:" + std::to_string(run_.port), "/v1/aid-totals/feed",
        as_tuple(use_awaitable));
  }
  tcp.expires_never();
  --opening_;
  if (error) {
    subscriber.failed = true;
    if (++open_failed_ <= 3) {
      std::cerr << "subscriber could not open: " << error.message() << " (" << response.result_int()
                << ")\n";
    }
    co_return;
  }
  subscriber.open = true;
  ++opened_;
  co_await read_frames(subscriber);
}

asio::awaitable<void> FeedBench::read_frames(Subscriber& subscriber) {
  for (;;) {
    subscriber.buffer.clear();
    auto [error, size] =
        co_await subscriber.socket.async_read(subscriber.buffer, as_tuple(use_awaitable));
    if (error) {
      subscriber.closed = true;
      co_return;
    }
    const auto now = Clock::now();
    const std::string_view text(static_cast<const char*>(subscriber.buffer.data().data()),
                                subscriber.buffer.size());
    const auto frame = parse(text);
    if (!frame->snapshot) ++subscriber.frames, subscriber.bytes += size;
    reflect(subscriber, *frame, now);
    if (frame->snapshot) {
      ++snapshots_;
      if (subscriber.slow) co_return;  // stops reading: drain_slow() looks at it at the end
    }
  }
}

// A reader that stopped: the server must have closed it (it is behind by far more than the
// hub's limit) without holding up the others. Reads what is queued; the connection ending
// within 5 s means the server dropped it.
asio::awaitable<void> FeedBench::drain_slow(Subscriber& subscriber) {
  asio::steady_timer limit(co_await asio::this_coro::executor, std::chrono::seconds(5));
  bool timed_out = false;
  limit.async_wait([&](boost::system::error_code error) {
    if (error) return;
    timed_out = true;
    beast::get_lowest_layer(subscriber.socket).socket().close();
  });
  for (;;) {
    subscriber.buffer.clear();
    auto [error, size] =
        co_await subscriber.socket.async_read(subscriber.buffer, as_tuple(use_awaitable));
    if (error) break;
  }
  limit.cancel();
  if (!timed_out) ++slow_dropped_;
  ++slow_drained_;
}

asio::awaitable<void> FeedBench::send_callback(std::size_t k) {
  auto& payment = payments_[k];
  std::unique_ptr<beast::tcp_stream> connection;
  if (!idle_.empty()) {
    connection = std::move(idle_.back());
    idle_.pop_back();
  } else {
    connection = std::make_unique<beast::tcp_stream>(io_.get_executor());
    auto [error] = co_await connection->async_connect(local(run_.port), as_tuple(use_awaitable));
    if (error) {
      payment.answered = true, ++answered_, ++refused_;
      std::cerr << "callback connection: " << error.message() << "\n";
      co_return;
    }
  }
  const std::string body =
      R"({"event_id":"evt_)" + run_.run + "-" + std::to_string(k) + R"(","intent_id":")" +
      payment.intent_id + R"(","amount_fen":)" + std::to_string(payment.amount_fen) +
      R"(,"status":"succeeded","channel_ref":"bench-)" + std::to_string(k) + R"("})";
  auto request = json_post("/v1/payments/callbacks/sandbox", body);
  request.set("x-huicai-signature", sandbox_signature(body));
  payment.sent = Clock::now();
  const auto reply = co_await exchange(*connection, std::move(request));
  callback_.add(ms_between(payment.sent, Clock::now()));
  payment.answered = true;
  ++answered_;
  if (!reply.error && reply.status == 200 &&
      reply.body.find(R"("outcome":"paid")") != std::string::npos) {
    payment.paid = true;
    ++paid_;
  } else if (++refused_ <= 3) {
    std::cerr << "callback " << k << ": "
              << (reply.error ? reply.error.message()
                              : std::to_string(reply.status) + " " + reply.body)
              << "\n";
  }
  if (!reply.error && reply.keep_alive) idle_.push_back(std::move(connection));
}

asio::awaitable<void> FeedBench::main() {
  // Open the subscribers, 64 handshakes at a time.
  for (std::size_t i = 0; i < run_.subscribers; ++i) {
    auto subscriber = std::make_unique<Subscriber>(io_.get_executor());
    subscriber->slow = i < run_.slow;
    co_await wait_until([this] { return opening_ < 64; }, std::chrono::hours(1));
    ++opening_;
    asio::co_spawn(io_, open(*subscriber), asio::detached);
    subscribers_.push_back(std::move(subscriber));
  }
  co_await wait_until([this] { return snapshots_ + open_failed_ == run_.subscribers; },
                      std::chrono::seconds(120));
  std::cerr << opened_ << " subscribers open, " << snapshots_ << " snapshots, " << open_failed_
            << " failed; sending " << payments_.size() << " callbacks at " << run_.rate << "/s\n";

  const auto started = Clock::now();
  co_await paced(run_.rate, payments_.size(),
                 [this](std::size_t k) { asio::co_spawn(io_, send_callback(k), asio::detached); });
  co_await wait_until([this] { return answered_ == payments_.size(); }, std::chrono::seconds(60));
  const double send_seconds = ms_between(started, Clock::now()) / 1000.0;
  // Every reading subscriber has seen every paid callback, or the drain time is up.
  co_await wait_until(
      [this] {
        for (const auto& subscriber : subscribers_) {
          if (subscriber->open && !subscriber->slow && !subscriber->closed &&
              subscriber->seen_total < paid_) {
            return false;
          }
        }
        return true;
      },
      std::chrono::milliseconds(static_cast<std::int64_t>(run_.drain_seconds * 1000)));
  for (auto& subscriber : subscribers_) {
    if (subscriber->slow && subscriber->open) {
      asio::co_spawn(io_, drain_slow(*subscriber), asio::detached);
    }
  }
  co_await wait_until(
      [this] {
        std::size_t slow_open = 0;
        for (const auto& subscriber : subscribers_)
          slow_open += subscriber->slow && subscriber->open;
        return slow_drained_ == slow_open;
      },
      std::chrono::seconds(10));
  report(send_seconds);
  for (auto& subscriber : subscribers_) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(subscriber->socket).socket().close(ignored);
  }
  for (auto& connection : idle_) connection->socket().close();
}

void FeedBench::report(double send_seconds) {
  std::size_t reading = 0, closed = 0, missing = 0;
  std::uint64_t frames = 0, bytes = 0, coalesced = 0;
  for (const auto& subscriber : subscribers_) {
    if (!subscriber->open || subscriber->slow) continue;
    ++reading;
    closed += subscriber->closed;
    frames += subscriber->frames;
    bytes += subscriber->bytes;
    coalesced += subscriber->coalesced;
    // Paid callbacks this subscriber never saw reflected.
    for (std::size_t s = 0; s < plan_.size(); ++s) {
      for (auto j = subscriber->seen.empty() ? 0 : subscriber->seen[s]; j < plan_[s].size(); ++j) {
        missing += payments_[plan_[s][j]].paid;
      }
    }
  }
  const double per_subscriber = reading ? static_cast<double>(frames) / reading : 0;
  std::printf(
      "{\"subscribers\":%zu,\"reading\":%zu,\"slow\":%zu,\"open_failed\":%zu,\"callbacks\":%zu,"
      "\"paid\":%zu,\"refused\":%zu,\"send_seconds\":%.2f,\"callbacks_per_second\":%.1f,"
      "\"samples\":%zu,\"missing\":%zu,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,"
      "\"p999_ms\":%.2f,\"max_ms\":%.2f,\"callback_p50_ms\":%.2f,\"callback_p99_ms\":%.2f,"
      "\"frames_per_subscriber\":%.1f,\"frames_per_second\":%.2f,\"mean_frame_bytes\":%.0f,"
      "\"coalesced_updates\":%llu,\"reading_closed\":%zu,\"slow_dropped\":%zu}\n",
      run_.subscribers, reading, run_.slow, open_failed_, payments_.size(), paid_, refused_,
      send_seconds, paid_ / send_seconds, latency_.size(), missing, latency_.percentile(0.50),
      latency_.percentile(0.90), latency_.percentile(0.99), latency_.percentile(0.999),
      latency_.max(), callback_.percentile(0.50), callback_.percentile(0.99), per_subscriber,
      per_subscriber / send_seconds, frames ? static_cast<double>(bytes) / frames : 0.0,
      static_cast<unsigned long long>(coalesced), closed, slow_dropped_);
}

}  // namespace

int feed(const FeedRun& run) {
  return run_phase<FeedBench>(run);
}

}  // namespace huicai::bench

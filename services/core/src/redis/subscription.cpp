// Redis pub/sub on a plain Asio socket (huicai/core/redis/subscription.hpp). hiredis's reply
// reader parses RESP; nothing else of hiredis is needed for one long-lived read loop, and an
// Asio socket gives timeouts and cancellation directly.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/redis/subscription.hpp>
#include <memory>
#include <stdexcept>

#include "redis/reply_copy.hpp"

namespace huicai::redis {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string resp_command(const std::vector<std::string>& arguments) {
  std::string text = "*" + std::to_string(arguments.size()) + "\r\n";
  for (const auto& argument : arguments) {
    text += "$" + std::to_string(argument.size()) + "\r\n" + argument + "\r\n";
  }
  return text;
}

struct ReaderDeleter {
  void operator()(redisReader* reader) const { redisReaderFree(reader); }
};

// One connection's life: connect, sign in, subscribe, read messages until an error. Returns
// the reason it ended; throws only on cancellation.
asio::awaitable<std::string> subscribe_once(const ClientOptions& options,
                                            const std::string& channel,
                                            SubscriptionHandlers& handlers, bool& subscribed) {
  auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  asio::steady_timer connect_timer(executor);
  boost::system::error_code address_error;
  const auto address = asio::ip::make_address(options.host, address_error);
  if (address_error) co_return "not an IP address: " + options.host;
  connect_timer.expires_after(options.connect_timeout);
  connect_timer.async_wait([&socket](boost::system::error_code error) {
    if (!error) socket.close();
  });
  auto [connect_error] = co_await socket.async_connect(tcp::endpoint(address, options.port),
                                                       asio::as_tuple(asio::use_awaitable));
  if (connect_error) co_return "connect: " + connect_error.message();

  std::string hello;
  if (!options.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!options.user.empty()) auth.push_back(options.user);
    auth.push_back(options.password);
    hello += resp_command(auth);
  }
  hello += resp_command({"SUBSCRIBE", channel});
  auto [write_error, written] =
      co_await asio::async_write(socket, asio::buffer(hello), asio::as_tuple(asio::use_awaitable));
  (void)written;
  if (write_error) co_return "write: " + write_error.message();

  std::unique_ptr<redisReader, ReaderDeleter> reader(redisReaderCreate());
  if (!reader) co_return "cannot allocate a reply reader";
  bool signed_in = options.password.empty();
  char buffer[16 * 1024];
  for (;;) {
    // Until subscribed, the sign-in is under the connect timeout; after it a quiet channel is
    // normal and the connection waits as long as it takes.
    if (subscribed) connect_timer.cancel();
    auto [read_error, count] =
        co_await socket.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (read_error) co_return "read: " + read_error.message();
    if (redisReaderFeed(reader.get(), buffer, count) != REDIS_OK) co_return "protocol error";
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) co_return "protocol error";
      if (raw == nullptr) break;
      const auto reply = copy_reply(*static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      if (reply.is_error()) co_return "server: " + reply.text;
      if (!signed_in) {
        signed_in = true;  // +OK of AUTH
        continue;
      }
      if (reply.type != Reply::Type::array || reply.elements.size() != 3) continue;
      const auto& kind = reply.elements[0].text;
      if (kind == "subscribe") {
        subscribed = true;
        connect_timer.cancel();
        if (handlers.on_subscribed) handlers.on_subscribed();
      } else if (kind == "message") {
        handlers.on_message(reply.elements[2].text);
      }
    }
  }
}

}  // namespace

asio::awaitable<void> run_subscription(ClientOptions options, std::string channel,
                                       SubscriptionHandlers handlers) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer backoff_timer(executor);
  auto backoff = options.reconnect_min_delay;
  bool outage_logged = false;
  for (;;) {
    bool subscribed = false;
    const auto reason = co_await subscribe_once(options, channel, handlers, subscribed);
    if (subscribed) {
      backoff = options.reconnect_min_delay;
      outage_logged = false;
    }
    if (!outage_logged) {
      log::warn("redis subscription lost",
                {{"channel", channel}, {"reason", reason}, {"retry_ms", backoff.count()}});
      outage_logged = true;
    }
    backoff_timer.expires_after(backoff);
    co_await backoff_timer.async_wait(asio::use_awaitable);  // throws when cancelled: the end
    backoff = std::min(backoff * 2, options.reconnect_max_delay);
  }
}

}  // namespace huicai::redis

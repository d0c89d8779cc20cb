#pragma once
// An asynchronous Redis client: hiredis 0.14 async wired into Asio, awaitable commands with a
// deadline each, reconnect with backoff, clean shutdown. One hiredis context, used only on the
// client's strand. Replies are copied out of hiredis inside its callback.
//
//   auto reply = co_await redis.command({"INCRBY", key, "5"});
//   if (!reply) ...  // reply.error(): not_connected, timeout, shutting_down
//   if (reply->is_error()) ...  // the server answered -ERR

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace huicai::redis {

struct Reply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  std::string text;  // status, error and string replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
  bool is_nil() const { return type == Type::nil; }
};

enum class Error {
  not_connected = 1,  // no connection now (reconnecting in the background)
  timeout,            // no answer within the deadline; the connection is reset
  shutting_down,
  protocol,  // hiredis reported an error on the connection
};
const boost::system::error_category& redis_category() noexcept;
boost::system::error_code make_error_code(Error error) noexcept;

struct ClientOptions {
  std::string host = "127.0.0.1";  // an IP address: hiredis resolves names blocking
  std::uint16_t port = 16379;
  // Sent as AUTH [user] password on every (re)connect before anything else; no AUTH when the
  // password is empty. An empty user is the default user (requirepass).
  std::string user;
  std::string password;
  std::uint16_t database = 0;  // SELECTed on every (re)connect before commands flow
  std::chrono::milliseconds command_timeout{1'000};
  std::chrono::milliseconds connect_timeout{1'000};
  std::chrono::milliseconds reconnect_min_delay{100};
  std::chrono::milliseconds reconnect_max_delay{3'000};
};

struct ClientStats {
  bool connected = false;
  std::uint64_t commands = 0;
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t reconnects = 0;
  std::size_t pending = 0;
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();  // connects in the background; commands before that fail with not_connected
  boost::asio::awaitable<void> stop();

  // A deadline of nullopt uses options.command_timeout (pass a longer one for XREAD BLOCK).
  boost::asio::awaitable<boost::system::result<Reply>> command(
      std::vector<std::string> arguments,
      std::optional<std::chrono::milliseconds> deadline = std::nullopt);
  // Sends the commands back to back (one round trip) and returns each reply, in order. One
  // deadline covers the whole batch; a transport error fails every reply not yet received.
  boost::asio::awaitable<std::vector<boost::system::result<Reply>>> pipeline(
      std::vector<std::vector<std::string>> commands,
      std::optional<std::chrono::milliseconds> deadline = std::nullopt);
  // Same as command(), but a transport error becomes huicai::ServiceUnavailable("redis", ...).
  boost::asio::awaitable<Reply> command_or_throw(
      std::vector<std::string> arguments,
      std::optional<std::chrono::milliseconds> deadline = std::nullopt);

  bool connected() const;
  ClientStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace huicai::redis

template <>
struct boost::system::is_error_code_enum<huicai::redis::Error> : std::true_type {};

// The Redis client: one hiredis 0.14 async context at a time, driven on one strand.
//
// Lifecycle of a connection:
//   connect()  redisAsyncConnect(ip, port) (non-blocking; an IP so no blocking DNS lookup),
//              attach the SocketWatcher, arm the connect timer.
//   on_connect OK -> AUTH [user] password when a password is configured, then SELECT
//              options.database when it is not 0, then connected and commands flow. Commands
//              that arrive during this handshake are held (within their own deadline) and sent
//              after it: sent behind it unchecked, they would run unauthenticated (refused) or
//              land in database 0. An error reply resets the connection (and retries later);
//              a connect error -> hiredis frees the context.
//   any loss   hiredis frees the context and calls the watcher's cleanup -> context_gone():
//              pending commands have already been failed (hiredis calls their callbacks with a
//              NULL reply first), a reconnect is scheduled with exponential backoff.
//
// Commands: every batch (a single command is a batch of one) has a timer, because hiredis 0.14
// has no timeouts of its own. When it fires the batch fails with Error::timeout and the
// connection is reset: the late reply would otherwise be matched to the next command.
#include <hiredis/async.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/redis/client.hpp>
#include <optional>

#include "redis/reply_copy.hpp"
#include "redis/socket_watcher.hpp"

namespace huicai::redis {

namespace asio = boost::asio;
using Replies = std::vector<boost::system::result<Reply>>;
using Commands = std::vector<std::vector<std::string>>;
using BatchHandler = asio::any_completion_handler<void(Replies)>;

namespace {

// Commands sent together, completed together (when the last reply arrives, on the deadline,
// on cancellation or when the connection is lost).
struct PendingBatch {
  PendingBatch(asio::any_io_executor strand, std::size_t size, BatchHandler deliver)
      : timer(std::move(strand)), replies(size), deliver(std::move(deliver)) {}
  asio::steady_timer timer;
  std::vector<std::optional<boost::system::result<Reply>>> replies;
  std::size_t outstanding = 0;  // sent to hiredis, no callback yet
  bool finished = false;
  BatchHandler deliver;  // hands the replies to the caller's executor
  asio::cancellation_slot cancellation;
};

// A batch that arrived while the connection was still in its handshake (AUTH, SELECT).
struct HeldBatch {
  std::shared_ptr<PendingBatch> batch;
  Commands commands;
  std::chrono::steady_clock::time_point deadline;
};

// What hiredis carries as privdata for one command of a batch.
struct CallbackToken {
  std::shared_ptr<PendingBatch> batch;
  std::size_t index;
};

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(asio::any_io_executor executor, ClientOptions options)
      : strand(asio::make_strand(executor)),
        options(std::move(options)),
        connect_timer(strand),
        reconnect_timer(strand),
        backoff(this->options.reconnect_min_delay) {}

  ~Impl() {
    // Only reached when stop() was never run, or the io_context stopped before the posted
    // shutdown ran. Nothing may be posted any more: detach our hooks and free the context.
    destroying = true;
    if (context != nullptr) {
      redisAsyncContext* doomed = context;
      context = nullptr;
      redisAsyncFree(doomed);
    }
  }

  asio::strand<asio::any_io_executor> strand;
  const ClientOptions options;
  asio::steady_timer connect_timer;
  asio::steady_timer reconnect_timer;
  std::chrono::milliseconds backoff;

  // Strand-only state.
  redisAsyncContext* context = nullptr;
  bool context_connected = false;  // the current context finished its handshake
  bool handshaking = false;        // the current context waits for its AUTH or SELECT reply
  std::vector<HeldBatch> held;     // batches waiting for that reply
  bool stopping = false;
  bool destroying = false;
  bool reconnect_scheduled = false;
  bool ever_connected = false;
  bool failure_logged = false;   // one log line per outage, not one per attempt
  bool reset_requested = false;  // we dropped a healthy connection: reconnect without delay

  // Readable from any thread.
  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> commands{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::size_t> pending{0};

  // ------------------------------------------------------------------ connection

  void connect() {
    reconnect_scheduled = false;
    if (stopping || context != nullptr) return;
    redisAsyncContext* fresh = redisAsyncConnect(options.host.c_str(), options.port);
    if (fresh == nullptr) {
      connect_failed("cannot allocate a hiredis context");
      return;
    }
    if (fresh->err != 0) {
      std::string reason = fresh->c.errstr;
      redisAsyncFree(fresh);  // no hooks attached yet: nothing calls back
      connect_failed(reason);
      return;
    }
    std::weak_ptr<Impl> weak_self = shared_from_this();
    try {
      SocketWatcher::attach(fresh, strand, [weak_self, fresh] {
        if (auto self = weak_self.lock()) self->context_gone(fresh);
      });
    } catch (const std::exception& error) {
      redisAsyncFree(fresh);
      connect_failed(error.what());
      return;
    }
    context = fresh;
    context_connected = false;
    fresh->data = this;
    redisAsyncSetDisconnectCallback(fresh, &Impl::on_disconnect);
    // Also asks the watcher for writability: the first writable event completes connect(2).
    redisAsyncSetConnectCallback(fresh, &Impl::on_connect);

    connect_timer.expires_after(options.connect_timeout);
    connect_timer.async_wait([self = shared_from_this(), fresh](boost::system::error_code error) {
      if (error || self->context != fresh || self->context_connected) return;
      self->log_failure("connect timed out");
      self->reset_connection();
    });
  }

  static void on_connect(const redisAsyncContext* raw, int status) {
    auto* self = static_cast<Impl*>(raw->data);
    if (self == nullptr || self->destroying) return;
    if (status != REDIS_OK) {
      // hiredis frees the context after this returns; context_gone() schedules the retry.
      // (raw->errstr is only set later: read the inner context's buffer.)
      self->log_failure(raw->c.errstr);
      return;
    }
    if (self->context != raw) return;
    // Still within the connect timeout: an AUTH or SELECT that never answers resets the
    // connection.
    self->handshaking = true;
    if (!self->options.password.empty()) {
      self->authenticate();
    } else {
      self->select_database();
    }
  }

  // Sends one handshake command; `then` receives its reply. When it cannot be sent, the
  // connection is reset (and retried).
  void send_handshake(const std::vector<std::string>& arguments, redisCallbackFn* then,
                      const char* what) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& argument : arguments) {
      argv.push_back(argument.data());
      lengths.push_back(argument.size());
    }
    if (redisAsyncCommandArgv(context, then, nullptr, static_cast<int>(argv.size()), argv.data(),
                              lengths.data()) != REDIS_OK) {
      log_failure(std::string("cannot send ") + what);
      reset_later(context);
    }
  }

  // AUTH before anything else: with an ACL user ("AUTH user password", Redis 6+), or the
  // default user's requirepass ("AUTH password").
  void authenticate() {
    std::vector<std::string> arguments{"AUTH"};
    if (!options.user.empty()) arguments.push_back(options.user);
    arguments.push_back(options.password);
    send_handshake(arguments, &Impl::on_auth, "AUTH");
  }

  void select_database() {
    if (options.database == 0) return handshake_done();
    send_handshake({"SELECT", std::to_string(options.database)}, &Impl::on_select, "SELECT");
  }

  // Checks the handshake reply `reply` of `raw`: the client when it is a status (OK) for the
  // current connection. Otherwise null: an error reply is logged as `what` failing and resets
  // the connection; no reply means the connection is going away (context_gone() retries).
  static Impl* handshake_step_ok(redisAsyncContext* raw, void* reply, const std::string& what) {
    auto* self = static_cast<Impl*>(raw->data);
    if (self == nullptr || self->destroying || reply == nullptr || self->context != raw) {
      return nullptr;
    }
    const auto& answer = *static_cast<redisReply*>(reply);
    if (answer.type == REDIS_REPLY_STATUS) return self;
    // The reply text never holds the password (Redis answers WRONGPASS/NOAUTH/NOPERM).
    const std::string reason =
        answer.type == REDIS_REPLY_ERROR ? std::string(answer.str, answer.len) : "bad reply";
    self->log_failure(what + ": " + reason);
    self->reset_later(raw);
    return nullptr;
  }

  static void on_auth(redisAsyncContext* raw, void* reply, void* /*privdata*/) {
    if (auto* self = handshake_step_ok(raw, reply, "AUTH")) self->select_database();
  }

  static void on_select(redisAsyncContext* raw, void* reply, void* /*privdata*/) {
    if (auto* self = handshake_step_ok(raw, reply, "SELECT")) self->handshake_done();
  }

  // hiredis must not free a context from inside one of its callbacks: reset from the strand.
  void reset_later(redisAsyncContext* which) {
    asio::post(strand, [self = shared_from_this(), which] {
      if (self->context == which) self->reset_connection();
    });
  }

  // The connection is ready for commands.
  void handshake_done() {
    connect_timer.cancel();
    handshaking = false;
    context_connected = true;
    connected = true;
    backoff = options.reconnect_min_delay;
    if (ever_connected) ++reconnects;
    ever_connected = true;
    if (failure_logged) {
      log::info("redis reconnected", {{"host", options.host}, {"port", options.port}});
    }
    failure_logged = false;
    auto waiting = std::move(held);
    held.clear();
    const auto now = std::chrono::steady_clock::now();
    for (auto& entry : waiting) {
      if (entry.batch->finished) continue;  // timed out or cancelled while held
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(entry.deadline - now);
      send(entry.batch, entry.commands, std::max(left, std::chrono::milliseconds{1}));
    }
  }

  // Fails every held batch: their connection is gone before it could be used.
  void fail_held(Error error) {
    handshaking = false;
    auto waiting = std::move(held);
    held.clear();
    for (auto& entry : waiting) finish(entry.batch, error);
  }

  static void on_disconnect(const redisAsyncContext* raw, int status) {
    auto* self = static_cast<Impl*>(raw->data);
    if (self == nullptr || self->destroying || self->stopping || status == REDIS_OK) return;
    self->log_failure(raw->c.errstr);
  }

  // Runs inside hiredis's cleanup hook: the context is being freed. Pending callbacks have
  // already run with NULL replies.
  void context_gone(redisAsyncContext* gone) {
    if (context != gone) return;
    context = nullptr;
    context_connected = false;
    connected = false;
    connect_timer.cancel();
    if (destroying) return;  // nothing may be posted any more (held handlers are dropped)
    fail_held(stopping ? Error::shutting_down : Error::not_connected);
    if (stopping) return;
    if (reset_requested) {
      reset_requested = false;
      schedule_reconnect(std::chrono::milliseconds{0});
    } else {
      schedule_reconnect(next_backoff());
    }
  }

  void connect_failed(const std::string& reason) {
    log_failure(reason);
    schedule_reconnect(next_backoff());
  }

  // The delay before the next attempt; doubles per failed attempt up to the maximum.
  std::chrono::milliseconds next_backoff() {
    auto delay = backoff;
    backoff = std::min(backoff * 2, options.reconnect_max_delay);
    return delay;
  }

  void log_failure(const std::string& reason) {
    if (failure_logged || stopping) return;
    failure_logged = true;
    log::warn("redis unavailable", {{"host", options.host},
                                    {"port", options.port},
                                    {"reason", reason},
                                    {"retry_ms", backoff.count()}});
  }

  void schedule_reconnect(std::chrono::milliseconds delay) {
    if (reconnect_scheduled || stopping) return;
    reconnect_scheduled = true;
    reconnect_timer.expires_after(delay);
    reconnect_timer.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (error) {
        self->reconnect_scheduled = false;
        return;
      }
      self->connect();
    });
  }

  // Drops the current context (e.g. after a command timeout): every command in flight fails,
  // a fresh connection follows.
  void reset_connection() {
    if (context == nullptr) return;
    // A deliberate reset of a healthy connection should come back at once, not after a backoff.
    reset_requested = context_connected;
    redisAsyncFree(context);  // calls back: NULL replies, then cleanup -> context_gone()
  }

  void shutdown() {
    if (stopping) return;
    stopping = true;
    connected = false;
    connect_timer.cancel();
    reconnect_timer.cancel();
    if (context != nullptr) {
      redisAsyncContext* doomed = context;
      redisAsyncFree(doomed);  // pending commands fail with shutting_down
      context = nullptr;
    }
  }

  // ------------------------------------------------------------------ commands

  void submit(const std::shared_ptr<PendingBatch>& batch, const Commands& batch_commands,
              std::chrono::milliseconds deadline) {
    if (batch->finished) return;  // cancelled before it reached the strand
    commands += batch_commands.size();
    if (stopping) return finish(batch, Error::shutting_down);
    if (context != nullptr && handshaking) return hold(batch, batch_commands, deadline);
    if (context == nullptr || !context_connected) return finish(batch, Error::not_connected);
    send(batch, batch_commands, deadline);
  }

  void hold(const std::shared_ptr<PendingBatch>& batch, const Commands& batch_commands,
            std::chrono::milliseconds deadline) {
    held.push_back({batch, batch_commands, std::chrono::steady_clock::now() + deadline});
    batch->timer.expires_after(deadline);
    batch->timer.async_wait([self = shared_from_this(), batch](boost::system::error_code error) {
      if (error || batch->finished) return;
      self->timeouts += 1;
      self->finish(batch, Error::timeout);  // nothing was sent: the connection stays
    });
  }

  // Hands the batch to hiredis on a connection that is ready for commands.
  void send(const std::shared_ptr<PendingBatch>& batch, const Commands& batch_commands,
            std::chrono::milliseconds deadline) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (std::size_t index = 0; index < batch_commands.size(); ++index) {
      const auto& arguments = batch_commands[index];
      argv.clear();
      lengths.clear();
      for (const auto& argument : arguments) {
        argv.push_back(argument.data());
        lengths.push_back(argument.size());
      }
      auto* token = new CallbackToken{batch, index};
      if (redisAsyncCommandArgv(context, &Impl::on_reply, token, static_cast<int>(argv.size()),
                                argv.data(), lengths.data()) != REDIS_OK) {
        delete token;
        batch->replies[index] = make_error_code(Error::not_connected);
        continue;
      }
      ++batch->outstanding;
      ++pending;
    }
    if (batch->outstanding == 0) return finish(batch, Error::not_connected);

    batch->timer.expires_after(deadline);
    batch->timer.async_wait([self = shared_from_this(), batch](boost::system::error_code error) {
      if (error || batch->finished) return;
      self->timeouts += 1;
      self->finish(batch, Error::timeout);
      // The reply may still come: with hiredis's in-order matching it would be taken as the
      // answer to the next command. Start over on a fresh connection.
      self->reset_connection();
    });
  }

  static void on_reply(redisAsyncContext* raw, void* reply, void* privdata) {
    std::unique_ptr<CallbackToken> token(static_cast<CallbackToken*>(privdata));
    auto* self = static_cast<Impl*>(raw->data);
    if (self == nullptr || self->destroying) return;
    --self->pending;
    auto& batch = token->batch;
    if (batch->finished) return;
    --batch->outstanding;
    if (reply == nullptr) {
      // The connection is going away (lost, reset or stopping).
      Error error = self->stopping                   ? Error::shutting_down
                    : raw->err == REDIS_ERR_PROTOCOL ? Error::protocol
                                                     : Error::not_connected;
      batch->replies[token->index] = make_error_code(error);
    } else {
      batch->replies[token->index] = copy_reply(*static_cast<redisReply*>(reply));
    }
    if (batch->outstanding == 0) self->complete(batch);
  }

  // Fills every reply still missing with `error` and completes the batch.
  void finish(const std::shared_ptr<PendingBatch>& batch, boost::system::error_code error) {
    if (batch->finished) return;
    for (auto& reply : batch->replies) {
      if (!reply) reply = error;
    }
    complete(batch);
  }
  void finish(const std::shared_ptr<PendingBatch>& batch, Error error) {
    finish(batch, make_error_code(error));
  }

  void complete(const std::shared_ptr<PendingBatch>& batch) {
    if (batch->finished) return;
    batch->finished = true;
    batch->timer.cancel();
    if (batch->cancellation.is_connected()) batch->cancellation.clear();
    Replies replies;
    replies.reserve(batch->replies.size());
    for (auto& reply : batch->replies) {
      if (!reply) reply = make_error_code(Error::not_connected);
      if (!*reply) ++errors;
      replies.push_back(std::move(*reply));
    }
    // `deliver` posts to the caller's executor: never resumed inline inside a hiredis callback.
    auto deliver = std::move(batch->deliver);
    std::move(deliver)(std::move(replies));
  }

  // Any thread: packages the caller's completion handler and hands the batch to the strand.
  void initiate(BatchHandler deliver, asio::cancellation_slot cancellation, Commands batch_commands,
                std::chrono::milliseconds deadline) {
    auto batch = std::make_shared<PendingBatch>(strand, batch_commands.size(), std::move(deliver));
    if (batch_commands.empty()) {
      asio::dispatch(strand, [self = shared_from_this(), batch] { self->complete(batch); });
      return;
    }
    batch->cancellation = cancellation;
    if (batch->cancellation.is_connected()) {
      std::weak_ptr<PendingBatch> weak_batch = batch;
      batch->cancellation.assign([self = shared_from_this(), weak_batch](asio::cancellation_type) {
        asio::dispatch(self->strand, [self, weak_batch] {
          auto cancelled = weak_batch.lock();
          if (!cancelled || cancelled->finished) return;
          // The commands may still be executed by Redis; their replies are ignored.
          self->finish(cancelled, make_error_code(asio::error::operation_aborted));
        });
      });
    }
    asio::dispatch(strand,
                   [self = shared_from_this(), batch, batch_commands = std::move(batch_commands),
                    deadline] { self->submit(batch, batch_commands, deadline); });
  }

  // Hands a batch to the strand once the awaiting coroutine has suspended.
  struct Initiation {
    std::shared_ptr<Impl> impl;
    std::chrono::milliseconds deadline;
    template <class Handler>
    void operator()(Handler handler, Commands commands) const {
      // Capture where the caller wants to be resumed while the handler's type is known.
      auto cancellation = asio::get_associated_cancellation_slot(handler);
      auto executor = asio::get_associated_executor(handler, impl->strand);
      BatchHandler deliver([handler = std::move(handler), executor](Replies replies) mutable {
        asio::post(executor,
                   [handler = std::move(handler), replies = std::move(replies)]() mutable {
                     std::move(handler)(std::move(replies));
                   });
      });
      impl->initiate(std::move(deliver), cancellation, std::move(commands), deadline);
    }
  };

  // Starts a batch. Deliberately not a coroutine: GCC 12 destroys lambda temporaries inside a
  // co_await expression twice (seen here as a use-after-free of this Impl), so the initiation is
  // built in a plain function and only the finished awaitable is awaited by the caller.
  static asio::awaitable<Replies> start_batch(std::shared_ptr<Impl> impl, Commands commands,
                                              std::chrono::milliseconds deadline) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Replies)>(
        Initiation{std::move(impl), deadline}, asio::use_awaitable, std::move(commands));
  }

  // Runs shutdown() on the strand and resumes the caller afterwards (not a coroutine either).
  static asio::awaitable<void> shutdown_on_strand(std::shared_ptr<Impl> impl) {
    auto on_strand = impl->strand;
    return asio::co_spawn(on_strand, run_shutdown(std::move(impl)), asio::use_awaitable);
  }
  static asio::awaitable<void> run_shutdown(std::shared_ptr<Impl> impl) {
    impl->shutdown();
    co_return;
  }
};

Client::Client(boost::asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

Client::~Client() {
  // Without a stop() the context would live on: shut down on the strand (if it still runs).
  asio::post(impl_->strand, [impl = impl_] { impl->shutdown(); });
}

void Client::start() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    if (impl->context == nullptr && !impl->reconnect_scheduled) impl->connect();
  });
}

boost::asio::awaitable<void> Client::stop() {
  co_await Impl::shutdown_on_strand(impl_);
}

boost::asio::awaitable<std::vector<boost::system::result<Reply>>> Client::pipeline(
    std::vector<std::vector<std::string>> batch,
    std::optional<std::chrono::milliseconds> deadline) {
  auto limit = deadline.value_or(impl_->options.command_timeout);
  co_return co_await Impl::start_batch(impl_, std::move(batch), limit);
}

boost::asio::awaitable<boost::system::result<Reply>> Client::command(
    std::vector<std::string> arguments, std::optional<std::chrono::milliseconds> deadline) {
  Commands batch;
  batch.push_back(std::move(arguments));
  auto replies = co_await pipeline(std::move(batch), deadline);
  co_return std::move(replies.front());
}

boost::asio::awaitable<Reply> Client::command_or_throw(
    std::vector<std::string> arguments, std::optional<std::chrono::milliseconds> deadline) {
  std::string name = arguments.empty() ? std::string{} : arguments.front();
  auto reply = co_await command(std::move(arguments), deadline);
  if (!reply) throw ServiceUnavailable("redis", name + ": " + reply.error().message());
  co_return std::move(*reply);
}

bool Client::connected() const {
  return impl_->connected;
}

ClientStats Client::stats() const {
  ClientStats stats;
  stats.connected = impl_->connected;
  stats.commands = impl_->commands;
  stats.errors = impl_->errors;
  stats.timeouts = impl_->timeouts;
  stats.reconnects = impl_->reconnects;
  stats.pending = impl_->pending;
  return stats;
}

}  // namespace huicai::redis

#pragma once
// The hiredis <-> Asio event adapter. hiredis 0.14 tells an event library when it wants to read
// or write through five hooks (addRead, delRead, addWrite, delWrite, cleanup); this class
// implements them with a posix::stream_descriptor and async_wait, and calls
// redisAsyncHandleRead / redisAsyncHandleWrite when the socket is ready.
//
// Ownership: hiredis owns the socket. When the context goes away (an error, a closed socket,
// redisAsyncFree) hiredis calls `cleanup` and then closes the fd and frees the context itself,
// so cleanup *releases* the descriptor from Asio instead of closing it. Wait handlers that
// complete afterwards see `context() == nullptr` and do nothing.
//
// Everything here runs on the client's strand: the hooks are only ever called from inside
// hiredis functions that the client calls on that strand.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>

struct redisAsyncContext;

namespace huicai::redis {

class SocketWatcher : public std::enable_shared_from_this<SocketWatcher> {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;

  // Installs the hooks on `context` (which must have no adapter yet). `on_cleanup` runs inside
  // hiredis's cleanup hook, i.e. while hiredis is freeing the context: it must not call back
  // into hiredis. The watcher keeps itself alive until hiredis's cleanup. Throws
  // boost::system::system_error when Asio cannot watch the socket (the context is untouched).
  static std::shared_ptr<SocketWatcher> attach(redisAsyncContext* context, Strand strand,
                                               std::function<void()> on_cleanup);

  SocketWatcher(redisAsyncContext* context, Strand strand, std::function<void()> on_cleanup);

  // Null once hiredis has freed the context.
  redisAsyncContext* context() const { return context_; }

 private:
  static void add_read(void* data);
  static void del_read(void* data);
  static void add_write(void* data);
  static void del_write(void* data);
  static void cleanup(void* data);

  void wait_readable();
  void wait_writable();

  redisAsyncContext* context_;
  boost::asio::posix::stream_descriptor socket_;
  std::function<void()> on_cleanup_;
  // What hiredis wants now, and whether an async_wait is outstanding for it. At most one wait
  // per direction: a wait that completes after hiredis lost interest is simply ignored.
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_wait_outstanding_ = false;
  bool write_wait_outstanding_ = false;
  // Self-reference while attached: hiredis holds only a raw pointer (ev.data).
  std::shared_ptr<SocketWatcher> self_;
};

}  // namespace huicai::redis

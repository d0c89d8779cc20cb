#include "redis/socket_watcher.hpp"

#include <hiredis/async.h>

#include <boost/asio/bind_executor.hpp>

namespace huicai::redis {

namespace asio = boost::asio;

std::shared_ptr<SocketWatcher> SocketWatcher::attach(redisAsyncContext* context, Strand strand,
                                                     std::function<void()> on_cleanup) {
  auto watcher = std::make_shared<SocketWatcher>(context, std::move(strand), std::move(on_cleanup));
  watcher->self_ = watcher;
  context->ev.data = watcher.get();
  context->ev.addRead = &SocketWatcher::add_read;
  context->ev.delRead = &SocketWatcher::del_read;
  context->ev.addWrite = &SocketWatcher::add_write;
  context->ev.delWrite = &SocketWatcher::del_write;
  context->ev.cleanup = &SocketWatcher::cleanup;
  return watcher;
}

SocketWatcher::SocketWatcher(redisAsyncContext* context, Strand strand,
                             std::function<void()> on_cleanup)
    : context_(context), socket_(strand, context->c.fd), on_cleanup_(std::move(on_cleanup)) {}

void SocketWatcher::add_read(void* data) {
  auto* watcher = static_cast<SocketWatcher*>(data);
  watcher->want_read_ = true;
  watcher->wait_readable();
}

void SocketWatcher::del_read(void* data) {
  static_cast<SocketWatcher*>(data)->want_read_ = false;
}

void SocketWatcher::add_write(void* data) {
  auto* watcher = static_cast<SocketWatcher*>(data);
  watcher->want_write_ = true;
  watcher->wait_writable();
}

void SocketWatcher::del_write(void* data) {
  static_cast<SocketWatcher*>(data)->want_write_ = false;
}

void SocketWatcher::cleanup(void* data) {
  auto* watcher = static_cast<SocketWatcher*>(data);
  // Keep this object alive to the end of the hook even if no wait handler holds it.
  auto keep_alive = std::move(watcher->self_);
  // Unhook first: whatever hiredis does with this context from now on must not reach us (the
  // watcher may be gone by then).
  redisAsyncContext* context = watcher->context_;
  if (context != nullptr) {
    context->ev = {};
  }
  watcher->context_ = nullptr;
  watcher->want_read_ = watcher->want_write_ = false;
  // Release, never close: hiredis closes the fd right after this hook returns. release()
  // also cancels the outstanding waits; their handlers find context_ == nullptr.
  watcher->socket_.release();
  if (watcher->on_cleanup_) {
    auto on_cleanup = std::move(watcher->on_cleanup_);
    on_cleanup();
  }
}

void SocketWatcher::wait_readable() {
  if (read_wait_outstanding_ || context_ == nullptr) return;
  read_wait_outstanding_ = true;
  // async_wait on Asio's epoll reactor re-arms the descriptor (EPOLL_CTL_MOD) when no wait is
  // queued, so data hiredis left in the socket buffer is reported again: nothing is missed
  // even though the reactor is edge-triggered.
  socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](boost::system::error_code error) {
                       self->read_wait_outstanding_ = false;
                       if (self->context_ == nullptr) return;  // hiredis freed the context
                       if (error == asio::error::operation_aborted) return;
                       // Any other error or readiness: let hiredis read; it detects a broken
                       // socket itself and frees the context (which calls cleanup).
                       if (self->want_read_) redisAsyncHandleRead(self->context_);
                       if (self->context_ != nullptr && self->want_read_) self->wait_readable();
                     });
}

void SocketWatcher::wait_writable() {
  if (write_wait_outstanding_ || context_ == nullptr) return;
  write_wait_outstanding_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_write,
                     [self = shared_from_this()](boost::system::error_code error) {
                       self->write_wait_outstanding_ = false;
                       if (self->context_ == nullptr) return;
                       if (error == asio::error::operation_aborted) return;
                       if (self->want_write_) redisAsyncHandleWrite(self->context_);
                       if (self->context_ != nullptr && self->want_write_) self->wait_writable();
                     });
}

}  // namespace huicai::redis

#include "http/connection_deadline.hpp"

namespace huicai::http {

ConnectionDeadline::ConnectionDeadline(const boost::asio::any_io_executor& executor,
                                       std::function<void()> on_expired)
    : state_(std::make_shared<State>(executor)) {
  state_->on_expired = std::move(on_expired);
}

ConnectionDeadline::~ConnectionDeadline() {
  state_->cancelled = true;
  state_->timer.cancel();
}

void ConnectionDeadline::expires_after(Clock::duration timeout) {
  state_->deadline = Clock::now() + timeout;
  if (state_->deadline < state_->armed) arm(state_);
}

void ConnectionDeadline::clear() {
  state_->deadline = Clock::time_point::max();
}

bool ConnectionDeadline::expired() const {
  return state_->expired;
}

void ConnectionDeadline::arm(const std::shared_ptr<State>& state) {
  state->armed = state->deadline;
  // Re-arming cancels the wait in progress; its handler sees operation_aborted and returns.
  state->timer.expires_at(state->armed);
  state->timer.async_wait([state](const boost::system::error_code& error) {
    if (error || state->cancelled || state->expired) return;
    if (state->deadline == Clock::time_point::max()) {
      state->armed = state->deadline;  // cleared: the next expires_after arms again
      return;
    }
    if (Clock::now() < state->deadline) {
      arm(state);  // the deadline moved later while we slept
      return;
    }
    state->expired = true;
    state->armed = Clock::time_point::max();
    state->on_expired();
  });
}

}  // namespace huicai::http

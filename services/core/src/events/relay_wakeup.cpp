// Relay wakeups (huicai/core/events/relay_wakeup.hpp). A notice is a message on a concurrent
// channel of capacity one (thread-safe, a full channel drops the notice: one is pending); a wait
// receives from the channel while a timer sends the timeout's message.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/events/relay_wakeup.hpp>
#include <map>
#include <mutex>
#include <vector>

namespace huicai::events {

namespace asio = boost::asio;

struct RelayWakeup::State {
  explicit State(const asio::any_io_executor& executor) : channel(executor, 1), timer(executor) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> channel;
  asio::steady_timer timer;  // touched only by the waiting coroutine
  std::mutex committed_mutex;
  std::vector<CommittedEvent> committed;  // offered, not yet taken
};

RelayWakeup::RelayWakeup(asio::any_io_executor executor)
    : state_(std::make_shared<State>(std::move(executor))) {}

RelayWakeup::~RelayWakeup() {
  state_->timer.cancel();
}

void RelayWakeup::notify() {
  state_->channel.try_send(boost::system::error_code{});
}

void RelayWakeup::offer(CommittedEvent event) {
  {
    std::lock_guard lock(state_->committed_mutex);
    if (state_->committed.size() < kCommittedLimit) state_->committed.push_back(std::move(event));
  }
  notify();
}

std::vector<CommittedEvent> RelayWakeup::take_committed() {
  std::vector<CommittedEvent> taken;
  std::lock_guard lock(state_->committed_mutex);
  taken.swap(state_->committed);
  return taken;
}

asio::awaitable<void> RelayWakeup::wait(std::chrono::milliseconds at_most) {
  auto state = state_;
  state->timer.expires_after(at_most);
  // The timeout is a notice too: a notice that arrives at the same moment may stay in the
  // channel and make the next wait return at once (one extra poll, nothing lost).
  state->timer.async_wait([state](boost::system::error_code error) {
    if (!error) state->channel.try_send(boost::system::error_code{});
  });
  auto [error] = co_await state->channel.async_receive(asio::as_tuple(asio::use_awaitable));
  state->timer.cancel();
  // Nothing closes the channel: an error is the waiting coroutine's cancellation.
  if (error) throw boost::system::system_error(asio::error::operation_aborted);
}

namespace {

struct Watchers {
  std::mutex mutex;
  std::map<std::string, std::vector<std::weak_ptr<RelayWakeup>>> by_table;
};

Watchers& watchers() {
  static Watchers instance;
  return instance;
}

}  // namespace

std::shared_ptr<void> watch_outbox(const std::string& outbox_table,
                                   std::shared_ptr<RelayWakeup> wakeup) {
  auto& all = watchers();
  {
    std::lock_guard lock(all.mutex);
    auto& list = all.by_table[outbox_table];
    std::erase_if(list, [](const auto& weak) { return weak.expired(); });
    list.push_back(wakeup);
  }
  // The handle keeps the wakeup alive; the list holds it weakly, so it leaves with the handle.
  return wakeup;
}

void notify_outbox_committed(const std::string& outbox_table, CommittedEvent event) {
  std::vector<std::shared_ptr<RelayWakeup>> live;
  {
    auto& all = watchers();
    std::lock_guard lock(all.mutex);
    const auto found = all.by_table.find(outbox_table);
    if (found == all.by_table.end()) return;
    for (const auto& weak : found->second) {
      if (auto wakeup = weak.lock()) live.push_back(std::move(wakeup));
    }
  }
  if (live.empty()) return;
  live.front()->offer(std::move(event));
  for (std::size_t i = 1; i < live.size(); ++i) live[i]->notify();
}

}  // namespace huicai::events

// Relay wakeups (huicai/core/events/relay_wakeup.hpp). A notice is a message on a concurrent
// channel of capacity one (thread-safe, a full channel drops the notice: one is pending); a wait
// receives from the channel while a timer sends the timeout's message.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <deque>
#include <huicai/core/events/relay_wakeup.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace huicai::events {

namespace asio = boost::asio;

struct RelayWakeup::State {
  explicit State(const asio::any_io_executor& executor) : channel(executor, 1), timer(executor) {}

  struct Place {
    std::chrono::steady_clock::time_point taken;
    bool resolved = false;
    std::optional<CommittedEvent> event;  // set when committed
  };

  // A ticket's place is resolved: committed with its row, or given up (no row).
  void resolve(std::uint64_t number, std::optional<CommittedEvent> event) {
    {
      std::lock_guard lock(mutex);
      if (number < first_number) {
        // Given up while open too long, and committed after all: its row waits for the poll,
        // which must publish it before anything committed later (the relay polls in id order
        // when told).
        if (event) dropped = true;
      } else if (number - first_number < places.size()) {
        auto& place = places[number - first_number];
        place.resolved = true;
        place.event = std::move(event);
      }
    }
    channel.try_send(boost::system::error_code{});
  }

  asio::experimental::concurrent_channel<void(boost::system::error_code)> channel;
  asio::steady_timer timer;  // touched only by the waiting coroutine
  std::mutex mutex;
  std::deque<Place> places;        // open and resolved, in the order they were taken
  std::uint64_t first_number = 0;  // the number of places.front()
  bool dropped = false;            // a place given up or refused since the last take
};

namespace {

class Ticket final : public OutboxTicket {
 public:
  Ticket(std::shared_ptr<RelayWakeup::State> state, std::uint64_t number)
      : state_(std::move(state)), number_(number) {}
  ~Ticket() override {
    if (!handed_over_) state_->resolve(number_, std::nullopt);
  }
  void committed(CommittedEvent event) override {
    handed_over_ = true;
    state_->resolve(number_, std::move(event));
  }

 private:
  std::shared_ptr<RelayWakeup::State> state_;
  std::uint64_t number_;
  bool handed_over_ = false;
};

}  // namespace

RelayWakeup::RelayWakeup(asio::any_io_executor executor)
    : state_(std::make_shared<State>(std::move(executor))) {}

RelayWakeup::~RelayWakeup() {
  state_->timer.cancel();
}

void RelayWakeup::notify() {
  state_->channel.try_send(boost::system::error_code{});
}

std::shared_ptr<OutboxTicket> RelayWakeup::ticket() {
  std::lock_guard lock(state_->mutex);
  if (state_->places.size() >= kOpenLimit) {
    state_->dropped = true;
    return nullptr;
  }
  state_->places.push_back({std::chrono::steady_clock::now(), false, std::nullopt});
  return std::make_shared<Ticket>(state_, state_->first_number + state_->places.size() - 1);
}

RelayWakeup::Committed RelayWakeup::take_committed() {
  Committed taken;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(state_->mutex);
  auto& places = state_->places;
  while (!places.empty()) {
    auto& front = places.front();
    if (!front.resolved) {
      if (now - front.taken < kOpenWait) break;
      state_->dropped = true;  // open too long: given up, its row is left to the poll
    } else if (front.event) {
      taken.events.push_back(std::move(*front.event));
    }
    places.pop_front();
    ++state_->first_number;
  }
  taken.dropped = std::exchange(state_->dropped, false);
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

std::shared_ptr<OutboxTicket> take_outbox_ticket(const std::string& outbox_table) {
  std::shared_ptr<RelayWakeup> first;
  {
    auto& all = watchers();
    std::lock_guard lock(all.mutex);
    const auto found = all.by_table.find(outbox_table);
    if (found == all.by_table.end()) return nullptr;
    for (const auto& weak : found->second) {
      if ((first = weak.lock())) break;
    }
  }
  return first ? first->ticket() : nullptr;
}

}  // namespace huicai::events

#pragma once
// Order placement in groups: the service's own group commit (docs/adr/0031). Personal orders
// that arrive while earlier groups are being written wait in a queue; whenever fewer than
// HUICAI_ORDER_GROUPS_IN_FLIGHT groups are being written, the queue (up to
// HUICAI_ORDER_GROUP_MAX orders) becomes the next group: ONE transaction with one multi-row
// statement per table for all its orders (place_orders), their Idempotency-Key rows in one
// INSERT, one COMMIT. Under load a group holds many orders, so an order costs MariaDB a fraction
// of the statements, round trips and commits it costs alone; without load a group holds one
// order and nothing waits.
// A group is all or nothing. Any order's refusal (stock short, price changed, a key already
// used), a deadlock beyond the pool's retries or a harvest-batch SKU rolls the whole group back,
// and each of its orders is then placed alone by the caller, which answers refusals and replays
// exactly as an order placed alone always was.

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace huicai::http {
struct Request;
struct Response;
class Idempotency;
}  // namespace huicai::http
namespace huicai::mysql {
class Pool;
}
namespace huicai::metrics {
class Registry;
}

namespace huicai::ordering {

struct PlacementInput;

struct PlacementGroupOptions {
  std::size_t max_orders = 32;  // per group; 1 = every order alone (place() answers nullopt)
  std::size_t in_flight = 2;    // groups being written at once
};

class PlacementBatcher {
 public:
  PlacementBatcher(mysql::Pool& pool, http::Idempotency& idempotency, PlacementGroupOptions options,
                   metrics::Registry* metrics);
  ~PlacementBatcher();

  // Places `input` (may_place_in_group) in the next group under the request's Idempotency-Key
  // (400 without one). The order's 201 when its group was written; nullopt when it was not, and
  // the caller places the order alone.
  boost::asio::awaitable<std::optional<http::Response>> place(const http::Request& request,
                                                              const PlacementInput& input);

 private:
  struct Waiter;
  using Group = std::vector<std::shared_ptr<Waiter>>;

  Group take_group();  // mutex_ held: the next group from the queue
  void start_groups();
  boost::asio::awaitable<void> write_group(Group group);

  mysql::Pool& pool_;
  http::Idempotency& idempotency_;
  PlacementGroupOptions options_;
  metrics::Registry* metrics_;
  std::mutex mutex_;  // guards the queue and the count of groups being written
  std::deque<std::shared_ptr<Waiter>> queue_;
  std::size_t writing_ = 0;
};

}  // namespace huicai::ordering

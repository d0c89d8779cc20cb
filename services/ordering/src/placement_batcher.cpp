#include "placement_batcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <set>
#include <string>

#include "place_order.hpp"

namespace huicai::ordering {

namespace asio = boost::asio;

// One order waiting for its group: what it places and, once its group ended, the 201 (or
// nothing: place it alone). `done` is signalled once, from whichever thread wrote the group.
struct PlacementBatcher::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : executor(executor), done(executor, 1) {}
  asio::any_io_executor executor;  // the request's: groups are started there
  http::IdempotencyClaim claim;
  PlacementInput input;
  std::optional<http::Response> response;
  asio::experimental::concurrent_channel<void(boost::system::error_code)> done;
};

PlacementBatcher::PlacementBatcher(mysql::Pool& pool, http::Idempotency& idempotency,
                                   PlacementGroupOptions options, metrics::Registry* metrics)
    : pool_(pool), idempotency_(idempotency), options_(options), metrics_(metrics) {
  if (metrics_) {
    metrics_->describe("huicai_order_groups_total",
                       "Groups of orders written together, by outcome (written, or placed "
                       "alone after a refusal or conflict)",
                       "counter");
    metrics_->describe("huicai_order_group_orders_total",
                       "Orders that went through a group, by the group's outcome", "counter");
  }
}

PlacementBatcher::~PlacementBatcher() = default;

asio::awaitable<std::optional<http::Response>> PlacementBatcher::place(
    const http::Request& request, const PlacementInput& input) {
  if (options_.max_orders <= 1) co_return std::nullopt;
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  waiter->claim = http::Idempotency::claim_of(request);
  waiter->input = input;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(waiter);
  }
  start_groups();
  co_await waiter->done.async_receive(asio::use_awaitable);
  co_return std::move(waiter->response);
}

PlacementBatcher::Group PlacementBatcher::take_group() {
  // In arrival order; a buyer's second cart order waits for the next group (both would order
  // the same cart: placed apart, the second finds it emptied by the first).
  Group group;
  std::set<std::int64_t> cart_buyers;
  for (auto it = queue_.begin(); it != queue_.end() && group.size() < options_.max_orders;) {
    const auto& input = (*it)->input;
    if (input.remove_from_cart && !cart_buyers.insert(input.buyer_account_id).second) {
      ++it;
      continue;
    }
    group.push_back(std::move(*it));
    it = queue_.erase(it);
  }
  return group;
}

void PlacementBatcher::start_groups() {
  for (;;) {
    Group group;
    {
      std::lock_guard lock(mutex_);
      if (writing_ >= options_.in_flight || queue_.empty()) return;
      group = take_group();
      ++writing_;
    }
    const auto executor = group.front()->executor;
    asio::co_spawn(executor, write_group(std::move(group)), asio::detached);
  }
}

asio::awaitable<void> PlacementBatcher::write_group(Group group) {
  std::optional<std::vector<http::Response>> responses;
  std::string outcome = "written";
  try {
    responses = co_await pool_.transaction(
        [this, &group](mysql::Session& session) {
          std::vector<const PlacementInput*> inputs;
          std::vector<http::IdempotencyClaim> claims;
          for (const auto& waiter : group) {
            inputs.push_back(&waiter->input);
            claims.push_back(waiter->claim);
          }
          std::vector<http::Response> placed;
          for (const auto& order : place_orders(session, inputs)) {
            placed.push_back(placed_order_response(order));
          }
          idempotency_.store_completed(session, claims, placed);
          return placed;
        },
        mysql::Isolation::read_committed);
  } catch (const http::Problem&) {
    outcome = "refused";  // an order's refusal: answered when that order is placed alone
  } catch (const PlaceAlone&) {
    outcome = "place_alone";
  } catch (const std::exception& error) {
    // A key already used, a lock wait, a failure: placed alone, each order meets it again and
    // is answered (or fails) as it would have alone.
    outcome = "conflict";
    log::info("order group placed alone after a conflict",
              {{"orders", std::to_string(group.size())}, {"error", error.what()}});
  }
  if (metrics_) {
    metrics_->increment("huicai_order_groups_total", {{"outcome", outcome}});
    metrics_->increment("huicai_order_group_orders_total", {{"outcome", outcome}},
                        static_cast<double>(group.size()));
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (responses) group[i]->response = std::move((*responses)[i]);
    group[i]->done.try_send(boost::system::error_code{});
  }
  {
    std::lock_guard lock(mutex_);
    --writing_;
  }
  start_groups();
}

}  // namespace huicai::ordering

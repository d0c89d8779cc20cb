#pragma once
// Delivery of the sandbox channel's stored callbacks (ordering_callback_deliveries, written by
// SandboxChannel::confirm in the confirm's transaction). Any number of workers, in any number of
// processes: a worker claims due rows with the shared lease claim (SKIP LOCKED + claimed_by /
// claimed_until), POSTs each signed body to its target_url, marks it delivered on a 2xx answer,
// and otherwise schedules the next attempt (backoff doubling per attempt, capped) or, after the
// row's max_attempts, marks it failed (logged as an error and counted in
// huicai_payment_callback_deliveries_total{outcome="failed"}).
//
// At least once: a worker that dies after the POST and before the mark leaves its lease to run
// out, and another worker posts again. The callback handler applies a channel event once
// (ordering_payment_callbacks), so a second delivery changes nothing.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace huicai::mysql {
class Pool;
}
namespace huicai::metrics {
class Registry;
}

namespace huicai::ordering {

// Wait before the attempt after `failed_attempts` failures (1 -> base, 2 -> 2 x base, ...),
// never more than `maximum`.
std::chrono::milliseconds callback_retry_delay(int failed_attempts, std::chrono::milliseconds base,
                                               std::chrono::milliseconds maximum);

struct DeliveryWorkerOptions {
  std::chrono::milliseconds request_timeout{5'000};
  std::chrono::milliseconds idle_poll{500};
  std::size_t batch_size = 8;
};

struct DeliveryPass {
  std::size_t delivered = 0;
  std::size_t retrying = 0;
  std::size_t failed = 0;
  std::size_t claimed() const { return delivered + retrying + failed; }
};

class CallbackDeliveryWorker {
 public:
  CallbackDeliveryWorker(mysql::Pool& pool, metrics::Registry* metrics,
                         DeliveryWorkerOptions options);
  // Claims one batch of due callbacks and attempts each once.
  boost::asio::awaitable<DeliveryPass> deliver_due();
  // Loops until cancelled.
  boost::asio::awaitable<void> run();
  // Ends the current idle wait early (a callback was just stored). Call on the I/O thread.
  void wake();

 private:
  mysql::Pool& pool_;
  metrics::Registry* metrics_;
  DeliveryWorkerOptions options_;
  std::string claimant_;
  boost::asio::steady_timer* idle_timer_ = nullptr;
  bool woken_ = false;
  bool released_dead_leases_ = false;  // once, by the first pass that reaches MariaDB
};

}  // namespace huicai::ordering

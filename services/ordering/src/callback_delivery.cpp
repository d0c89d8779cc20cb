// The delivery loop: claim (one short transaction) -> POST each claimed callback -> mark it
// (autocommit compare-and-set). Why a lease and not a held row lock: a pool transaction cannot
// await the HTTP call (see core's mysql/leased_claim.hpp and events/README.md).
#include "callback_delivery.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <huicai/core/http/client.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/leased_claim.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <vector>

namespace huicai::ordering {
namespace {

constexpr const char* kDeliveriesMetric = "huicai_payment_callback_deliveries_total";
constexpr const char* kDeliveriesTable = "ordering_callback_deliveries";
constexpr const char* kClaimantPrefix = "ordering-callbacks";

struct DueCallback {
  std::int64_t id = 0;
  std::string channel_event_id;
  std::string target_url;
  std::string body;
  std::string signature;
  int attempts = 0;
  int max_attempts = 1;
  std::chrono::milliseconds backoff{0};
  std::chrono::milliseconds backoff_max{0};
};

std::vector<DueCallback> claim_due(mysql::Session& session, const std::string& claimant,
                                   std::size_t batch_size, std::chrono::milliseconds lease) {
  mysql::LeasedClaim claim;
  claim.table = kDeliveriesTable;
  claim.columns =
      "channel_event_id, target_url, body, signature, attempts, max_attempts, backoff_ms, "
      "backoff_max_ms";
  claim.due = "status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(6)";
  claim.claimant = claimant;
  claim.batch_size = batch_size;
  claim.lease = lease;
  std::vector<DueCallback> due;
  mysql::claim_with_lease(session, claim, [&](sql::ResultSet& row) {
    DueCallback callback;
    callback.id = row.getInt64("id");
    callback.channel_event_id = mysql::get_string(row, "channel_event_id");
    callback.target_url = mysql::get_string(row, "target_url");
    callback.body = mysql::get_string(row, "body");
    callback.signature = mysql::get_string(row, "signature");
    callback.attempts = row.getInt("attempts");
    callback.max_attempts = row.getInt("max_attempts");
    callback.backoff = std::chrono::milliseconds(row.getInt64("backoff_ms"));
    callback.backoff_max = std::chrono::milliseconds(row.getInt64("backoff_max_ms"));
    due.push_back(std::move(callback));
  });
  return due;
}

// Delivered is a fact whoever holds the lease now: only a row still pending changes.
void mark_delivered(mysql::Session& session, std::int64_t id) {
  auto& update = session.prepare(
      "UPDATE ordering_callback_deliveries SET status = 'delivered', attempts = attempts + 1, "
      "delivered_at = UTC_TIMESTAMP(6), last_error = NULL, claimed_by = NULL, "
      "claimed_until = NULL WHERE id = ? AND status = 'pending'");
  mysql::bind(update, id);
  update.executeUpdate();
}

// A failed attempt counts only while we still hold the lease and nobody counted since our
// claim (compare-and-set on claimed_by and attempts).
bool mark_failed_attempt(mysql::Session& session, const DueCallback& callback,
                         const std::string& claimant, const std::string& error, bool give_up,
                         std::chrono::milliseconds retry_after) {
  auto& update = session.prepare(
      "UPDATE ordering_callback_deliveries SET attempts = ?, status = ?, last_error = ?, "
      "next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND, claimed_by = NULL, "
      "claimed_until = NULL WHERE id = ? AND status = 'pending' AND attempts = ? AND "
      "claimed_by = ?");
  mysql::bind(update, callback.attempts + 1, give_up ? "failed" : "pending", error.substr(0, 500),
              static_cast<std::int64_t>(retry_after.count()) * 1000, callback.id, callback.attempts,
              claimant);
  return update.executeUpdate() == 1;
}

http::OutgoingRequest request_for(const DueCallback& callback, std::chrono::milliseconds timeout) {
  http::OutgoingRequest request;
  request.url = callback.target_url;
  request.body = callback.body;
  request.headers.emplace_back("X-Huicai-Signature", callback.signature);
  request.timeout = timeout;
  return request;
}

void count(metrics::Registry* metrics, const char* outcome) {
  if (metrics) metrics->increment(kDeliveriesMetric, {{"outcome", outcome}});
}

void log_attempt_failed(const DueCallback& callback, const std::string& error, bool give_up) {
  boost::json::object fields{{"channel_event_id", callback.channel_event_id},
                             {"target_url", callback.target_url},
                             {"attempt", callback.attempts + 1},
                             {"max_attempts", callback.max_attempts},
                             {"error", error}};
  if (give_up) {
    log::error("payment callback delivery failed for good, giving up", std::move(fields));
  } else {
    log::warn("payment callback delivery failed, will retry", std::move(fields));
  }
}

}  // namespace

std::chrono::milliseconds callback_retry_delay(int failed_attempts, std::chrono::milliseconds base,
                                               std::chrono::milliseconds maximum) {
  if (failed_attempts < 1) failed_attempts = 1;
  auto delay = base;
  for (int i = 1; i < failed_attempts && delay < maximum; ++i) delay *= 2;
  return std::min(delay, maximum);
}

CallbackDeliveryWorker::CallbackDeliveryWorker(mysql::Pool& pool, metrics::Registry* metrics,
                                               DeliveryWorkerOptions options)
    : pool_(pool),
      metrics_(metrics),
      options_(options),
      claimant_(mysql::make_claimant_id(kClaimantPrefix)) {
  if (metrics_) {
    metrics_->describe(kDeliveriesMetric,
                       "Sandbox payment callback delivery attempts by outcome (delivered, "
                       "retrying, failed = given up)",
                       "counter");
  }
}

boost::asio::awaitable<DeliveryPass> CallbackDeliveryWorker::deliver_due() {
  const auto claimant = claimant_;
  const auto batch_size = options_.batch_size;
  // The batch is posted one after another: the lease covers every post timing out, plus slack.
  // A worker that dies holding a claim delays those callbacks by at most this long.
  const auto lease =
      options_.request_timeout * static_cast<int>(batch_size) + std::chrono::milliseconds(5'000);
  if (!released_dead_leases_) {
    // The worker this one replaces (killed on this host) may hold callbacks under a lease of a
    // minute: deliver them now (core's release_leases_of_dead_processes, ADR 0025).
    auto release = [](mysql::Session& session) {
      return mysql::release_leases_of_dead_processes(session, kDeliveriesTable, kClaimantPrefix);
    };
    co_await pool_.transaction(release);
    released_dead_leases_ = true;
  }
  auto claim = [claimant, batch_size, lease](mysql::Session& session) {
    return claim_due(session, claimant, batch_size, lease);
  };
  std::vector<DueCallback> due = co_await pool_.transaction(claim);

  DeliveryPass pass;
  for (const auto& callback : due) {
    std::string error;
    try {
      // Named, not a temporary inside co_await (docs/gcc12-coroutine-temporaries.md).
      auto request = request_for(callback, options_.request_timeout);
      auto response = co_await http::post(std::move(request));
      if (response.status < 200 || response.status > 299) {
        error = "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200);
      }
    } catch (const boost::system::system_error& failure) {
      if (failure.code() == boost::asio::error::operation_aborted) throw;
      error = failure.what();
    } catch (const std::exception& failure) {
      error = failure.what();
    }
    if (error.empty()) {
      const auto id = callback.id;
      auto mark = [id](mysql::Session& session) { mark_delivered(session, id); };
      co_await pool_.run(mark);
      ++pass.delivered;
      count(metrics_, "delivered");
      continue;
    }
    const bool give_up = callback.attempts + 1 >= callback.max_attempts;
    const auto retry_after =
        callback_retry_delay(callback.attempts + 1, callback.backoff, callback.backoff_max);
    auto mark = [&callback, claimant, error, give_up, retry_after](mysql::Session& session) {
      return mark_failed_attempt(session, callback, claimant, error, give_up, retry_after);
    };
    const bool counted = co_await pool_.run(mark);
    if (!counted) continue;  // our lease ran out and another worker owns the row now
    log_attempt_failed(callback, error, give_up);
    if (give_up) {
      ++pass.failed;
      count(metrics_, "failed");
    } else {
      ++pass.retrying;
      count(metrics_, "retrying");
    }
  }
  co_return pass;
}

boost::asio::awaitable<void> CallbackDeliveryWorker::run() {
  // As in core's outbox relay: cancellation (the app stopping) surfaces as operation_aborted
  // from whichever co_await is running; it ends the loop quietly.
  try {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    bool failing = false;
    for (;;) {
      std::chrono::milliseconds wait = options_.idle_poll;
      try {
        const auto pass = co_await deliver_due();
        if (failing) log::info("payment callback delivery working again");
        failing = false;
        // A full batch means more may be due: go on at once.
        if (pass.claimed() >= options_.batch_size) wait = std::chrono::milliseconds(0);
      } catch (const boost::system::system_error& error) {
        if (error.code() == boost::asio::error::operation_aborted) throw;
        if (!failing) log::warn("payment callback delivery cannot run", {{"error", error.what()}});
        failing = true;
      } catch (const std::exception& error) {
        // MySQL down (ServiceUnavailable) and the like: the rows wait in the table.
        if (!failing) log::warn("payment callback delivery cannot run", {{"error", error.what()}});
        failing = true;
      }
      if (wait.count() == 0 || woken_) {
        woken_ = false;
        continue;
      }
      // wake() cancels this wait: that is not the app stopping, which the cancellation state
      // below tells apart.
      timer.expires_after(wait);
      idle_timer_ = &timer;
      boost::system::error_code ignored;
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
      idle_timer_ = nullptr;
      woken_ = false;
      auto state = co_await boost::asio::this_coro::cancellation_state;
      if (state.cancelled() != boost::asio::cancellation_type::none) co_return;
    }
  } catch (const boost::system::system_error& error) {
    idle_timer_ = nullptr;
    if (error.code() != boost::asio::error::operation_aborted) throw;
  }
}

void CallbackDeliveryWorker::wake() {
  woken_ = true;
  if (idle_timer_) idle_timer_->cancel();
}

}  // namespace huicai::ordering

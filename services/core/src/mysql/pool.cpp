#include <cppconn/driver.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <huicai/core/errors.hpp>
#include <huicai/core/mysql/driver.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "mysql/job_runner.hpp"
#include "mysql/pooled_connection.hpp"

namespace huicai::mysql {
namespace {

using Clock = std::chrono::steady_clock;

struct Job {
  std::function<void(Session&)> work;
  bool in_transaction = false;
  Isolation isolation = Isolation::repeatable_read;
  Clock::time_point enqueued;
  // Called exactly once, on whichever thread finishes (or rejects) the job.
  std::function<void(std::exception_ptr)> complete;
};

std::exception_ptr unavailable(const std::string& detail) {
  return std::make_exception_ptr(ServiceUnavailable("mysql", detail));
}

}  // namespace

// How a worker's connection is set up now, so that a job can go to an idle worker whose
// connection needs no SET round trip for it (autocommit on or off, the isolation level).
struct ConnectionMode {
  bool autocommit = true;
  Isolation isolation = Isolation::repeatable_read;

  bool suits(const Job& job) const {
    return job.in_transaction ? !autocommit && isolation == job.isolation : autocommit;
  }
};

// A worker waiting for a job of its own: submit() hands a job straight to one of these.
struct IdleWorker {
  std::condition_variable woken;
  std::optional<Job> assigned;
  ConnectionMode mode;
};

struct Pool::Impl {
  boost::asio::any_io_executor executor;
  PoolOptions options;
  PoolCounters counters;
  ConnectGate gate;
  std::atomic<std::size_t> busy{0};

  mutable std::mutex mutex;
  std::condition_variable queue_changed;  // the expiry watchdog waits here
  std::deque<Job> queue;                  // jobs no idle worker could take, oldest first
  // Idle workers, the one idle for the shortest time last. A job goes to the most recently idle
  // worker whose connection is already set the way the job needs (no SET round trip), else to
  // the most recently idle one: its thread and its MariaDB thread are the likeliest to be warm
  // in cache, and under light load a few connections do all the work.
  std::vector<IdleWorker*> idle;
  bool closing = false;
  std::vector<std::thread> workers;
  std::thread watchdog;

  Impl(boost::asio::any_io_executor executor_in, PoolOptions options_in)
      : executor(std::move(executor_in)), options(std::move(options_in)) {}

  // Hands the job to an idle worker, else queues it, or completes it at once with
  // ServiceUnavailable when the queue is full or the pool is closing: overload answers 503
  // instead of queueing without bound.
  void submit(Job job) {
    {
      std::lock_guard lock(mutex);
      if (!closing && !idle.empty()) {
        auto chosen = idle.end() - 1;
        for (auto candidate = idle.end(); candidate != idle.begin();) {
          --candidate;
          if ((*candidate)->mode.suits(job)) {
            chosen = candidate;
            break;
          }
        }
        IdleWorker* worker = *chosen;
        idle.erase(chosen);
        worker->assigned = std::move(job);
        worker->woken.notify_one();
        return;
      }
      if (!closing && queue.size() < options.queue_limit) {
        const bool was_empty = queue.empty();
        job.enqueued = Clock::now();
        queue.push_back(std::move(job));
        if (was_empty) queue_changed.notify_one();
        return;
      }
    }
    counters.failures.fetch_add(1, std::memory_order_relaxed);
    job.complete(unavailable(closing ? "pool closed" : "too many queued calls"));
  }

  void work_loop() {
    sql::Driver& driver = initialize_driver();
    driver.threadInit();  // the client library's per-thread state
    {
      PooledConnection connection(options);
      JobRunner runner(options, counters, gate);
      IdleWorker self;
      std::optional<Job> job = next_job(self, ConnectionMode{}, std::nullopt, nullptr);
      while (job) {
        std::exception_ptr error;
        busy.fetch_add(1);
        try {
          runner.run(connection, job->work, job->in_transaction, job->isolation);
        } catch (...) {
          error = std::current_exception();
        }
        busy.fetch_sub(1);
        std::optional<Job> finished = std::move(job);
        job = next_job(self, ConnectionMode{connection.autocommit(), connection.isolation()},
                       std::move(finished), std::move(error));
      }
    }  // the connection closes on this thread, like everything else done with it
    driver.threadEnd();
  }

  // The oldest queued job, else waits idle until submit() hands one over; nothing once the
  // pool closes. `finished` (the job just run) is completed with `error` only once this worker
  // is back among the idle ones, so a caller that submits its next call when the last one
  // returns finds this worker's connection, set up as it left it.
  std::optional<Job> next_job(IdleWorker& self, ConnectionMode mode, std::optional<Job> finished,
                              std::exception_ptr error) {
    std::unique_lock lock(mutex);
    std::optional<Job> job;
    if (!queue.empty()) {
      job = std::move(queue.front());
      queue.pop_front();
    } else if (!closing) {
      self.mode = mode;
      idle.push_back(&self);
    }
    if (finished) {
      lock.unlock();
      // Moved, so the waiting side holds the last reference to the exception.
      finished->complete(std::move(error));
      // Gone before this worker waits: its completion handler holds work on the caller's
      // io_context, which would otherwise never run out of work.
      finished.reset();
      lock.lock();
    }
    if (job) return job;
    self.woken.wait(lock, [&] { return closing || self.assigned.has_value(); });
    if (!self.assigned) {
      std::erase(idle, &self);
      return std::nullopt;
    }
    job = std::move(self.assigned);
    self.assigned.reset();
    return job;
  }

  // Fails calls that waited longer than queue_timeout even while every worker is stuck (for
  // example each in a connect timeout), so nobody waits much past the limit.
  void expire_loop() {
    std::unique_lock lock(mutex);
    while (!closing) {
      if (queue.empty()) {
        queue_changed.wait(lock);
        continue;
      }
      const auto deadline = queue.front().enqueued + options.queue_timeout;
      if (Clock::now() < deadline) {
        queue_changed.wait_until(lock, deadline);
        continue;
      }
      std::vector<Job> expired;
      const auto now = Clock::now();
      while (!queue.empty() && queue.front().enqueued + options.queue_timeout <= now) {
        expired.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      lock.unlock();
      for (auto& job : expired) {
        counters.failures.fetch_add(1, std::memory_order_relaxed);
        job.complete(unavailable("waited longer than " +
                                 std::to_string(options.queue_timeout.count()) +
                                 " ms for a connection"));
      }
      lock.lock();
    }
  }

  void close() {
    std::deque<Job> abandoned;
    {
      std::lock_guard lock(mutex);
      if (closing) return;
      closing = true;
      abandoned.swap(queue);
      for (auto* worker : idle) worker->woken.notify_one();
    }
    queue_changed.notify_all();
    for (auto& job : abandoned) job.complete(unavailable("pool closed"));
    for (auto& worker : workers) {
      if (worker.joinable()) worker.join();
    }
    if (watchdog.joinable()) watchdog.join();
  }
};

Pool::Pool(boost::asio::any_io_executor executor, PoolOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {
  initialize_driver();  // before any pool thread exists: get_driver_instance is not thread-safe
  if (impl_->options.size == 0) impl_->options.size = 1;
  impl_->workers.reserve(impl_->options.size);
  for (std::size_t i = 0; i < impl_->options.size; ++i) {
    impl_->workers.emplace_back([impl = impl_.get()] { impl->work_loop(); });
  }
  impl_->watchdog = std::thread([impl = impl_.get()] { impl->expire_loop(); });
}

Pool::~Pool() {
  close();
}

void Pool::close() {
  impl_->close();
}

boost::asio::awaitable<void> Pool::execute(std::function<void(Session&)> job, bool in_transaction,
                                           Isolation isolation) {
  auto initiate = [impl = impl_.get(), &job, in_transaction, isolation](auto handler) {
    // The result goes back to the awaiting coroutine's executor; tracked work keeps that
    // io_context from running out of work while the job is on a pool thread.
    auto executor =
        boost::asio::prefer(boost::asio::get_associated_executor(handler, impl->executor),
                            boost::asio::execution::outstanding_work.tracked);
    auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
    impl->submit(Job{std::move(job),
                     in_transaction,
                     isolation,
                     {},
                     [shared_handler, executor](std::exception_ptr error) {
                       boost::asio::post(executor, [shared_handler, error]() mutable {
                         (*shared_handler)(error);
                       });
                     }});
  };
  // An exception_ptr as the first completion argument is rethrown by co_await.
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                       void(std::exception_ptr)>(initiate,
                                                                 boost::asio::use_awaitable);
}

void Pool::execute_blocking(std::function<void(Session&)> job, bool in_transaction) {
  // Never call from a pool thread (from inside a job): it would wait for itself.
  // A mutex-guarded slot rather than std::promise: set_exception keeps a copy of the exception
  // on the pool thread until after the waiter woke, and the reference then dropped there is
  // invisible to ThreadSanitizer (libstdc++ is not instrumented). Here the waiter owns it alone.
  struct Outcome {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::exception_ptr error;
  } outcome;
  impl_->submit(Job{std::move(job),
                    in_transaction,
                    Isolation::repeatable_read,
                    {},
                    [&outcome](std::exception_ptr error) {
                      std::lock_guard lock(outcome.mutex);
                      outcome.error = std::move(error);
                      outcome.done = true;
                      outcome.finished.notify_one();
                    }});
  std::unique_lock lock(outcome.mutex);
  outcome.finished.wait(lock, [&] { return outcome.done; });
  if (outcome.error) std::rethrow_exception(std::move(outcome.error));
}

boost::asio::awaitable<bool> Pool::ping() {
  try {
    co_await execute(
        [](Session& session) {
          auto& statement = session.prepare("SELECT 1");
          std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
          rows->next();
        },
        false);
    co_return true;
  } catch (const std::exception&) {
    co_return false;
  }
}

PoolStats Pool::stats() const {
  PoolStats stats;
  stats.size = impl_->options.size;
  stats.busy = impl_->busy.load();
  {
    std::lock_guard lock(impl_->mutex);
    stats.waiting = impl_->queue.size();
  }
  stats.calls = impl_->counters.calls.load();
  stats.transaction_retries = impl_->counters.transaction_retries.load();
  stats.reconnects = impl_->counters.reconnects.load();
  stats.failures = impl_->counters.failures.load();
  return stats;
}

}  // namespace huicai::mysql

#include "parallel_jobs.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <huicai/core/mysql/pool.hpp>
#include <vector>

namespace huicai::settlement {
namespace {

boost::asio::awaitable<void> take_jobs(mysql::Pool& pool, const SessionJobs& jobs,
                                       std::atomic<std::size_t>& next) {
  for (std::size_t job = next++; job < jobs.size(); job = next++) {
    co_await pool.run([&jobs, job](mysql::Session& session) { jobs[job](session); });
  }
}

}  // namespace

void run_at_once(mysql::Pool& pool, std::size_t connections, const SessionJobs& jobs) {
  std::atomic<std::size_t> next{0};
  std::vector<std::future<void>> workers;
  for (std::size_t i = 0; i < std::min(connections, jobs.size()); ++i) {
    workers.push_back(std::async(std::launch::async, [&pool, &jobs, &next] {
      for (std::size_t job = next++; job < jobs.size(); job = next++) pool.run_blocking(jobs[job]);
    }));
  }
  std::exception_ptr failure;
  for (auto& worker : workers) {
    try {
      worker.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

boost::asio::awaitable<void> co_run_at_once(mysql::Pool& pool, std::size_t connections,
                                            const SessionJobs& jobs) {
  if (jobs.empty()) co_return;
  auto executor = co_await boost::asio::this_coro::executor;
  std::atomic<std::size_t> next{0};
  using Spawned =
      decltype(boost::asio::co_spawn(executor, take_jobs(pool, jobs, next), boost::asio::deferred));
  std::vector<Spawned> workers;
  for (std::size_t i = 0; i < std::min(connections, jobs.size()); ++i) {
    workers.push_back(
        boost::asio::co_spawn(executor, take_jobs(pool, jobs, next), boost::asio::deferred));
  }
  auto [order, failures] =
      co_await boost::asio::experimental::make_parallel_group(std::move(workers))
          .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // namespace huicai::settlement

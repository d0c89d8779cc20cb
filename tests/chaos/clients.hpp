#pragma once
// Concurrent clients of a chaos cycle: each a thread with a generator of its own (seeded from the
// run's), repeating Workload::step with a short pause, as people at their screens do, until
// stopped. Faults and bursts are injected by the run's main thread while they go on, so a kill
// always meets requests in flight.

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "workload.hpp"

namespace huicai::chaos {

class Clients {
 public:
  // Starts `count` clients for `cycle`, the i-th seeded with seeds[i].
  Clients(Workload& workload, int cycle, const std::vector<std::uint64_t>& seeds);
  // Stops and joins them.
  ~Clients();
  Clients(const Clients&) = delete;
  Clients& operator=(const Clients&) = delete;

  // Returns once the workload has recorded at least `operations` operations in all (the clients
  // keep going).
  void wait_for_operations(std::size_t operations) const;
  void stop();

 private:
  Workload& workload_;
  std::atomic<bool> stopping_{false};
  std::vector<std::jthread> threads_;
};

}  // namespace huicai::chaos

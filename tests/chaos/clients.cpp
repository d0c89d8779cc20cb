#include "clients.hpp"

#include <chrono>

namespace huicai::chaos {

using namespace std::chrono_literals;

Clients::Clients(Workload& workload, int cycle, const std::vector<std::uint64_t>& seeds)
    : workload_(workload) {
  for (const auto seed : seeds) {
    threads_.emplace_back([this, cycle, seed] {
      Random random(seed);
      while (!stopping_.load()) {
        // A client pauses between actions, longer after a request that got no clear answer.
        const bool unknown = workload_.step(cycle, random);
        std::this_thread::sleep_for(unknown ? 500ms : 50ms);
      }
    });
  }
}

Clients::~Clients() {
  stop();
}

void Clients::wait_for_operations(std::size_t operations) const {
  // Polls the workload's counter: the clients record operations under the workload's lock and
  // the run's main thread only needs to act roughly at that point of the traffic.
  while (workload_.operations() < operations) std::this_thread::sleep_for(10ms);
}

void Clients::stop() {
  stopping_.store(true);
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace huicai::chaos

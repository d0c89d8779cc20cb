#pragma once
// What the workload did, as a client saw it: each operation invoked, then ok (2xx), failed (a
// definite refusal, 4xx) or unknown (no answer, a timeout, 5xx, or "still in progress"). An
// unknown outcome is retried with the same request (and Idempotency-Key) until it gets a definite
// answer; how it resolved is recorded next to it.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace huicai::chaos {

enum class Outcome { ok, failed, unknown };

struct OperationRecord {
  int cycle = 0;
  std::string kind;    // "place_order", "pay", "ship", ...
  std::string target;  // method and path
  std::string idempotency_key;
  Outcome first = Outcome::ok;
  int first_status = 0;    // 0: no answer
  std::string resolution;  // for unknown: "done-once", "not-done", "unresolved"
  int final_status = 0;
  std::chrono::steady_clock::time_point invoked{};
  // For an unknown outcome of a request sent before the cycle's restart: when its retry got the
  // final answer, counted from the restart.
  std::int64_t resolve_ms_after_restart = -1;
};

struct History {
  std::vector<OperationRecord> operations;
  std::map<std::string, int> counts(Outcome outcome) const {
    std::map<std::string, int> result;
    for (const auto& op : operations) {
      if (op.first == outcome) ++result[op.kind];
    }
    return result;
  }
};

}  // namespace huicai::chaos

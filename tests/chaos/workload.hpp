#pragma once
// The workload: realistic mixed traffic through the HTTP API of the running services, from
// several concurrent clients (clients.hpp), every choice drawn from a seeded generator of the
// client making it. Employees order for home and pay through the sandbox channel (whose stored
// callback the channel delivers; the workload delivers it a second time now and then), or
// cancel, or leave the order to expire; unit buyers order against the budget and accept
// deliveries, partly now and then; suppliers ship; buyers receive and ask for refunds, suppliers
// grant them; finance generates statements; anyone browses orders and aid totals. Clients act on
// the same orders at once (two pay, ship or accept one order), as people do. One SKU is hot and
// scarce, and is rushed by every client at the same instant; one order request is sent by every
// client at once under a single Idempotency-Key. Requests have short client timeouts; an unknown
// outcome is retried with the same Idempotency-Key (History). Every member is safe to call from
// any client thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "history.hpp"
#include "processes.hpp"

namespace huicai::chaos {

using Random = std::mt19937_64;

struct Ports {
  std::uint16_t ordering = 0, settlement = 0, aidstats = 0;
};

// Rows the run created for itself (fresh ids per run), and the tokens of its actors.
struct Fixture {
  std::vector<std::int64_t> counties;
  std::map<std::int64_t, std::int64_t> county_of_supplier;
  std::map<std::int64_t, std::int64_t> supplier_of_sku;
  std::vector<std::int64_t> skus;                // ordinary ones
  std::int64_t hot_sku = 0;                      // scarce: most orders for it are refused
  std::map<std::int64_t, std::int64_t> stocked;  // what each SKU was given, once
  struct Buyer {
    std::int64_t account_id = 0;
    bool unit = false;
    std::string token;
  };
  std::vector<Buyer> buyers;
  std::map<std::int64_t, std::string> supplier_tokens;
  std::string finance_token;
  std::string auditor_token;

  std::vector<std::int64_t> suppliers() const {
    std::vector<std::int64_t> out;
    for (const auto& [supplier, county] : county_of_supplier) out.push_back(supplier);
    return out;
  }
};

class Workload {
 public:
  Workload(const Fixture& fixture, Ports ports, History& history);

  // One operation, chosen from what the known orders allow (it may send several requests);
  // true when one of them had an unknown outcome (the client then pauses longer, as people and
  // programs do when a service is failing).
  bool step(int cycle, Random& random);
  // `clients` orders of one unit of the hot SKU each, released at the same instant.
  void rush_hot_sku(int cycle, Random& random, int clients);
  // One order request sent by `clients` threads at the same instant under one Idempotency-Key:
  // at most one order may come of it, and every answer naming an order names that one.
  void same_key_burst(int cycle, Random& random, int clients);
  // Retries every unknown outcome with the same request, from `clients` threads, until it gets
  // a definite answer or `deadline` passes; resolution times of requests sent before
  // `restarted` are measured from it.
  void resolve_unknowns(Clock::time_point restarted, std::chrono::milliseconds deadline,
                        int clients);
  // Places (and cancels) small orders until one succeeds; the time from `since`, or nullopt.
  std::optional<std::chrono::milliseconds> time_until_orders_succeed(
      int cycle, Random& random, Clock::time_point since, std::chrono::milliseconds deadline);

  std::size_t unresolved() const;
  std::size_t operations() const;  // recorded so far
  int in_flight() const { return in_flight_.load(); }
  // Order ids the server acknowledged (placement answered 201, at once or on a retry).
  std::vector<std::int64_t> acknowledged_orders() const;
  // The Idempotency-Key an acknowledged order was placed under ("" when unknown).
  std::string key_of(std::int64_t order_id) const;
  // Idempotency keys under which more than one order was acknowledged (must stay empty).
  std::map<std::string, std::set<std::int64_t>> keys_with_several_orders() const;

 private:
  struct Request {
    std::uint16_t port = 0;
    std::string method, target, body, token, key, signature;
  };
  struct Answer {
    Outcome outcome = Outcome::unknown;
    int status = 0;
    std::string body;
  };
  struct Pending {
    std::size_t record = 0;
    Request request;
  };

  Answer send(const Request& request, std::chrono::milliseconds timeout);
  // Sends, records the operation; an unknown outcome is queued for resolution.
  Answer invoke(int cycle, const std::string& kind, const Request& request);
  // An order the server acknowledged under `request` (its key and its buyer's token).
  std::optional<std::int64_t> note_order(const std::string& body, const Request& request);
  std::string new_key(const std::string& kind);
  Request order_request(std::size_t buyer, const std::vector<std::pair<std::int64_t, int>>& lines);

  std::optional<std::int64_t> place_order(int cycle, Random& random, bool probe = false);
  // Retries one unknown outcome until a definite answer or `until`; records how it resolved.
  void resolve(Pending& pending, Clock::time_point restarted, Clock::time_point until,
               std::vector<Pending>& still);
  void act_on_order(int cycle, Random& random, std::int64_t order_id);
  void generate_statements(int cycle);
  void browse_totals(int cycle);

  const Fixture& fixture_;
  Ports ports_;
  History& history_;
  std::string run_tag_;
  std::atomic<std::uint64_t> key_counter_{0};
  std::atomic<int> in_flight_{0};

  mutable std::mutex mutex_;  // guards everything below, and history_
  std::vector<Pending> pending_;
  std::vector<std::int64_t> acknowledged_;
  std::map<std::int64_t, std::size_t> buyer_of_order_;  // order -> index in fixture.buyers
  std::vector<std::int64_t> open_orders_;               // not known to be final
  std::map<std::string, std::set<std::int64_t>> orders_of_key_;
};

}  // namespace huicai::chaos

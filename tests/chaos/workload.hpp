#pragma once
// The workload: realistic mixed traffic through the HTTP API of the running services, one
// operation at a time, every choice drawn from the run's seeded generator. Employees order for
// home and pay through the sandbox channel (whose stored callback the channel delivers; the
// workload delivers it a second time now and then), or cancel, or leave the order to expire;
// unit buyers order against the budget and accept deliveries, partly now and then; suppliers
// ship; buyers receive and ask for refunds, suppliers grant them; finance generates statements;
// anyone browses orders and aid totals. One SKU is hot and scarce. Requests have short client
// timeouts; an unknown outcome is retried with the same Idempotency-Key (History).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "history.hpp"
#include "processes.hpp"

namespace huicai::chaos {

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
  Workload(const Fixture& fixture, Ports ports, std::mt19937_64& random, History& history);

  // One operation, chosen from what the known orders allow.
  void step(int cycle);
  // Retries every unknown outcome with the same request until it gets a definite answer or
  // `deadline` passes; resolution times are measured from `restarted`.
  void resolve_unknowns(Clock::time_point restarted, std::chrono::milliseconds deadline);
  // Places (and cancels) small orders until one succeeds; the time from `since`, or nullopt.
  std::optional<std::chrono::milliseconds> time_until_orders_succeed(
      int cycle, Clock::time_point since, std::chrono::milliseconds deadline);
  std::size_t unresolved() const { return pending_.size(); }

  // Order ids the server acknowledged (placement answered 201, at once or on a retry).
  const std::vector<std::int64_t>& acknowledged_orders() const { return acknowledged_; }

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
  void note_order(const std::string& body);
  std::string new_key(const std::string& kind);

  void place_order(int cycle, bool probe = false);
  void act_on_order(int cycle, std::int64_t order_id);
  void generate_statements(int cycle);
  void browse_totals(int cycle);

  const Fixture& fixture_;
  Ports ports_;
  std::mt19937_64& random_;
  History& history_;
  std::vector<Pending> pending_;
  std::vector<std::int64_t> acknowledged_;
  std::map<std::int64_t, std::size_t> buyer_of_order_;  // order -> index in fixture.buyers
  std::vector<std::int64_t> open_orders_;               // not known to be final
  std::uint64_t key_counter_ = 0;
  std::string run_tag_;
};

}  // namespace huicai::chaos

#include "workload.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <latch>
#include <thread>

#include "http_client.hpp"

namespace huicai::chaos {
namespace {

using namespace std::chrono_literals;

constexpr auto kClientTimeout = 2'000ms;

// Unknown outcomes seen by this thread's requests (step() reports whether its own had one).
thread_local std::uint64_t unknowns_seen = 0;

bool is_problem(const std::string& body, std::string_view type) {
  return body.find(type) != std::string::npos;
}

std::optional<boost::json::object> object_of(const std::string& body) {
  boost::json::error_code error;
  auto value = boost::json::parse(body, error);
  if (error || !value.is_object()) return std::nullopt;
  return value.as_object();
}

// The first day of this month in China's calendar (UTC+8), as statements take it.
std::string month_start() {
  const auto now = std::chrono::system_clock::now() + 8h;
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-01", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()));
  return text;
}

}  // namespace

Workload::Workload(const Fixture& fixture, Ports ports, History& history)
    : fixture_(fixture), ports_(ports), history_(history) {
  run_tag_ = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
}

std::string Workload::new_key(const std::string& kind) {
  return "chaos-" + run_tag_ + "-" + kind + "-" + std::to_string(++key_counter_);
}

Workload::Answer Workload::send(const Request& request, std::chrono::milliseconds timeout) {
  struct InFlight {
    std::atomic<int>& count;
    explicit InFlight(std::atomic<int>& counter) : count(counter) { ++count; }
    ~InFlight() { --count; }
  } in_flight(in_flight_);
  Answer answer;
  try {
    test::HttpClient client("127.0.0.1", request.port, timeout);
    test::HeaderList headers{{"content-type", "application/json"}};
    if (!request.token.empty()) headers.emplace_back("authorization", "Bearer " + request.token);
    if (!request.key.empty()) headers.emplace_back("idempotency-key", request.key);
    if (!request.signature.empty()) headers.emplace_back("x-huicai-signature", request.signature);
    auto response = client.request(request.method, request.target, request.body, headers);
    answer.status = response.status;
    answer.body = std::move(response.body);
  } catch (const std::exception&) {
    answer.outcome = Outcome::unknown;  // no answer: the request may or may not have run
    return answer;
  }
  if (answer.status >= 200 && answer.status < 300) {
    answer.outcome = Outcome::ok;
  } else if (answer.status >= 500 || answer.status == 408 ||
             (answer.status == 409 && is_problem(answer.body, "idempotency-key-in-progress"))) {
    answer.outcome = Outcome::unknown;
  } else {
    answer.outcome = Outcome::failed;
  }
  return answer;
}

Workload::Answer Workload::invoke(int cycle, const std::string& kind, const Request& request) {
  const auto answer = send(request, kClientTimeout);
  OperationRecord record;
  record.cycle = cycle;
  record.kind = kind;
  record.target = request.method + " " + request.target;
  record.idempotency_key = request.key;
  record.first = answer.outcome;
  record.first_status = answer.status;
  record.final_status = answer.status;
  record.invoked = Clock::now();
  if (answer.outcome == Outcome::unknown) ++unknowns_seen;
  const std::lock_guard lock(mutex_);
  history_.operations.push_back(record);
  if (answer.outcome == Outcome::unknown) {
    pending_.push_back({history_.operations.size() - 1, request});
  }
  return answer;
}

std::optional<std::int64_t> Workload::note_order(const std::string& body, const Request& request) {
  const auto order = object_of(body);
  if (!order || !order->contains("id")) return std::nullopt;
  const auto id = order->at("id").as_int64();
  const std::lock_guard lock(mutex_);
  orders_of_key_[request.key].insert(id);
  if (std::find(acknowledged_.begin(), acknowledged_.end(), id) != acknowledged_.end()) return id;
  acknowledged_.push_back(id);
  open_orders_.push_back(id);
  // The buyer is whoever holds the token the request carried.
  for (std::size_t i = 0; i < fixture_.buyers.size(); ++i) {
    if (fixture_.buyers[i].token == request.token) buyer_of_order_[id] = i;
  }
  return id;
}

Workload::Request Workload::order_request(std::size_t buyer,
                                          const std::vector<std::pair<std::int64_t, int>>& lines) {
  boost::json::array items;
  for (const auto& [sku, quantity] : lines) {
    items.push_back({{"sku_id", sku}, {"quantity", quantity}});
  }
  const bool unit = fixture_.buyers[buyer].unit;
  return {ports_.ordering,
          "POST",
          "/v1/orders",
          boost::json::serialize(boost::json::object{
              {"lines", items}, {"fund_plan", unit ? "unit_budget" : "personal"}}),
          fixture_.buyers[buyer].token,
          new_key("order"),
          ""};
}

std::optional<std::int64_t> Workload::place_order(int cycle, Random& random, bool probe) {
  const std::size_t buyer = probe ? 0 : random() % fixture_.buyers.size();
  std::vector<std::pair<std::int64_t, int>> lines;
  const auto first = fixture_.skus[random() % fixture_.skus.size()];
  lines.emplace_back(first, probe ? 1 : 1 + static_cast<int>(random() % 3));
  if (!probe && random() % 2 == 0) {
    const auto second = fixture_.skus[random() % fixture_.skus.size()];
    if (second != first) lines.emplace_back(second, 1 + static_cast<int>(random() % 3));
  }
  if (!probe && random() % 10 == 0) lines.emplace_back(fixture_.hot_sku, 1);
  const auto request = order_request(buyer, lines);
  const auto answer = invoke(cycle, probe ? "probe_order" : "place_order", request);
  if (answer.outcome != Outcome::ok) return std::nullopt;
  return note_order(answer.body, request);
}

void Workload::rush_hot_sku(int cycle, Random& random, int clients) {
  std::vector<Request> requests;
  const auto first_buyer = random();
  for (int i = 0; i < clients; ++i) {
    requests.push_back(
        order_request((first_buyer + static_cast<std::uint64_t>(i)) % fixture_.buyers.size(),
                      {{fixture_.hot_sku, 1}}));
  }
  std::latch start(clients);
  std::vector<std::jthread> threads;
  for (const auto& request : requests) {
    threads.emplace_back([this, cycle, &request, &start] {
      start.arrive_and_wait();
      const auto answer = invoke(cycle, "rush_hot_sku", request);
      if (answer.outcome == Outcome::ok) note_order(answer.body, request);
    });
  }
}

void Workload::same_key_burst(int cycle, Random& random, int clients) {
  const auto request = order_request(
      random() % fixture_.buyers.size(),
      {{fixture_.skus[random() % fixture_.skus.size()], 1 + static_cast<int>(random() % 3)}});
  std::latch start(clients);
  std::vector<std::jthread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([this, cycle, &request, &start] {
      start.arrive_and_wait();
      const auto answer = invoke(cycle, "same_key_order", request);
      if (answer.outcome == Outcome::ok) note_order(answer.body, request);
    });
  }
}

void Workload::act_on_order(int cycle, Random& random, std::int64_t order_id) {
  std::size_t buyer_index = 0;
  {
    const std::lock_guard lock(mutex_);
    const auto found = buyer_of_order_.find(order_id);
    if (found == buyer_of_order_.end()) return;
    buyer_index = found->second;
  }
  const auto& buyer = fixture_.buyers[buyer_index];
  const std::string path = "/v1/orders/" + std::to_string(order_id);
  const auto read = invoke(cycle, "browse_order", {ports_.ordering, "GET", path, "", buyer.token});
  if (read.outcome != Outcome::ok) return;
  const auto order = object_of(read.body);
  if (!order) return;
  const std::string status(order->at("status").as_string());
  const auto roll = random() % 100;

  if (status == "pending_payment") {
    if (roll < 60) {
      const auto intent = invoke(
          cycle, "create_payment_intent",
          {ports_.ordering, "POST", path + "/payment-intents", "", buyer.token, new_key("intent")});
      if (intent.outcome != Outcome::ok) return;
      const auto intent_object = object_of(intent.body);
      if (!intent_object || !intent_object->contains("intent_id")) return;
      const std::string intent_id(intent_object->at("intent_id").as_string());
      const auto confirmed =
          invoke(cycle, "confirm_payment",
                 {ports_.ordering, "POST", "/v1/payments/sandbox/" + intent_id + "/confirm", "",
                  buyer.token});
      if (confirmed.outcome != Outcome::ok || random() % 4 != 0) return;
      // The channel delivers the callback itself; deliver it once more, as channels do.
      const auto answer = object_of(confirmed.body);
      if (!answer || !answer->contains("callback")) return;
      const auto& callback = answer->at("callback").as_object();
      invoke(cycle, "duplicate_callback",
             {ports_.ordering, "POST", "/v1/payments/callbacks/sandbox",
              std::string(callback.at("body").as_string()), "", "",
              std::string(callback.at("signature").as_string())});
    } else if (roll < 75) {
      invoke(cycle, "cancel_order", {ports_.ordering, "POST", path + "/cancel", "", buyer.token});
    }
    return;  // otherwise left unpaid: the sweeper expires it
  }
  if (status != "paid" && status != "completed") {
    const std::lock_guard lock(mutex_);
    std::erase(open_orders_, order_id);  // cancelled, expired, rejected: nothing more to do
    return;
  }
  const auto& fulfilments = order->at("fulfilments").as_array();
  if (fulfilments.empty()) return;
  const auto& fulfilment = fulfilments[random() % fulfilments.size()].as_object();
  const auto fulfilment_id = fulfilment.at("id").as_int64();
  const auto supplier_id = fulfilment.at("supplier_id").as_int64();
  const std::string f_status(fulfilment.at("status").as_string());
  const std::string f_path = "/v1/fulfilments/" + std::to_string(fulfilment_id);

  auto refund = [&] {
    const auto amount = 1 + static_cast<std::int64_t>(random() % 300);
    const auto requested =
        invoke(cycle, "request_refund",
               {ports_.ordering, "POST", path + "/after-sales",
                boost::json::serialize(boost::json::object{{"fulfilment_id", fulfilment_id},
                                                           {"kind", "partial"},
                                                           {"amount_fen", amount},
                                                           {"reason", "到货受潮"}}),
                buyer.token, new_key("refund")});
    const auto after_sale = object_of(requested.body);
    if (requested.outcome != Outcome::ok || !after_sale) return;
    invoke(cycle, "grant_refund",
           {ports_.ordering, "POST",
            "/v1/after-sales/" + std::to_string(after_sale->at("id").as_int64()) +
                "/supplier-decision",
            R"({"decision":"accept"})", fixture_.supplier_tokens.at(supplier_id),
            new_key("decision")});
  };

  if (f_status == "to_ship") {
    invoke(cycle, "ship",
           {ports_.ordering, "POST", f_path + "/ship",
            R"({"carrier":"顺丰","tracking_number":"SF)" + std::to_string(fulfilment_id) +
                R"(","batch_number":"B-1"})",
            fixture_.supplier_tokens.at(supplier_id)});
  } else if (f_status == "shipped") {
    if (roll < 20) return refund();
    invoke(cycle, "receive", {ports_.ordering, "POST", f_path + "/receive", "", buyer.token});
  } else if (f_status == "received" && buyer.unit && roll < 70) {
    std::string lines = "[]";
    for (const auto& line : fulfilment.at("lines").as_array()) {
      const auto quantity = line.at("quantity").as_int64();
      if (quantity >= 2 && random() % 2 == 0) {
        lines = R"([{"line_id":)" + std::to_string(line.at("id").as_int64()) +
                R"(,"accepted_quantity":)" + std::to_string(quantity - 1) +
                R"(,"reason":"一箱破损"}])";
        break;
      }
    }
    invoke(cycle, lines == "[]" ? "accept" : "accept_partially",
           {ports_.ordering, "POST", f_path + "/accept", R"({"lines":)" + lines + "}", buyer.token,
            new_key("accept")});
  } else if (f_status == "received" || f_status == "accepted") {
    if (roll < 25) refund();
  }
}

void Workload::generate_statements(int cycle) {
  invoke(cycle, "generate_statements",
         {ports_.settlement, "POST", "/v1/settlement/statements/generate",
          R"({"period_start":")" + month_start() + R"("})", fixture_.finance_token});
}

void Workload::browse_totals(int cycle) {
  invoke(cycle, "browse_aid_totals",
         {ports_.aidstats, "GET", "/v1/aid-totals", "", fixture_.auditor_token});
}

bool Workload::step(int cycle, Random& random) {
  const auto unknowns_before = unknowns_seen;
  const auto roll = random() % 100;
  std::optional<std::int64_t> order;
  {
    const std::lock_guard lock(mutex_);
    if (!open_orders_.empty()) order = open_orders_[random() % open_orders_.size()];
  }
  if (roll < 35 || !order) {
    place_order(cycle, random);
  } else if (roll < 88) {
    act_on_order(cycle, random, *order);
  } else if (roll < 93) {
    generate_statements(cycle);
  } else {
    browse_totals(cycle);
  }
  return unknowns_seen != unknowns_before;
}

void Workload::resolve(Pending& pending, Clock::time_point restarted, Clock::time_point until,
                       std::vector<Pending>& still) {
  Answer answer;
  do {
    answer = send(pending.request, kClientTimeout);
    if (answer.outcome != Outcome::unknown) break;
    std::this_thread::sleep_for(100ms);
  } while (Clock::now() < until);
  {
    const std::lock_guard lock(mutex_);
    auto& record = history_.operations[pending.record];
    if (answer.outcome == Outcome::unknown) {
      record.resolution = "unresolved";
      still.push_back(pending);
      return;
    }
    record.final_status = answer.status;
    if (record.invoked < restarted) {
      record.resolve_ms_after_restart =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted).count();
    }
    // 409 invalid-transition on a retried ship/receive/cancel: the first attempt did it (or,
    // with clients acting at once, another client did: either way it is done, once).
    const bool done = answer.outcome == Outcome::ok ||
                      (answer.status == 409 && is_problem(answer.body, "invalid-transition"));
    record.resolution = done ? "done-once" : "not-done";
  }
  const auto& request = pending.request;
  if (answer.outcome == Outcome::ok && request.method == "POST" && request.target == "/v1/orders")
    note_order(answer.body, request);
}

void Workload::resolve_unknowns(Clock::time_point restarted, std::chrono::milliseconds deadline,
                                int clients) {
  const auto until = Clock::now() + deadline;
  std::vector<Pending> work, still;
  {
    const std::lock_guard lock(mutex_);
    work.swap(pending_);
  }
  // Each client retries its own: spread the work over as many threads.
  std::atomic<std::size_t> next{0};
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back([&] {
        for (auto index = next++; index < work.size(); index = next++) {
          resolve(work[index], restarted, until, still);
        }
      });
    }
  }
  const std::lock_guard lock(mutex_);
  pending_.insert(pending_.end(), still.begin(), still.end());
}

std::optional<std::chrono::milliseconds> Workload::time_until_orders_succeed(
    int cycle, Random& random, Clock::time_point since, std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (Clock::now() < until) {
    if (const auto order_id = place_order(cycle, random, true)) {
      const auto elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
      invoke(cycle, "cancel_order",
             {ports_.ordering, "POST", "/v1/orders/" + std::to_string(*order_id) + "/cancel", "",
              fixture_.buyers[0].token});
      return elapsed;
    }
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

std::size_t Workload::unresolved() const {
  const std::lock_guard lock(mutex_);
  return pending_.size();
}

std::size_t Workload::operations() const {
  const std::lock_guard lock(mutex_);
  return history_.operations.size();
}

std::vector<std::int64_t> Workload::acknowledged_orders() const {
  const std::lock_guard lock(mutex_);
  return acknowledged_;
}

std::map<std::string, std::set<std::int64_t>> Workload::keys_with_several_orders() const {
  const std::lock_guard lock(mutex_);
  std::map<std::string, std::set<std::int64_t>> several;
  for (const auto& [key, orders] : orders_of_key_) {
    if (orders.size() > 1) several[key] = orders;
  }
  return several;
}

std::string Workload::key_of(std::int64_t order_id) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [key, orders] : orders_of_key_) {
    if (orders.contains(order_id)) return key;
  }
  return {};
}

}  // namespace huicai::chaos

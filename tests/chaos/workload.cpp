#include "workload.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "http_client.hpp"

namespace huicai::chaos {
namespace {

using namespace std::chrono_literals;

constexpr auto kClientTimeout = 2'000ms;

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

Workload::Workload(const Fixture& fixture, Ports ports, std::mt19937_64& random, History& history)
    : fixture_(fixture), ports_(ports), random_(random), history_(history) {
  run_tag_ = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
}

std::string Workload::new_key(const std::string& kind) {
  return "chaos-" + run_tag_ + "-" + kind + "-" + std::to_string(++key_counter_);
}

Workload::Answer Workload::send(const Request& request, std::chrono::milliseconds timeout) {
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
  history_.operations.push_back(record);
  if (answer.outcome == Outcome::unknown) {
    pending_.push_back({history_.operations.size() - 1, request});
  }
  return answer;
}

void Workload::note_order(const std::string& body) {
  const auto order = object_of(body);
  if (!order || !order->contains("id")) return;
  const auto id = order->at("id").as_int64();
  if (std::find(acknowledged_.begin(), acknowledged_.end(), id) != acknowledged_.end()) return;
  acknowledged_.push_back(id);
  open_orders_.push_back(id);
}

void Workload::place_order(int cycle, bool probe) {
  const std::size_t buyer = probe ? 0 : random_() % fixture_.buyers.size();
  boost::json::array lines;
  const auto first = fixture_.skus[random_() % fixture_.skus.size()];
  lines.push_back({{"sku_id", first}, {"quantity", probe ? 1 : 1 + random_() % 3}});
  if (!probe && random_() % 2 == 0) {
    const auto second = fixture_.skus[random_() % fixture_.skus.size()];
    if (second != first) lines.push_back({{"sku_id", second}, {"quantity", 1 + random_() % 3}});
  }
  if (!probe && random_() % 4 == 0)
    lines.push_back({{"sku_id", fixture_.hot_sku}, {"quantity", 1}});
  const bool unit = fixture_.buyers[buyer].unit;
  Request request{ports_.ordering,
                  "POST",
                  "/v1/orders",
                  boost::json::serialize(boost::json::object{
                      {"lines", lines}, {"fund_plan", unit ? "unit_budget" : "personal"}}),
                  fixture_.buyers[buyer].token,
                  new_key("order"),
                  ""};
  const auto answer = invoke(cycle, probe ? "probe_order" : "place_order", request);
  if (answer.outcome == Outcome::ok) {
    note_order(answer.body);
    if (const auto order = object_of(answer.body)) {
      buyer_of_order_[order->at("id").as_int64()] = buyer;
    }
  }
}

void Workload::act_on_order(int cycle, std::int64_t order_id) {
  const auto found = buyer_of_order_.find(order_id);
  if (found == buyer_of_order_.end()) return;
  const auto& buyer = fixture_.buyers[found->second];
  const std::string path = "/v1/orders/" + std::to_string(order_id);
  const auto read = invoke(cycle, "browse_order", {ports_.ordering, "GET", path, "", buyer.token});
  if (read.outcome != Outcome::ok) return;
  const auto order = object_of(read.body);
  if (!order) return;
  const std::string status(order->at("status").as_string());
  const auto roll = random_() % 100;

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
      if (confirmed.outcome != Outcome::ok || random_() % 4 != 0) return;
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
    std::erase(open_orders_, order_id);  // cancelled, expired, rejected: nothing more to do
    return;
  }
  const auto& fulfilments = order->at("fulfilments").as_array();
  if (fulfilments.empty()) return;
  const auto& fulfilment = fulfilments[random_() % fulfilments.size()].as_object();
  const auto fulfilment_id = fulfilment.at("id").as_int64();
  const auto supplier_id = fulfilment.at("supplier_id").as_int64();
  const std::string f_status(fulfilment.at("status").as_string());
  const std::string f_path = "/v1/fulfilments/" + std::to_string(fulfilment_id);

  auto refund = [&] {
    const auto amount = 1 + static_cast<std::int64_t>(random_() % 300);
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
      if (quantity >= 2 && random_() % 2 == 0) {
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

void Workload::step(int cycle) {
  const auto roll = random_() % 100;
  if (roll < 35 || open_orders_.empty()) return place_order(cycle);
  if (roll < 88) return act_on_order(cycle, open_orders_[random_() % open_orders_.size()]);
  if (roll < 93) return generate_statements(cycle);
  browse_totals(cycle);
}

void Workload::resolve_unknowns(Clock::time_point restarted, std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  std::vector<Pending> still;
  for (auto& pending : pending_) {
    auto& record = history_.operations[pending.record];
    Answer answer;
    do {
      answer = send(pending.request, kClientTimeout);
      if (answer.outcome != Outcome::unknown) break;
      std::this_thread::sleep_for(100ms);
    } while (Clock::now() < until);
    if (answer.outcome == Outcome::unknown) {
      record.resolution = "unresolved";
      still.push_back(pending);
      continue;
    }
    record.final_status = answer.status;
    record.resolve_ms_after_restart =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted).count();
    // 409 invalid-transition on a retried ship/receive/cancel: the first attempt did it.
    const bool done = answer.outcome == Outcome::ok ||
                      (answer.status == 409 && is_problem(answer.body, "invalid-transition"));
    record.resolution = done ? "done-once" : "not-done";
    if ((record.kind == "place_order" || record.kind == "probe_order") &&
        answer.outcome == Outcome::ok) {
      note_order(answer.body);
      if (const auto order = object_of(answer.body)) {
        // The buyer is whoever holds the token the request carried.
        for (std::size_t i = 0; i < fixture_.buyers.size(); ++i) {
          if (fixture_.buyers[i].token == pending.request.token) {
            buyer_of_order_[order->at("id").as_int64()] = i;
          }
        }
      }
    }
  }
  pending_ = std::move(still);
}

std::optional<std::chrono::milliseconds> Workload::time_until_orders_succeed(
    int cycle, Clock::time_point since, std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (Clock::now() < until) {
    const auto before = acknowledged_.size();
    place_order(cycle, true);
    if (acknowledged_.size() > before) {
      const auto elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
      const auto order_id = acknowledged_.back();
      buyer_of_order_[order_id] = 0;
      invoke(cycle, "cancel_order",
             {ports_.ordering, "POST", "/v1/orders/" + std::to_string(order_id) + "/cancel", "",
              fixture_.buyers[0].token});
      return elapsed;
    }
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

}  // namespace huicai::chaos

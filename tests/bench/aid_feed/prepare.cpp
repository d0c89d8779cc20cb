// aid_feed_bench prepare: the orders the measured payments pay for, placed through the real API
// before the measurement: order k is one bag of the SKU on line k % n of the SKU file (one SKU
// per supplier), an employee's personal order, with its payment intent. Writes one line per
// order, in k order: "<supplier_id> <intent_id> <amount_fen>".
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

#include "bench_common.hpp"
#include "phases.hpp"

namespace huicai::bench {
namespace {

constexpr std::size_t kOrdersPerBuyer = 50;

struct Sku {
  std::string supplier_id;
  std::string sku_id;
};

struct Prepared {
  std::string supplier_id;
  std::string intent_id;
  std::int64_t amount_fen = 0;
};

std::vector<Sku> read_skus(const std::string& path) {
  std::ifstream in(path);
  std::vector<Sku> skus;
  Sku sku;
  while (in >> sku.supplier_id >> sku.sku_id) skus.push_back(sku);
  if (skus.empty()) throw std::runtime_error(path + ": no SKUs");
  return skus;
}

boost::json::object answer_of(const HttpReply& reply, unsigned expected, const char* what) {
  if (reply.error) throw std::runtime_error(std::string(what) + ": " + reply.error.message());
  if (reply.status != expected) {
    throw std::runtime_error(std::string(what) + ": " + std::to_string(reply.status) + " " +
                             reply.body);
  }
  return boost::json::parse(reply.body).as_object();
}

// One worker: its own connection, orders taken from the shared counter until none are left.
asio::awaitable<void> place_orders(std::uint16_t port, const std::vector<Sku>& skus,
                                   std::uint64_t first_account, const std::string& run,
                                   std::atomic<std::size_t>& next, std::vector<Prepared>& out) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(local(port), asio::use_awaitable);
  std::map<std::uint64_t, std::string> tokens;
  for (auto k = next++; k < out.size(); k = next++) {
    const auto& sku = skus[k % skus.size()];
    const auto account = first_account + k / kOrdersPerBuyer;
    auto& token = tokens[account];
    if (token.empty()) token = token_for(account, auth::Role::employee);
    auto order = json_post("/v1/orders", R"({"fund_plan":"personal","lines":[{"sku_id":)" +
                                             sku.sku_id + R"(,"quantity":1}]})");
    order.set(beast::http::field::authorization, "Bearer " + token);
    order.set("idempotency-key", run + "-o-" + std::to_string(k));
    const auto placed = answer_of(co_await exchange(stream, std::move(order)), 201, "order");
    const auto order_id = placed.at("id").as_int64();
    auto intent = json_post("/v1/orders/" + std::to_string(order_id) + "/payment-intents", "");
    intent.set(beast::http::field::authorization, "Bearer " + token);
    intent.set("idempotency-key", run + "-i-" + std::to_string(k));
    const auto created = answer_of(co_await exchange(stream, std::move(intent)), 201, "intent");
    out[k] = {sku.supplier_id, std::string(created.at("intent_id").as_string()),
              created.at("amount_fen").as_int64()};
  }
}

}  // namespace

int prepare(std::uint16_t port, const std::string& sku_file, std::size_t orders,
            std::uint64_t first_account, const std::string& out_file) {
  const auto skus = read_skus(sku_file);
  const std::string run = "aidfeed-" + std::to_string(first_account);
  std::vector<Prepared> prepared(orders);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  asio::io_context io;
  for (int worker = 0; worker < 8; ++worker) {
    asio::co_spawn(io, place_orders(port, skus, first_account, run, next, prepared),
                   [&failure, &io](std::exception_ptr error) {
                     if (error && !failure) failure = error;
                     if (error) io.stop();
                   });
  }
  io.run();
  if (failure) std::rethrow_exception(failure);
  std::ofstream out(out_file);
  for (const auto& order : prepared) {
    out << order.supplier_id << ' ' << order.intent_id << ' ' << order.amount_fen << '\n';
  }
  return 0;
}

}  // namespace huicai::bench

// A server killed with kill -9 in the middle of an order's transaction: the Idempotency-Key's row
// is part of that transaction (written last, with the response), so nothing of it survives and a
// retry with the same key is served at once (it used to be answered 409 until the claim's 60 s
// lease ran out).
// The server is a real `huicai serve` process; the order is held mid-transaction by a test
// transaction holding the stock row it must update.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <future>
#include <thread>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;
using namespace std::chrono_literals;

namespace {

// `huicai serve` as a child process with its stdout on a pipe (read until it listens).
class ServeProcess {
 public:
  ServeProcess() {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(pipe_fds[1], 1);
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
      ::setenv("HUICAI_HTTP_PORT", "0", 1);
      ::setenv("HUICAI_ORDER_PLACEMENTS_PER_MINUTE", "0", 1);
      ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
      ::setenv("HUICAI_PAYMENT_CALLBACK_WORKER", "false", 1);
      ::setenv("HUICAI_ACCESS_LOG", "false", 1);
      const char* path = HUICAI_BINARY_DIR "/services/all_in_one/huicai";
      ::execl(path, path, "serve", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    stdout_fd_ = pipe_fds[0];
  }
  ~ServeProcess() {
    kill_hard();
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }

  // The port from "listening on http://host:port", or 0 when it does not come in time.
  std::uint16_t wait_until_listening(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    std::string seen;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto at = seen.find("listening on http://");
      if (at != std::string::npos) {
        const auto end = seen.find('\n', at);
        if (end != std::string::npos) {
          const auto line = seen.substr(at, end - at);
          return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        }
      }
      pollfd descriptor{stdout_fd_, POLLIN, 0};
      if (::poll(&descriptor, 1, 200) <= 0) continue;
      char chunk[4096];
      const auto count = ::read(stdout_fd_, chunk, sizeof chunk);
      if (count <= 0) return 0;
      seen.append(chunk, static_cast<std::size_t>(count));
    }
    return 0;
  }

  void kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

// Holds a row lock on one stock row in an open transaction until release().
class StockRowLock {
 public:
  StockRowLock(World& world, std::int64_t sku_id) {
    holder_ = std::thread([this, &world, sku_id] {
      world.admin().run_blocking(
          [&](mysql::Session& session) {
            auto& select =
                session.prepare("SELECT available FROM ordering_stock WHERE sku_id = ? FOR UPDATE");
            mysql::bind(select, sku_id);
            mysql::query(select);
            locked_.set_value();
            released_.get_future().wait();
          },
          true);
    });
    locked_.get_future().wait();
  }
  ~StockRowLock() {
    release();
    holder_.join();
  }
  void release() {
    if (!released_once_) released_.set_value();
    released_once_ = true;
  }

 private:
  std::promise<void> locked_;
  std::promise<void> released_;
  bool released_once_ = false;
  std::thread holder_;
};

// Orders of the buyer as any transaction sees them, uncommitted ones included.
std::int64_t orders_including_uncommitted(mysql::Pool& pool, std::int64_t account_id) {
  return pool.run_blocking([&](mysql::Session& session) -> std::int64_t {
    session.execute_direct("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED");
    auto& select =
        session.prepare("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = ?");
    mysql::bind(select, account_id);
    auto row = mysql::query(select);
    row->next();
    return row->getInt64(1);
  });
}

}  // namespace

TEST_CASE("an order killed before its commit leaves the key usable at once",
          "[ordering][idempotency][crash]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();  // issues the tokens, and serves the retry after the crash
  auto buyer = employee();
  const std::string k = "crash-" + world.suffix;
  const auto body = order_body(catalog, 1, 1);

  IoThread io;
  mysql::Pool dirty_reader(io.executor(), mysql_test_options(true, 1));
  std::future<void> interrupted;
  {
    ServeProcess server;
    const auto port = server.wait_until_listening(60s);
    REQUIRE(port != 0);
    StockRowLock lock(world, catalog.sku_a);

    // The order starts on the server and stops at the stock row: order written, not committed.
    interrupted = std::async(std::launch::async, [&] {
      HttpClient client("127.0.0.1", port, 30s);
      client.set_bearer_token(token_for(*app, buyer));
      try {
        client.post("/v1/orders", body, {{"idempotency-key", k}});
      } catch (const std::exception&) {
        // The server died under the request: what a client of a crashed server sees.
      }
    });
    REQUIRE(wait_until(
        [&] { return orders_including_uncommitted(dirty_reader, buyer.account_id) == 1; }, 20s));

    server.kill_hard();
    lock.release();
  }
  REQUIRE(interrupted.wait_for(30s) == std::future_status::ready);

  // The retry with the same key and body is served at once, by another server.
  auto client = client_for(*app, buyer);
  const auto started = std::chrono::steady_clock::now();
  auto retry = client->post("/v1/orders", body, {{"idempotency-key", k}});
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(retry.status == 201);
  CHECK(took < 5s);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = " +
                     std::to_string(buyer.account_id)) == 1);
  CHECK(world.reserved(catalog.sku_a) == 1);
  CHECK(world.available(catalog.sku_a) == 49);
  CHECK(world.reserved(catalog.sku_b) == 1);
  // And once more: now it is a replay of that order.
  auto replay = client->post("/v1/orders", body, {{"idempotency-key", k}});
  CHECK(replay.status == 201);
  CHECK(replay.header("idempotent-replayed") == "true");
  CHECK(replay.body == retry.body);
  dirty_reader.close();
}

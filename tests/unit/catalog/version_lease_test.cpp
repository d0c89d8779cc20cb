// The catalog version lease without Redis: a stand-in answers each GET when the test says so,
// on an io_context the test drives itself. Checks which GETs may answer which readers.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/version_lease.hpp>
#include <memory>
#include <thread>

namespace {

namespace asio = boost::asio;
using huicai::VersionLease;
using namespace std::chrono_literals;

// GETs wait until answer(index, value) is called.
class FakeRedis {
 public:
  explicit FakeRedis(asio::io_context& io) : io_(io) {}

  VersionLease::ReadVersion reader() {
    return [this]() { return get(); };
  }
  std::size_t gets() const { return pending_.size(); }
  void answer(std::size_t index, std::optional<std::string> value) {
    pending_.at(index)->value = std::move(value);
    pending_.at(index)->timer.cancel();
  }

 private:
  struct Pending {
    explicit Pending(asio::io_context& io) : timer(io, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    std::optional<std::string> value;
  };
  asio::awaitable<std::optional<std::string>> get() {
    auto pending = std::make_shared<Pending>(io_);
    pending_.push_back(pending);
    boost::system::error_code cancelled;
    co_await pending->timer.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
    co_return pending->value;
  }

  asio::io_context& io_;
  std::vector<std::shared_ptr<Pending>> pending_;
};

struct Reader {
  bool done = false;
  std::optional<std::string> version;
};

// A reader whose lease has run out (or who has none): waits in read_version().
std::shared_ptr<Reader> start_reader(asio::io_context& io, VersionLease& lease) {
  auto reader = std::make_shared<Reader>();
  asio::co_spawn(io, lease.read_version(),
                 [reader](std::exception_ptr, std::optional<std::string> version) {
                   reader->done = true;
                   reader->version = std::move(version);
                 });
  return reader;
}

// Runs everything that is ready now (GETs stay pending until answered).
void run_ready(asio::io_context& io) {
  for (int i = 0; i < 3; ++i) {
    io.restart();
    io.poll();
  }
}

// A lease of `length` over a FakeRedis, and the io_context the test drives.
struct LeaseWorld {
  explicit LeaseWorld(std::chrono::milliseconds length)
      : redis(io), lease(VersionLease::create(io, length, redis.reader())) {}
  std::shared_ptr<Reader> reader() { return start_reader(io, *lease); }
  void run() { run_ready(io); }

  asio::io_context io;
  FakeRedis redis;
  std::shared_ptr<VersionLease> lease;
};

}  // namespace

TEST_CASE("a held lease answers without Redis and waiting readers share one GET",
          "[catalog][lease]") {
  LeaseWorld world(10s);
  auto& redis = world.redis;
  auto& lease = world.lease;
  CHECK_FALSE(lease->valid_version());

  auto first = world.reader();
  auto second = world.reader();
  auto third = world.reader();
  world.run();
  REQUIRE(redis.gets() == 1);
  CHECK_FALSE(first->done);
  redis.answer(0, "7");
  world.run();
  for (const auto& reader : {first, second, third}) {
    CHECK(reader->done);
    CHECK(reader->version == "7");
  }
  for (int i = 0; i < 1000; ++i) REQUIRE(lease->valid_version() == "7");
  world.run();
  CHECK(redis.gets() == 1);
  CHECK(lease->reads() == 1);
}

TEST_CASE("past half the lease one background GET refreshes it, the old value still serves",
          "[catalog][lease]") {
  LeaseWorld world(4000ms);
  auto& redis = world.redis;
  auto& lease = world.lease;
  auto first = world.reader();
  world.run();
  redis.answer(0, "7");
  world.run();
  REQUIRE(first->version == "7");
  CHECK(lease->valid_version() == "7");
  world.run();
  CHECK(redis.gets() == 1);  // more than half of the lease left: no refresh

  // Less than half left, not yet expired (1.9 s of margin for a slow machine).
  std::this_thread::sleep_for(2100ms);
  CHECK(lease->valid_version() == "7");
  CHECK(lease->valid_version() == "7");
  world.run();
  CHECK(redis.gets() == 2);  // single flight
  redis.answer(1, "8");
  world.run();
  CHECK(lease->valid_version() == "8");
  CHECK(lease->reads() == 2);
}

TEST_CASE("a GET older than the lease answers only the readers that came before it was sent",
          "[catalog][lease]") {
  LeaseWorld world(50ms);
  auto& redis = world.redis;
  auto& lease = world.lease;
  auto early = world.reader();
  world.run();
  REQUIRE(redis.gets() == 1);

  std::this_thread::sleep_for(80ms);  // Redis slower than the lease
  auto late = world.reader();
  world.run();
  CHECK(redis.gets() == 1);  // still the one GET in flight
  redis.answer(0, "7");
  world.run();
  CHECK(early->done);
  CHECK(early->version == "7");
  // "7" may predate a write answered before `late` arrived: it waits for a GET of its own.
  CHECK_FALSE(late->done);
  REQUIRE(redis.gets() == 2);
  redis.answer(1, "8");
  world.run();
  CHECK(late->done);
  CHECK(late->version == "8");
  CHECK(lease->valid_version().value_or("8") == "8");  // never the expired "7"
}

TEST_CASE("after forget() only GETs sent later answer new readers", "[catalog][lease]") {
  LeaseWorld world(10s);
  auto& redis = world.redis;
  auto& lease = world.lease;
  auto before_write = world.reader();
  world.run();
  REQUIRE(redis.gets() == 1);

  lease->forget();  // a write of this process bumped the version after that GET was sent
  auto after_write = world.reader();
  world.run();
  redis.answer(0, "7");
  world.run();
  CHECK(before_write->version == "7");
  CHECK_FALSE(after_write->done);
  CHECK_FALSE(lease->valid_version());  // "7" is not kept
  REQUIRE(redis.gets() == 2);
  redis.answer(1, "8");
  world.run();
  CHECK(after_write->version == "8");
  CHECK(lease->valid_version() == "8");

  lease->forget();
  CHECK_FALSE(lease->valid_version());
}

TEST_CASE("Redis unreadable answers every waiting reader with no version", "[catalog][lease]") {
  LeaseWorld world(10s);
  auto& redis = world.redis;
  auto& lease = world.lease;
  auto one = world.reader();
  auto two = world.reader();
  world.run();
  redis.answer(0, std::nullopt);
  world.run();
  CHECK(one->done);
  CHECK(two->done);
  CHECK_FALSE(one->version);
  CHECK_FALSE(two->version);
  CHECK_FALSE(lease->valid_version());
  CHECK(redis.gets() == 1);
}

TEST_CASE("writers wait 1.1 leases and a millisecond", "[catalog][lease]") {
  CHECK(VersionLease::writer_wait(50ms) == 56ms);
  CHECK(VersionLease::writer_wait(0ms) == 1ms);
  CHECK(VersionLease::writer_wait(1000ms) == 1101ms);
}

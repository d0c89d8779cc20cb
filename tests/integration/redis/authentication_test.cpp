// Redis runs with the default user off and an ACL user for the application (deploy/stack.sh):
// a connection without the password gets nothing done, a wrong password never connects, the
// configured one works (AUTH on every connect, SELECT after it), and the application's user
// cannot administer or wipe the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/redis/client.hpp>
#include <redis_test_client.hpp>
#include <redis_test_options.hpp>
#include <string>

using huicai::test::RedisTestClient;
using namespace std::chrono_literals;

namespace {

// Sends one inline command on a fresh TCP connection, as any local process could, and returns
// the first line of the answer.
std::string anonymous_command(const std::string& command) {
  const auto config = huicai::Config::from_environment();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(config.redis_port);
  ::inet_pton(AF_INET, config.redis_host.c_str(), &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string line = command + "\r\n";
  REQUIRE(::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
  std::string answer;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') answer += c;
  ::close(fd);
  return answer;
}

}  // namespace

TEST_CASE("Redis refuses a connection without the password", "[redis][auth]") {
  CHECK(anonymous_command("PING").rfind("-NOAUTH", 0) == 0);
  CHECK(anonymous_command("SET huicai:{test}:anonymous 1").rfind("-NOAUTH", 0) == 0);
  // The default user holds permissions (for the append-only file's replay) but is off: no
  // password, empty or guessed, signs anyone in as it.
  CHECK(anonymous_command("AUTH default \"\"").rfind("-WRONGPASS", 0) == 0);
  CHECK(anonymous_command("AUTH default huicai-redis-dev").rfind("-WRONGPASS", 0) == 0);

  auto no_password = huicai::test::redis_test_options();
  no_password.password.clear();
  RedisTestClient without(no_password);
  CHECK_FALSE(without.connected_within(1500ms));

  auto wrong_password = huicai::test::redis_test_options();
  wrong_password.password = "not-the-password";
  RedisTestClient wrong(wrong_password);
  CHECK_FALSE(wrong.connected_within(1500ms));
}

TEST_CASE("the application's Redis user works but cannot administer the server", "[redis][auth]") {
  RedisTestClient client;
  REQUIRE(client.connected_within(5s));
  CHECK(client.must({"PING"}).text == "PONG");
  const std::string key = "huicai:{test}:auth:" + huicai::test::unique_suffix();
  client.must({"SET", key, "1", "EX", "60"});
  CHECK(client.must({"GET", key}).text == "1");
  CHECK(client.must({"ACL", "WHOAMI"}).text == huicai::test::redis_test_options().user);
  for (std::vector<std::string> command : {std::vector<std::string>{"FLUSHALL"},
                                           {"CONFIG", "GET", "requirepass"},
                                           {"ACL", "LIST"},
                                           {"KEYS", "*"}}) {
    const auto reply = client.must(command);
    INFO(command.front());
    CHECK(reply.is_error());
    CHECK(reply.text.rfind("NOPERM", 0) == 0);
  }
}

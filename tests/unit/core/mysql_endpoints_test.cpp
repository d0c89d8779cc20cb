// HUICAI_MYSQL_FALLBACK_HOSTS: a comma-separated host:port list; a bad entry is named.
#include <catch2/catch.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/endpoints.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <stdexcept>

using huicai::mysql::Endpoint;
using huicai::mysql::parse_endpoints;

TEST_CASE("the fallback list parses host:port entries in order", "[config][mysql]") {
  CHECK(parse_endpoints("").empty());
  CHECK(parse_endpoints("  ").empty());
  CHECK(parse_endpoints("127.0.0.1:26412, db-2.internal:3306 ,10.0.0.3:1") ==
        std::vector<Endpoint>{{"127.0.0.1", 26412}, {"db-2.internal", 3306}, {"10.0.0.3", 1}});
}

TEST_CASE("a fallback entry that is not host:port is refused, naming it", "[config][mysql]") {
  for (const char* bad : {"127.0.0.1", ":3306", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:33o6", "127.0.0.1:3306,", "a:1,,b:2"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_endpoints(bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(parse_endpoints("a:1,db-2"), Catch::Contains("\"db-2\""));
}

TEST_CASE("pool options carry the configured fallbacks after the main server", "[config][mysql]") {
  huicai::Config config;
  config.mysql_host = "127.0.0.1";
  config.mysql_port = 26411;
  config.mysql_fallback_hosts = "127.0.0.1:26412,127.0.0.1:26413";
  const auto options = huicai::mysql::pool_options_from(config);
  CHECK(options.host == "127.0.0.1");
  CHECK(options.port == 26411);
  CHECK(options.fallbacks == std::vector<Endpoint>{{"127.0.0.1", 26412}, {"127.0.0.1", 26413}});
}

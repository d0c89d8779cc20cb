// Catch2's main, compiled once for every test binary.
//
// Before any test runs, the process is pointed at the test database and the tests' Redis
// logical database (HUICAI_TEST_MYSQL_DATABASE / HUICAI_TEST_REDIS_DATABASE, set in
// tests/CMakeLists.txt), overriding whatever the shell exported: every Config::from_environment()
// in a test, and every server process a test starts (it inherits the environment), then writes
// there and never into the demo's `huicai` database that `deploy/up.sh` seeds and serves.
#define CATCH_CONFIG_RUNNER
#include <stdlib.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  ::setenv("HUICAI_MYSQL_DATABASE", HUICAI_TEST_MYSQL_DATABASE, 1);
  ::setenv("HUICAI_REDIS_DATABASE", HUICAI_TEST_REDIS_DATABASE, 1);
  return Catch::Session().run(argc, argv);
}

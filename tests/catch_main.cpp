// Catch2's main, compiled once for every test binary.
//
// Before any test runs, the process is pointed at the test database and the tests' Redis
// logical database (HUICAI_TEST_MYSQL_DATABASE / HUICAI_TEST_REDIS_DATABASE, set in
// tests/CMakeLists.txt), overriding whatever the shell exported: every Config::from_environment()
// in a test, and every server process a test starts (it inherits the environment), then writes
// there and never into the demo's `huicai` database that `deploy/up.sh` seeds and serves.
//
// The suite runs against the local stack's development secrets and pays through the sandbox
// channel, like `deploy/up.sh`: HUICAI_ENV=development and HUICAI_PAYMENT_SANDBOX=on. Tests of
// production behaviour (default secrets refused, no sandbox) override them for their app or
// child process.
#define CATCH_CONFIG_RUNNER
#include <stdlib.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  ::setenv("HUICAI_MYSQL_DATABASE", HUICAI_TEST_MYSQL_DATABASE, 1);
  ::setenv("HUICAI_REDIS_DATABASE", HUICAI_TEST_REDIS_DATABASE, 1);
  ::setenv("HUICAI_ENV", "development", 1);
  ::setenv("HUICAI_PAYMENT_SANDBOX", "on", 1);
  return Catch::Session().run(argc, argv);
}

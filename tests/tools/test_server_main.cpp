// huicai-test-server: the real app runner with only the test routes, for tests that need a
// separate process (signals, exit codes). Prints "listening on http://HOST:PORT" on stdout.
#include <huicai/core/app/application.hpp>

#include "test_routes.hpp"

int main(int argc, char** argv) {
  return huicai::app::main_entry(argc, argv, {huicai::test::test_service_entry()});
}

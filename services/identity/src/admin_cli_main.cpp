// huicai-identity-admin: see admin_commands.hpp.
#include <cppconn/driver.h>

#include "admin_commands.hpp"

int main(int argc, char** argv) {
  // Not thread-safe: once, before any pool thread starts (ARCHITECTURE.md).
  get_driver_instance();
  return huicai::identity::run_admin_command(std::vector<std::string>(argv + 1, argv + argc));
}

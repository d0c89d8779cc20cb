#include <cppconn/driver.h>

#include <huicai/core/mysql/driver.hpp>
#include <mutex>

namespace huicai::mysql {

sql::Driver& initialize_driver() {
  static std::once_flag once;
  static sql::Driver* driver = nullptr;
  std::call_once(once, [] { driver = get_driver_instance(); });
  return *driver;
}

}  // namespace huicai::mysql

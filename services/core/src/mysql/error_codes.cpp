#include "mysql/error_codes.hpp"

#include <huicai/core/mysql/pool.hpp>

namespace huicai::mysql::errors {

bool is_transaction_conflict(int code) {
  return code == kErrorDeadlock || code == kErrorLockWaitTimeout ||
         code == kErrorSnapshotConflict || code == kGaleraNotReady;
}

bool is_connection_failure(int code) {
  if (code >= 2000 && code < 3000) return true;
  switch (code) {
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1152:  // ER_ABORTING_CONNECTION
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return true;
    default:
      return false;
  }
}

}  // namespace huicai::mysql::errors

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <huicai/core/local_process.hpp>

namespace huicai::local_process {

std::string host_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) return {};
  return host;
}

int pid_after(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return 0;
  const auto digits = name.substr(prefix.size(), name.find(':', prefix.size()) - prefix.size());
  if (digits.empty() || digits.size() > 9) return 0;
  int pid = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

bool gone(int pid) {
  return pid > 0 && kill(pid, 0) == -1 && errno == ESRCH;
}

}  // namespace huicai::local_process

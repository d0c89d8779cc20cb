#include "app/worker_supervisor.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <huicai/core/log.hpp>
#include <map>
#include <vector>

namespace huicai::app {

namespace {

constexpr auto kRestartPause = std::chrono::seconds(1);

sigset_t supervisor_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGCHLD);
  return signals;
}

}  // namespace

int supervise_workers(std::size_t workers, const std::function<int(std::size_t)>& serve_one) {
  // SIGCHLD joins the blocked set so sigtimedwait can take it; workers unblock it again.
  const sigset_t signals = supervisor_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::map<pid_t, std::size_t> running;   // pid -> worker index
  std::vector<std::size_t> free_indexes;  // of workers that died, for their replacements
  auto start_worker = [&](std::size_t index) -> bool {
    const pid_t pid = ::fork();
    if (pid < 0) {
      log::error("cannot start a worker", {{"errno", errno}});
      return false;
    }
    if (pid == 0) {
      sigset_t child_signal;
      sigemptyset(&child_signal);
      sigaddset(&child_signal, SIGCHLD);
      pthread_sigmask(SIG_UNBLOCK, &child_signal, nullptr);
      ::_exit(serve_one(index));
    }
    running[pid] = index;
    log::info("worker started", {{"pid", pid}, {"worker", index}});
    return true;
  };

  for (std::size_t i = 0; i < workers; ++i) {
    if (!start_worker(i)) {
      for (const auto& [pid, index] : running) ::kill(pid, SIGTERM);
      break;
    }
  }

  bool stopping = running.size() < workers;
  bool all_clean = !stopping;
  std::size_t owed_restarts = 0;
  auto next_restart = std::chrono::steady_clock::now();
  while (!running.empty() || (!stopping && owed_restarts > 0)) {
    const timespec tick{0, 200'000'000};
    siginfo_t info{};
    const int signal_number = ::sigtimedwait(&signals, &info, &tick);
    if ((signal_number == SIGTERM || signal_number == SIGINT) && !stopping) {
      stopping = true;
      log::info("stopping workers", {{"signal", signal_number}, {"workers", running.size()}});
      for (const auto& [pid, index] : running) ::kill(pid, SIGTERM);
    }
    int status = 0;
    pid_t ended = 0;
    while ((ended = ::waitpid(-1, &status, WNOHANG)) > 0) {
      const auto found = running.find(ended);
      if (found == running.end()) continue;
      const std::size_t index = found->second;
      running.erase(found);
      const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (stopping) {
        if (!clean) all_clean = false;  // a crash earlier was answered by a restart
        log::info("worker stopped", {{"pid", ended}, {"clean", clean}});
        continue;
      }
      log::error("worker ended unexpectedly, starting another",
                 {{"pid", ended},
                  {"exit_code", WIFEXITED(status) ? WEXITSTATUS(status) : -1},
                  {"signal", WIFSIGNALED(status) ? WTERMSIG(status) : 0}});
      free_indexes.push_back(index);
      ++owed_restarts;
    }
    // A worker that cannot start (port taken, database refused) would otherwise be forked in a
    // tight loop: at most one restart per pause.
    if (!stopping && owed_restarts > 0 && std::chrono::steady_clock::now() >= next_restart) {
      if (start_worker(free_indexes.back())) {
        free_indexes.pop_back();
        --owed_restarts;
      }
      next_restart = std::chrono::steady_clock::now() + kRestartPause;
    }
  }
  return all_clean && stopping ? 0 : 1;
}

}  // namespace huicai::app

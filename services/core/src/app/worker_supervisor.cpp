#include "app/worker_supervisor.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <huicai/core/log.hpp>
#include <map>

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

int supervise_workers(std::size_t workers, const std::function<int()>& serve_one) {
  // SIGCHLD joins the blocked set so sigtimedwait can take it; workers unblock it again.
  const sigset_t signals = supervisor_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::map<pid_t, std::chrono::steady_clock::time_point> running;  // pid -> started at
  auto start_worker = [&]() -> bool {
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
      ::_exit(serve_one());
    }
    running[pid] = std::chrono::steady_clock::now();
    log::info("worker started", {{"pid", pid}});
    return true;
  };

  for (std::size_t i = 0; i < workers; ++i) {
    if (!start_worker()) {
      for (const auto& [pid, started] : running) ::kill(pid, SIGTERM);
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
      for (const auto& [pid, started] : running) ::kill(pid, SIGTERM);
    }
    int status = 0;
    pid_t ended = 0;
    while ((ended = ::waitpid(-1, &status, WNOHANG)) > 0) {
      running.erase(ended);
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
      ++owed_restarts;
    }
    // A worker that cannot start (port taken, database refused) would otherwise be forked in a
    // tight loop: at most one restart per pause.
    if (!stopping && owed_restarts > 0 && std::chrono::steady_clock::now() >= next_restart) {
      if (start_worker()) --owed_restarts;
      next_restart = std::chrono::steady_clock::now() + kRestartPause;
    }
  }
  return all_clean && stopping ? 0 : 1;
}

}  // namespace huicai::app

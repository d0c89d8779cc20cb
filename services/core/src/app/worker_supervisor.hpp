#pragma once
// `huicai serve` with HUICAI_HTTP_WORKERS > 1: the process forks that many workers, each a whole
// single-threaded Application listening on the same port with SO_REUSEPORT (the kernel spreads
// connections over them), the way nginx runs one worker per core. Services keep no state in the
// process that another instance could not have (docs/adr/0002-http-worker-processes.md), so
// workers are simply several instances on one machine.
//
// The parent only supervises: it forwards SIGTERM/SIGINT to every worker and waits for them;
// a worker that dies while nobody asked it to stop is started again (at most once a second).
#include <cstddef>
#include <functional>

namespace huicai::app {

// Must run before any thread exists (fork). SIGTERM and SIGINT are blocked by the caller.
// `serve_one` runs in each worker with the worker's index (0..workers-1; a replacement gets
// the index of the worker it replaces) and returns its exit code. Returns the parent's exit code:
// 0 when every worker stopped cleanly after a stop request, else 1 (a worker that crashed
// earlier and was replaced does not count).
int supervise_workers(std::size_t workers, const std::function<int(std::size_t)>& serve_one);

}  // namespace huicai::app

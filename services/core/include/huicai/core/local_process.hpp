#pragma once
// Recognising the worker names of processes of this host that have ended. Workers name
// themselves after their host and pid (relay and callback claimants "<prefix>@<host>:<pid>:...",
// stream consumers "<host>:<pid>"); a process restarted after a crash can then take over what
// its dead predecessor held instead of waiting for a lease or an idle timeout (ADR 0025).

#include <string>
#include <string_view>

namespace huicai::local_process {

// gethostname(), "" when it fails.
std::string host_name();

// The pid written in `name` right after `prefix`, up to the next ':' or the end; 0 when `name`
// does not start with `prefix` or no pid follows.
int pid_after(std::string_view name, std::string_view prefix);

// True when no process with this pid exists on this host (kill(pid, 0) fails with ESRCH). A live
// process, even one we may not signal, is not gone.
bool gone(int pid);

}  // namespace huicai::local_process

#pragma once
// Effects that must follow a commit, registered from inside a pool call.
//
//   co_await pool.transaction([&](mysql::Session& session) {
//     ... writes ...
//     mysql::after_commit(session, [table] { wake_the_relay_of(table); });
//   });
//
// The effect runs on the pool thread once the call's work is committed: after the COMMIT of a
// transaction, after an autocommit call (Pool::run) that returned. It is dropped when the call
// throws, and when a transaction rolls back to run again (only the attempt that commits counts),
// so it never announces what did not commit. For in-process notices (an outbox's relay woken, a
// feed handed the amounts a batch committed): quick, not blocking, not touching the session.
// Exceptions it throws are swallowed: committed is committed.
#include <functional>

namespace huicai::mysql {

class Session;

void after_commit(Session& session, std::function<void()> effect);

}  // namespace huicai::mysql

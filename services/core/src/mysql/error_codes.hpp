#pragma once
// How the pool classifies MySQL / MariaDB errors: retry the transaction, replace the
// connection, or pass the error on.

namespace huicai::mysql::errors {

// Galera: "WSREP has not yet prepared node for application use" (node not synced yet).
inline constexpr int kGaleraNotReady = 1047;

// The transaction lost a conflict and was (or must be) rolled back; running it again from the
// start is the fix: deadlock (1213, also Galera's certification failure), lock wait timeout
// (1205), snapshot conflict under innodb_snapshot_isolation (1020), Galera not ready (1047).
bool is_transaction_conflict(int code);

// The connection cannot be used any more (client errors 2000-2999 such as 2006 server gone and
// 2013 lost, server shutdown 1053, connection killed 1927, aborted 1152, MySQL 8 idle kick 4031).
bool is_connection_failure(int code);

}  // namespace huicai::mysql::errors

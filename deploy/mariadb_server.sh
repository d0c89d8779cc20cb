# shellcheck shell=bash
# MariaDB as a plain background process of this user, shared by deploy/stack.sh (one server)
# and deploy/multinode.sh (three Galera nodes): the same server settings, the same data
# directory set-up and the same start. Sourced; defines functions only.
#
# A server lives in one directory DIR: DIR/data (datadir), DIR/my.cnf, DIR/mysqld.sock,
# DIR/mysqld.pid, DIR/mariadb.err (error log), DIR/install.log, DIR/mariadbd.out.

# Prints the pid in $1 if that process is alive.
live_pid() {
  local file=$1 pid
  [ -s "$file" ] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1
  # A pid file left behind may name a pid the system has since given to another process: a
  # kernel thread (empty command line) is never one of ours, and cannot be stopped.
  # (procfs reports every file's size as 0: read the command line instead of testing -s.)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -n "$(tr -d '\0' <"/proc/$pid/cmdline" 2>/dev/null)" ] && echo "$pid"
}

# Waits for process $1 to exit, up to $2 seconds.
wait_exit() {
  local pid=$1 limit=$2 waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= limit * 10)); then return 1; fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# mariadb_write_config DIR PORT BUFFER_POOL LOG_FILE_SIZE MAX_CONNECTIONS: DIR/my.cnf with the
# settings every Huicai server runs with (docs/mysql.md); a caller may append its own lines.
# Regenerated on every start so a changed port takes effect; the data directory persists.
mariadb_write_config() {
  local dir=$1 port=$2 buffer_pool=$3 log_file_size=$4 max_connections=$5
  cat >"$dir/my.cnf" <<EOF
# Written by deploy/mariadb_server.sh; edits are overwritten on the next start.
[mariadbd]
datadir = $dir/data
socket = $dir/mysqld.sock
pid-file = $dir/mysqld.pid
log-error = $dir/mariadb.err
bind-address = 127.0.0.1
port = $port
skip-name-resolve
# Text: utf8mb4 everywhere. unicode_ci, not _bin, for the server default: names and search keys
# people type compare without regard to case and accents (a county named the same way twice is
# the same county). Columns that hold opaque tokens or keys declare utf8mb4_bin themselves.
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
# REPEATABLE READ alone allows lost updates in MariaDB; with snapshot isolation a write to a
# row changed since the transaction's snapshot fails with 1020, which the pool retries.
transaction-isolation = REPEATABLE-READ
innodb_snapshot_isolation = ON
sql_mode = STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION
default-storage-engine = InnoDB
innodb_buffer_pool_size = $buffer_pool
innodb_log_file_size = $log_file_size
# Durability over speed: every COMMIT reaches the log on disk before it is acknowledged.
innodb_flush_log_at_trx_commit = 1
# Lock waits give up well before the clients' 10 s read timeout, so the client sees 1205 (which
# the pool retries) rather than a dropped connection.
innodb_lock_wait_timeout = 5
max_connections = $max_connections
max_allowed_packet = 64M
performance_schema = OFF
EOF
}

# mariadb_install DIR: a new data directory when DIR/data has none. The OS user gets a
# unix_socket account, which is how the scripts talk to the server as its superuser (no
# password anywhere). Returns 1 (log in DIR/install.log) when mariadb-install-db fails.
mariadb_install() {
  local dir=$1
  [ -d "$dir/data/mysql" ] && return 0
  rm -rf "$dir/data" && mkdir -p "$dir/data"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1
}

# mariadb_launch DIR [MARIADBD_ARGS...]: starts the server of DIR/my.cnf in the background and
# returns at once (the caller waits for it to answer). MariaDB refuses to run as root unless
# told to (--user=root); in CI we are root. setsid: the server must not die with the shell (or
# ctest) that started it.
mariadb_launch() {
  local dir=$1
  shift
  setsid mariadbd --defaults-file="$dir/my.cnf" --user="$(id -un)" "$@" </dev/null \
    >>"$dir/mariadbd.out" 2>&1 &
}

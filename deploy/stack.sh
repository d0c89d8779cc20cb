#!/usr/bin/env bash
# The local stack: MariaDB 10.11 and Redis 7 as plain background processes (no systemd), data,
# sockets, pid files and logs under .stack/ of this checkout, bound to 127.0.0.1 only.
#
#   deploy/stack.sh start [--migrate PATH_TO_HUICAI]   start both (idempotent), provision the
#                                                      database and users, optionally migrate
#   deploy/stack.sh stop                               stop both, wait until they exited
#   deploy/stack.sh status                             say what runs; exit 0 only if both answer
#   deploy/stack.sh restart-mysql | stop-mysql | start-mysql | stop-redis | start-redis
#                                                      one server only (restart tests use them)
#   deploy/stack.sh kill-mysql | kill-redis            SIGKILL (crash tests), wait until gone
#   deploy/stack.sh freeze-mysql | thaw-mysql          SIGSTOP / SIGCONT (hung-server tests)
#   deploy/stack.sh reset-db                           drop and recreate the application database
#                                                      (development: after editing a migration)
#   deploy/stack.sh row-counts [DATABASE]              "table rows" per table of DATABASE
#                                                      [HUICAI_MYSQL_DATABASE]; nothing if absent
#
# Settings (environment, defaults in brackets):
#   HUICAI_MYSQL_PORT [13306]   HUICAI_REDIS_PORT [16379]   HUICAI_STACK_DIR [<checkout>/.stack]
#   HUICAI_MYSQL_DATABASE [huicai]          the database `huicai migrate` and the services use
#   HUICAI_TEST_MYSQL_DATABASE [huicai_test]  the test suite's database, provisioned as well
#   HUICAI_MYSQL_USER [huicai]              HUICAI_MYSQL_PASSWORD [huicai-dev]
#   HUICAI_MYSQL_ADMIN_USER [huicai_admin]  HUICAI_MYSQL_ADMIN_PASSWORD [huicai-admin-dev]
#   HUICAI_REDIS_USER [huicai]              HUICAI_REDIS_PASSWORD [huicai-redis-dev]
#                                           Redis's only user (the default user is off)
#   HUICAI_STACK_WAIT_SECONDS [60]          how long to wait for a server to answer
#   HUICAI_MYSQL_EXTRA_OPTIONS []           more mariadbd options for this start only (settings
#                                           benchmarks: tests/bench/mysql_tuning.sh), e.g.
#                                           "--innodb-flush-method=fsync"
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# live_pid, wait_exit and the MariaDB set-up this script shares with deploy/multinode.sh.
source "$root/deploy/mariadb_server.sh"
stack=${HUICAI_STACK_DIR:-$root/.stack}
mysql_port=${HUICAI_MYSQL_PORT:-13306}
redis_port=${HUICAI_REDIS_PORT:-16379}
database=${HUICAI_MYSQL_DATABASE:-huicai}
test_database=${HUICAI_TEST_MYSQL_DATABASE:-huicai_test}
app_user=${HUICAI_MYSQL_USER:-huicai}
app_password=${HUICAI_MYSQL_PASSWORD:-huicai-dev}
admin_user=${HUICAI_MYSQL_ADMIN_USER:-huicai_admin}
admin_password=${HUICAI_MYSQL_ADMIN_PASSWORD:-huicai-admin-dev}
redis_user=${HUICAI_REDIS_USER:-huicai}
redis_password=${HUICAI_REDIS_PASSWORD:-huicai-redis-dev}
wait_seconds=${HUICAI_STACK_WAIT_SECONDS:-60}

mysql_dir=$stack/mysql
mysql_data=$mysql_dir/data
mysql_socket=$mysql_dir/mysqld.sock
mysql_pid=$mysql_dir/mysqld.pid
mysql_log=$mysql_dir/mariadb.err
mysql_conf=$mysql_dir/my.cnf
redis_dir=$stack/redis
redis_pid=$redis_dir/redis.pid
redis_log=$redis_dir/redis.log
redis_conf=$redis_dir/redis.conf

# The OS user the servers run as. MariaDB refuses to run as root unless told to (--user=root);
# in CI we are root. mariadb-install-db gives this OS user a unix_socket account, which is how
# this script talks to the server as its superuser (no password anywhere).
os_user=$(id -un)

say() { echo "stack: $*"; }
fail() {
  echo "stack: error: $*" >&2
  exit 1
}

show_log_tail() {
  echo "----- last lines of $1 -----" >&2
  tail -n 30 "$1" >&2 2>/dev/null || echo "(no log)" >&2
  echo "-----" >&2
}

# ---------------------------------------------------------------- MariaDB

mysql_superuser() { mariadb --no-defaults --protocol=socket --socket="$mysql_socket" -u "$os_user" "$@"; }

mysql_answers() {
  mariadb-admin --no-defaults --protocol=socket --socket="$mysql_socket" -u "$os_user" \
    --connect-timeout=2 ping >/dev/null 2>&1
}

start_mysql() {
  mkdir -p "$mysql_dir"
  if live_pid "$mysql_pid" >/dev/null && mysql_answers; then
    say "MariaDB already running on 127.0.0.1:$mysql_port"
    return 0
  fi
  if pid=$(live_pid "$mysql_pid"); then
    # Alive but not answering yet (another start is under way): wait for it below.
    say "MariaDB (pid $pid) is starting"
  else
    mariadb_write_config "$mysql_dir" "$mysql_port" 512M 64M 500
    if [ ! -d "$mysql_data/mysql" ]; then
      say "initialising MariaDB data directory in $mysql_data"
      if ! mariadb_install "$mysql_dir"; then
        show_log_tail "$mysql_dir/install.log"
        fail "mariadb-install-db failed"
      fi
    fi
    # shellcheck disable=SC2086 # the extra options are words
    mariadb_launch "$mysql_dir" ${HUICAI_MYSQL_EXTRA_OPTIONS:-}
  fi
  local waited=0
  until mysql_answers; do
    if ((waited >= wait_seconds * 10)); then
      show_log_tail "$mysql_log"
      fail "MariaDB did not answer on $mysql_socket within ${wait_seconds}s"
    fi
    if ((waited > 20)) && ! live_pid "$mysql_pid" >/dev/null && ! pgrep -f -- "--defaults-file=$mysql_conf" >/dev/null; then
      show_log_tail "$mysql_log"
      fail "MariaDB exited during start"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  say "MariaDB up on 127.0.0.1:$mysql_port"
}

provision_mysql() {
  # Idempotent; runs on every start so changed passwords in the environment take effect.
  # Two databases get the same users and grants: the application's (the demo that deploy/up.sh
  # seeds) and the test suite's, so tests never write into the demo's. The admin user may also
  # create throwaway databases named huicai_test_* (migrate tests).
  local db grants=
  for db in $(printf '%s\n' "$database" "$test_database" | sort -u); do
    grants+="
CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$db\`.* TO '$app_user'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$db\`.* TO '$app_user'@'localhost';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$admin_user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$admin_user'@'localhost';"
  done
  mysql_superuser <<EOF
CREATE USER IF NOT EXISTS '$app_user'@'127.0.0.1' IDENTIFIED BY '$app_password';
CREATE USER IF NOT EXISTS '$app_user'@'localhost' IDENTIFIED BY '$app_password';
ALTER USER '$app_user'@'127.0.0.1' IDENTIFIED BY '$app_password';
ALTER USER '$app_user'@'localhost' IDENTIFIED BY '$app_password';
CREATE USER IF NOT EXISTS '$admin_user'@'127.0.0.1' IDENTIFIED BY '$admin_password';
CREATE USER IF NOT EXISTS '$admin_user'@'localhost' IDENTIFIED BY '$admin_password';
ALTER USER '$admin_user'@'127.0.0.1' IDENTIFIED BY '$admin_password';
ALTER USER '$admin_user'@'localhost' IDENTIFIED BY '$admin_password';
$grants
GRANT ALL PRIVILEGES ON \`huicai\\_test\\_%\`.* TO '$admin_user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`huicai\\_test\\_%\`.* TO '$admin_user'@'localhost';
EOF
}

# Prints "table<TAB>rows" for every base table of database $1 (exact COUNT(*), not the
# estimate in information_schema), nothing when the database does not exist.
row_counts() {
  local db=$1 union
  union=$(mysql_superuser -N -B -e "SET SESSION group_concat_max_len = 1048576;
    SELECT GROUP_CONCAT(CONCAT('SELECT ''', table_name, ''', COUNT(*) FROM \`', table_schema,
      '\`.\`', table_name, '\`') ORDER BY table_name SEPARATOR ' UNION ALL ')
    FROM information_schema.tables WHERE table_schema = '$db' AND table_type = 'BASE TABLE'")
  if [ -z "$union" ] || [ "$union" = NULL ]; then return 0; fi
  mysql_superuser -N -B -e "$union"
}

stop_mysql() {
  local pid
  if ! pid=$(live_pid "$mysql_pid"); then
    say "MariaDB not running"
    return 0
  fi
  kill -TERM "$pid"
  if ! wait_exit "$pid" "$wait_seconds"; then
    show_log_tail "$mysql_log"
    fail "MariaDB (pid $pid) did not exit within ${wait_seconds}s"
  fi
  say "MariaDB stopped"
}

# Sends SIGKILL to the server whose pid file is $1 (crash tests) and waits until it is gone.
kill_server() {
  local pid_file=$1 what=$2 pid
  if ! pid=$(live_pid "$pid_file"); then
    say "$what not running"
    return 0
  fi
  kill -KILL "$pid"
  wait_exit "$pid" 10 || fail "$what (pid $pid) survived SIGKILL"
  say "$what killed"
}

# ---------------------------------------------------------------- Redis

# The password goes through the environment (REDISCLI_AUTH), not the command line: ps shows that.
redis_answers() {
  [ "$(REDISCLI_AUTH=$redis_password redis-cli -h 127.0.0.1 -p "$redis_port" --user "$redis_user" \
    ping 2>/dev/null)" = "PONG" ]
}

# A Redis started by an older stack.sh lets anyone in without a password.
redis_answers_anonymously() {
  [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ]
}

write_redis_config() {
  # Holds the password: readable by this OS user only.
  (umask 077 && cat >"$redis_conf" <<EOF
# Written by deploy/stack.sh; edits are overwritten on the next start.
bind 127.0.0.1
port $redis_port
protected-mode yes
# No anonymous access: the default user is off, the application signs in as its own ACL user
# with a password. It may use keys, streams and scripts, not administer the server (no CONFIG,
# ACL, DEBUG, SHUTDOWN, REPLICAOF) nor wipe or dump it (no FLUSHALL, FLUSHDB, KEYS, MIGRATE).
# The default user is off (nobody can sign in as it) but holds the application's permissions:
# Redis 7.0 replays the append-only file as the default user and re-checks its permissions at
# each EXEC, so with none it silently drops every MULTI/EXEC on restart, among them the effects
# of every script that writes twice (feed sequence, login-failure counters).
user default off ~* &* +@all -@admin -@dangerous
user $redis_user on >$redis_password ~* &* +@all -@admin -@dangerous
daemonize no
pidfile $redis_pid
logfile $redis_log
dir $redis_dir
# Streams (events) must survive a restart: append-only file, fsync every second.
appendonly yes
appendfsync everysec
save ""
EOF
  )
}

start_redis() {
  mkdir -p "$redis_dir"
  if live_pid "$redis_pid" >/dev/null && redis_answers; then
    say "Redis already running on 127.0.0.1:$redis_port"
    return 0
  fi
  if live_pid "$redis_pid" >/dev/null && redis_answers_anonymously; then
    say "Redis on 127.0.0.1:$redis_port runs without its password (older config): restarting it"
    stop_redis
  fi
  if ! live_pid "$redis_pid" >/dev/null; then
    write_redis_config
    setsid redis-server "$redis_conf" </dev/null >>"$redis_dir/redis.out" 2>&1 &
  fi
  local waited=0
  until redis_answers; do
    if ((waited >= wait_seconds * 10)); then
      show_log_tail "$redis_log"
      fail "Redis did not answer on 127.0.0.1:$redis_port within ${wait_seconds}s"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  say "Redis up on 127.0.0.1:$redis_port"
}

stop_redis() {
  local pid
  if ! pid=$(live_pid "$redis_pid"); then
    say "Redis not running"
    return 0
  fi
  kill -TERM "$pid"
  if ! wait_exit "$pid" "$wait_seconds"; then
    show_log_tail "$redis_log"
    fail "Redis (pid $pid) did not exit within ${wait_seconds}s"
  fi
  say "Redis stopped"
}

# ---------------------------------------------------------------- commands

status() {
  local ok=0 pid
  if pid=$(live_pid "$mysql_pid") && mysql_answers; then
    say "MariaDB running (pid $pid) on 127.0.0.1:$mysql_port, data in $mysql_data"
  else
    say "MariaDB not running"
    ok=1
  fi
  if pid=$(live_pid "$redis_pid") && redis_answers; then
    say "Redis running (pid $pid) on 127.0.0.1:$redis_port, data in $redis_dir"
  else
    say "Redis not running"
    ok=1
  fi
  return $ok
}

migrate() {
  local binary=$1
  [ -x "$binary" ] || fail "--migrate: $binary is not an executable"
  say "migrating with $binary"
  # The local stack runs with development passwords unless told otherwise (migrate refuses the
  # built-in admin password outside development).
  (cd "$root" && HUICAI_MYSQL_PORT=$mysql_port HUICAI_MYSQL_DATABASE=$database \
    HUICAI_MYSQL_ADMIN_USER=$admin_user HUICAI_MYSQL_ADMIN_PASSWORD=$admin_password \
    HUICAI_ENV=${HUICAI_ENV:-development} \
    "$binary" migrate --dir "$root/db/migrations") || fail "migration failed"
}

command=${1:-}
shift || true
case "$command" in
  start)
    migrate_binary=
    while (($#)); do
      case "$1" in
        --migrate)
          [ $# -ge 2 ] || fail "--migrate needs the path of the huicai binary"
          migrate_binary=$2
          shift 2
          ;;
        *) fail "unknown option $1" ;;
      esac
    done
    start_mysql
    provision_mysql
    start_redis
    if [ -n "$migrate_binary" ]; then migrate "$migrate_binary"; fi
    ;;
  stop)
    stop_redis
    stop_mysql
    ;;
  status) status ;;
  start-mysql)
    start_mysql
    provision_mysql
    ;;
  stop-mysql) stop_mysql ;;
  restart-mysql)
    stop_mysql
    start_mysql
    provision_mysql
    ;;
  kill-mysql) kill_server "$mysql_pid" MariaDB ;;
  kill-redis) kill_server "$redis_pid" Redis ;;
  freeze-mysql | thaw-mysql)
    pid=$(live_pid "$mysql_pid") || fail "MariaDB not running"
    if [ "$command" = freeze-mysql ]; then
      kill -STOP "$pid" && say "MariaDB frozen (SIGSTOP)"
    else
      kill -CONT "$pid" && say "MariaDB thawed (SIGCONT)"
    fi
    ;;
  reset-db)
    start_mysql
    mysql_superuser -e "DROP DATABASE IF EXISTS \`$database\`"
    provision_mysql
    say "database $database is empty again; run: deploy/stack.sh start --migrate PATH_TO_HUICAI"
    ;;
  row-counts)
    mysql_answers || fail "MariaDB not running"
    row_counts "${1:-$database}"
    ;;
  start-redis) start_redis ;;
  stop-redis) stop_redis ;;
  *)
    sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
    [ -n "$command" ] && [ "$command" != help ] && [ "$command" != --help ] && exit 2
    exit 0
    ;;
esac

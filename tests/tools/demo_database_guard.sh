#!/usr/bin/env bash
# Proves the test suite leaves the demo database alone (tests use their own, see
# tests/CMakeLists.txt). ctest runs `record` before the integration tests and `check` after them:
#
#   demo_database_guard.sh record FILE   row counts of every table of the demo database -> FILE
#   demo_database_guard.sh check FILE    fails, naming the tables, if the counts differ now
#
# The demo database is HUICAI_MYSQL_DATABASE of the shell that runs ctest (default huicai); when
# it does not exist both lists are empty and the check passes. Row counts, not checksums: tests
# create rows with unique names, while an idle demo server beside the suite (deploy/up.sh) may
# still update rows of its own (relays marking events published).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
action=${1:-}
file=${2:-}
[ -n "$file" ] || { echo "usage: $0 record|check FILE" >&2; exit 2; }
demo=${HUICAI_MYSQL_DATABASE:-huicai}

counts() { bash "$root/deploy/stack.sh" row-counts "$demo"; }

case "$action" in
  record)
    counts >"$file"
    echo "demo database $demo: $(wc -l <"$file") tables recorded in $file"
    ;;
  check)
    [ -f "$file" ] || { echo "no record in $file (demo_database_before did not run)" >&2; exit 1; }
    if ! difference=$(diff "$file" <(counts)); then
      echo "the test suite changed the demo database $demo (table, rows: < before, > after):" >&2
      echo "$difference" >&2
      echo "(or someone used the demo while the suite ran)" >&2
      exit 1
    fi
    echo "demo database $demo unchanged ($(wc -l <"$file") tables)"
    ;;
  *)
    echo "usage: $0 record|check FILE" >&2
    exit 2
    ;;
esac

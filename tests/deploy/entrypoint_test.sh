#!/usr/bin/env bash
# The container entrypoint (deploy/docker/entrypoint.sh) turns HUICAI_REDIS_SERVICE into the
# address hiredis needs, keeps an explicit HUICAI_REDIS_HOST, and refuses a name that does not
# resolve instead of starting a service that cannot reach Redis.
set -euo pipefail
entrypoint=$(cd "$(dirname "$0")/../.." && pwd)/deploy/docker/entrypoint.sh
resolved=$(env -u HUICAI_REDIS_HOST HUICAI_REDIS_SERVICE=localhost sh "$entrypoint" sh -c 'echo "$HUICAI_REDIS_HOST"')
[ "$resolved" = 127.0.0.1 ] || { echo "FAIL: localhost resolved to '$resolved'" >&2; exit 1; }
kept=$(HUICAI_REDIS_HOST=10.1.2.3 HUICAI_REDIS_SERVICE=localhost sh "$entrypoint" sh -c 'echo "$HUICAI_REDIS_HOST"')
[ "$kept" = 10.1.2.3 ] || { echo "FAIL: explicit address replaced by '$kept'" >&2; exit 1; }
if env -u HUICAI_REDIS_HOST HUICAI_REDIS_SERVICE=no-such-host.invalid sh "$entrypoint" true 2>/dev/null; then
  echo "FAIL: an unresolvable name started the command" >&2
  exit 1
fi
echo "entrypoint: resolves HUICAI_REDIS_SERVICE, keeps HUICAI_REDIS_HOST, refuses unknown names"

#!/bin/sh
# Container entrypoint: hiredis resolves host names with a blocking call, so the services take
# Redis by IP address (HUICAI_REDIS_HOST). Where only a name is known (a compose service, a
# Kubernetes Service), HUICAI_REDIS_SERVICE names it and it is resolved here, once, at start.
set -eu
if [ -n "${HUICAI_REDIS_SERVICE:-}" ] && [ -z "${HUICAI_REDIS_HOST:-}" ]; then
  address=$(getent ahostsv4 "$HUICAI_REDIS_SERVICE" | awk 'NR == 1 { print $1 }')
  if [ -z "$address" ]; then
    echo "entrypoint: cannot resolve HUICAI_REDIS_SERVICE=$HUICAI_REDIS_SERVICE" >&2
    exit 1
  fi
  HUICAI_REDIS_HOST=$address
  export HUICAI_REDIS_HOST
fi
exec "$@"

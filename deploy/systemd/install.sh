#!/usr/bin/env bash
# Installs Huicai for systemd on this host (as root), from a built checkout:
#   binaries     build/services/.../huicai[-<service>]  -> /opt/huicai/bin/
#   migrations   db/migrations                          -> /opt/huicai/db/migrations/
#   units        deploy/systemd/*.service, *.target     -> /etc/systemd/system/
#   user         deploy/systemd/huicai.sysusers         -> /usr/lib/sysusers.d/huicai.conf
#   settings     deploy/systemd/env/*.env               -> /etc/huicai/ (never overwritten)
#   gateway      deploy/nginx/*.conf                    -> /etc/huicai/nginx/ (upstreams kept)
# Then: fill /etc/huicai/secrets.env and `systemctl enable --now huicai.target huicai-gateway`
# (one process per service) or `systemctl enable --now huicai.service` (all-in-one, port 8080).
# docs/deploy.md has the rest.
#
#   deploy/systemd/install.sh [--root DIR]   --root stages into DIR (no systemctl, no user):
#                                            what the systemd test verifies
# HUICAI_BUILD_DIR [<checkout>/build] is where the binaries are taken from.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${HUICAI_BUILD_DIR:-$checkout/build}
root=
if [ "${1:-}" = --root ]; then
  [ $# -eq 2 ] || { echo "usage: $0 [--root DIR]" >&2; exit 2; }
  root=$2
fi

install -d "$root/opt/huicai/bin" "$root/opt/huicai/db" "$root/opt/huicai/docs" \
  "$root/etc/systemd/system" "$root/usr/lib/sysusers.d"
install -d -m 0750 "$root/etc/huicai"

# The all-in-one host always; each service's own binary where it was built (settlement and
# later services appear here once their code has landed).
install -m 0755 "$build_dir/services/all_in_one/huicai" "$root/opt/huicai/bin/huicai"
for binary in "$build_dir"/services/*/huicai-*; do
  [ -f "$binary" ] && [ -x "$binary" ] || continue
  install -m 0755 "$binary" "$root/opt/huicai/bin/$(basename "$binary")"
done
rm -rf "$root/opt/huicai/db/migrations"
cp -r "$checkout/db/migrations" "$root/opt/huicai/db/migrations"
install -m 0644 "$checkout/docs/deploy.md" "$root/opt/huicai/docs/deploy.md"
# The API reference the server serves (/openapi.yaml, /docs; paths relative to WorkingDirectory).
install -m 0644 "$checkout/docs/openapi.yaml" "$root/opt/huicai/docs/openapi.yaml"
ui=$checkout/docs/ui/node_modules/swagger-ui-dist
if [ -f "$ui/swagger-ui-bundle.js" ]; then
  install -d "$root/opt/huicai/docs/ui/node_modules/swagger-ui-dist"
  install -m 0644 "$ui/swagger-ui-bundle.js" "$ui/swagger-ui.css" "$root/opt/huicai/docs/ui/node_modules/swagger-ui-dist/"
fi

install -m 0644 "$checkout"/deploy/systemd/*.service "$checkout"/deploy/systemd/*.target \
  "$root/etc/systemd/system/"
install -m 0644 "$checkout/deploy/systemd/huicai.sysusers" "$root/usr/lib/sysusers.d/huicai.conf"

# Settings are the operator's once installed: only missing files are added.
for example in "$checkout"/deploy/systemd/env/*.env; do
  target=$root/etc/huicai/$(basename "$example")
  [ -e "$target" ] || install -m 0644 "$example" "$target"
done
install -d "$root/etc/huicai/nginx"
for conf in "$checkout"/deploy/nginx/*.conf; do
  target=$root/etc/huicai/nginx/$(basename "$conf")
  # The upstream pools list this deployment's instances: the operator's once installed.
  if [ "$(basename "$conf")" = huicai-upstreams.conf ] && [ -e "$target" ]; then continue; fi
  install -m 0644 "$conf" "$target"
done
if [ ! -e "$root/etc/huicai/secrets.env" ]; then
  install -m 0600 "$checkout/deploy/systemd/env/secrets.env.example" "$root/etc/huicai/secrets.env"
fi

if [ -z "$root" ]; then
  systemd-sysusers /usr/lib/sysusers.d/huicai.conf
  chgrp huicai /etc/huicai
  systemctl daemon-reload
  echo "installed; edit /etc/huicai/secrets.env, then: systemctl enable --now huicai.target huicai-gateway"
else
  echo "staged into $root"
fi

#!/usr/bin/env bash
# Installs every Debian 12 package Huicai needs to build, run, test and benchmark.
# Idempotent: when everything is present it prints one line and exits.
# Nothing is downloaded from anywhere but Debian's own archive.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache mold pkg-config git clang clang-tidy clang-format llvm
  libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libmysqlcppconn7v5 catch2 libprotobuf-dev protobuf-compiler libsodium-dev
  liboath-dev libqrencode-dev
  libxlsxwriter-dev python3 time
  mariadb-server mariadb-client redis-server redis-tools
  wrk nginx-light curl jq procps psmisc
  galera-4 rsync
  systemd docker-compose nodejs
  chromium fonts-wqy-microhei
)
# npm: Debian's package, unless the installed nodejs (e.g. a newer build) brings its own.
if ! command -v npm >/dev/null; then packages+=(npm); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "install: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's packaged services must not start on install: we run our own on other ports.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if ((created_policy)); then rm -f "$policy"; fi
fi

# Connector/C++ headers: Debian's libmysqlcppconn-dev depends on Boost 1.74's dev package, which
# conflicts with Boost 1.81. Unpack only its headers (cppconn/*.h need no Boost) into a
# git-ignored folder and link the runtime library directly.
vendor=third_party/mysqlcppconn
if [ ! -f "$vendor/usr/include/cppconn/driver.h" ]; then
  echo "install: unpacking Connector/C++ headers into $vendor"
  rm -rf "$vendor" && mkdir -p "$vendor"
  scratch=$(mktemp -d)
  (cd "$scratch" && apt-get download -qq libmysqlcppconn-dev >/dev/null)
  dpkg-deb -x "$scratch"/libmysqlcppconn-dev_*.deb "$vendor"
  rm -rf "$scratch"
fi

# The Kubernetes manifest check's validator (tests/deploy/k8s): pinned by its package-lock.json,
# from the npm registry, into a git-ignored node_modules (absent from image builds: skipped).
k8s_checker=tests/deploy/k8s
if [ -f "$k8s_checker/package-lock.json" ] && [ ! -d "$k8s_checker/node_modules/kubernetes-models" ]; then
  echo "install: npm ci in $k8s_checker"
  npm ci --prefix "$k8s_checker" --no-audit --no-fund >/dev/null
fi

# The aid totals dashboard's ECharts (services/aidstats/dashboard): pinned by its
# package-lock.json, served by aidstats from this node_modules (no CDN at run time).
dashboard=services/aidstats/dashboard
if [ -f "$dashboard/package-lock.json" ] && [ ! -f "$dashboard/node_modules/echarts/dist/echarts.min.js" ]; then
  echo "install: npm ci in $dashboard"
  npm ci --prefix "$dashboard" --no-audit --no-fund >/dev/null
fi
# The API contract check and the generated client's type check (tests/contract: ajv, yaml,
# openapi-typescript, typescript), and the offline API reference page the server serves at /docs
# (docs/ui: swagger-ui-dist; its telemetry postinstall script is not run). Pinned by their
# package-lock.json files, into git-ignored node_modules.
for npm_dir in tests/contract docs/ui; do
  if [ -f "$npm_dir/package-lock.json" ] && [ ! -f "$npm_dir/node_modules/.package-lock.json" ]; then
    echo "install: npm ci in $npm_dir"
    npm ci --prefix "$npm_dir" --ignore-scripts --no-audit --no-fund >/dev/null
  fi
done

echo "install: all packages present"

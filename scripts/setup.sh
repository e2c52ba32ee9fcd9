#!/usr/bin/env bash
# Installs what tiercart needs on a Debian machine, and nothing twice: each package is
# checked first, so a second run makes no network call. Used by every make target.
set -euo pipefail

# Debian packages, by what needs them.
packages=(
  # the core, its tests and benchmarks
  cmake make g++ pkg-config python3 nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  # the what-if replay of Shopify's orders export (CLI and server)
  libcsv-dev
  # a shop's time zone, for the schedule moments checkout is asked about (CLI and server)
  libhowardhinnant-date-dev tzdata
  # fuzzing and sanitizers (libFuzzer ships with clang's runtime)
  clang-14 libclang-rt-14-dev
  # the WebAssembly module, its tests under Node and its size budget
  emscripten binaryen nodejs brotli
  # the wasm module's latency and cold start in a browser (make bench)
  chromium
  # the native server (server/: Beast for HTTP, httplib as its tests' client), its PostgreSQL
  # storage tests and its benchmark
  libboost-dev libcpp-httplib-dev zlib1g-dev libssl-dev libsqlite3-dev libpq-dev postgresql wrk curl openssl
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ships with some Node packages (NodeSource's) and separately with Debian's: ask for it
# only when it is missing, so that apt does not try to replace a working Node.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing npm"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
fi

# npm packages (package.json: terser for the wasm glue; liquidjs, playwright-core, axe-core
# and lighthouse for the demo store, the browser tests and the storefront budgets), installed
# exactly as package-lock.json says, and again only when the lock file changes.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$root/node_modules/.tiercart-lock"
lock_sum="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "setup: npm ci"
  # playwright-core drives Debian's chromium: it must never fetch a browser of its own.
  (cd "$root" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi

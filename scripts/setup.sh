#!/usr/bin/env bash
# Installs what tiercart needs on a Debian machine, and nothing twice: each package is
# checked first, so a second run makes no network call. Used by every make target.
set -euo pipefail

# Debian packages, by what needs them.
packages=(
  # the core, its tests and benchmarks
  cmake make g++ pkg-config python3 nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing and sanitizers (libFuzzer ships with clang's runtime)
  clang-14 libclang-rt-14-dev
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

#!/usr/bin/env bash
# The unit suites under AddressSanitizer and UBSan, as `make test` runs them: each GoogleTest
# binary as one process (ctest starts a process per test case, and under ASan each start
# costs tens of milliseconds: 83 s against 55 s for the same 780 cases), the core's suite
# beside the server's, then the two entries that are not GoogleTest cases (the PostgreSQL
# storage cases and the CLI contract) through ctest. Fails when any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/native-asan/bin
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

"$bin/tiercart_core_tests" --gtest_brief=1 >"$logs/core" 2>&1 &
core=$!
status=0
{
  "$bin/tiercart_server_tests" --gtest_brief=1 --gtest_filter='-*Postgres*' &&
    ctest --preset native-asan -j 2 --no-tests=error -R '^(server\.storage\.postgres|cli\.contract)$'
} >"$logs/server" 2>&1 || status=1
wait "$core" || status=1
cat "$logs/core" "$logs/server"
[ "$status" -eq 0 ] && echo "test-asan: every unit suite passed under ASan and UBSan"
exit "$status"

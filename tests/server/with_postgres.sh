#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server: initdb in a temporary directory, a
# free port on 127.0.0.1 (no Unix socket outside that directory), the command with
# TIERCART_TEST_DATABASE_URL set, then the server is stopped and the directory removed.
# If this script is killed, a watchdog stops the server as soon as the script's process is
# gone, so nothing is left running.
#
#   tests/server/with_postgres.sh COMMAND [ARGS...]
#
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user.
set -euo pipefail

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with_postgres.sh: PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
  exit 1
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

dir="$(mktemp -d /tmp/tiercart-pg-XXXXXX)"
chmod 755 "$dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
data="$dir/data"

# A free port: bind port 0 and read back what the kernel picked.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop_server() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop_server EXIT

"${as_owner[@]}" "$bin/initdb" -D "$data" -U tiercart --auth=trust --no-sync -E UTF8 \
  --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync stays on: these tests and the benchmark measure durable commits.
"${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=50" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

# The watchdog: outlives this script only until it notices the script is gone.
parent=$$
(
  trap '' HUP INT
  while kill -0 "$parent" 2>/dev/null; do sleep 1; done
  "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
) </dev/null >/dev/null 2>&1 &

"${as_owner[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U tiercart tiercart_test
export TIERCART_TEST_DATABASE_URL="postgresql://tiercart@127.0.0.1:$port/tiercart_test"
status=0
"$@" || status=$?
exit "$status"

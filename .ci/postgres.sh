#!/usr/bin/env bash
# A throw-away PostgreSQL for the test suite (the PostgreSQL backend's tests read its URL from
# EXREC_TEST_PG_URL).
#
#   .ci/postgres.sh start DIR   create a cluster in DIR (a new, empty folder), start it on a free
#                               loopback port, create the database exrec_test, print its URL.
#                               Exits 3, saying why on stderr, when the server programs are missing.
#   .ci/postgres.sh stop DIR    stop that cluster and remove DIR.
#
# Debian keeps initdb and pg_ctl under /usr/lib/postgresql/<version>/bin, off PATH. initdb refuses
# to run as root, so as root the server programs run as the postgres user.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action="$1"
dir="$2"

server_bin() {
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

case "$action" in
  start)
    if ! bin="$(server_bin)"; then
      echo "postgres.sh: no PostgreSQL server programs (initdb, pg_ctl) found" >&2
      exit 3
    fi
    if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
      echo "postgres.sh: running as root and there is no postgres user to run initdb as" >&2
      exit 3
    fi
    mkdir -p "$dir"
    password="$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" >"$dir/pw"
    chmod 600 "$dir/pw"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
    as_server_user "$bin/initdb" -D "$dir/data" -U exrec --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$dir/pw" --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pw"
    started=""
    for _ in 1 2 3; do
      port="$(free_port)"
      if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        started=yes
        break
      fi
    done
    if [ -z "$started" ]; then cat "$dir/server.log" >&2; exit 1; fi
    as_server_user "$bin/createdb" -h "$dir" -p "$port" -U exrec exrec_test
    echo "postgresql://exrec:${password}@127.0.0.1:${port}/exrec_test"
    ;;
  stop)
    if bin="$(server_bin)" && [ -d "$dir/data" ]; then
      as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    usage
    ;;
esac

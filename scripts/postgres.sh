#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `scripts/postgres.sh start DIR` makes a cluster
# in DIR, starts it on a free loopback port and prints its address
# (postgres://postgres@127.0.0.1:PORT/postgres); `scripts/postgres.sh stop DIR` stops it and
# removes DIR. Installs Debian's postgresql package when it is missing. The cluster trusts
# local connections and runs without fsync: it holds test data only, and dies with the run.
# `start DIR --bench` keeps fsync on and only commits asynchronously (a crash may lose the
# last commits, never corrupt), which is what SQLite's WAL with synchronous=NORMAL promises:
# the setting the load figures compare on.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install.sh

cmd=${1:?start or stop}
dir=${2:?a folder for the cluster}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# The server refuses to run as root: as root, it runs as the package's postgres user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    { [ -n "$(bindir)" ] && id postgres >/dev/null 2>&1; } || apt_install postgresql >&2
    bin=$(bindir)
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${3:-}" != "--bench" ] || durability="-c synchronous_commit=off -c shared_buffers=512MB"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=400" \
        start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    bin=$(bindir)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac

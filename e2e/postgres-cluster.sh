#!/usr/bin/env bash
# A private PostgreSQL cluster for imip's tests: Debian's packages, initdb
# in a temporary directory, a loopback port, an unprivileged user.
#
#   e2e/postgres-cluster.sh start DIR [PORT]   prints the variables to export
#   e2e/postgres-cluster.sh stop DIR
#   e2e/postgres-cluster.sh restart-server DIR  (start again after a stop)
#
# `start` installs the `postgresql` package when it is missing (as root),
# and exits 3 with a message when it cannot: callers skip then. It writes
# DIR/env, which sets IMIP_TEST_POSTGRES (a URL whose user may create
# databases), IMIP_TEST_POSTGRES_CTL (this script, for the fault test
# that stops and starts the server) and IMIP_TEST_POSTGRES_CA (the private
# CA of the server's TLS certificate).
set -euo pipefail

action=${1:?start, stop or restart-server}
dir=${2:?a directory for the cluster}
port=${3:-54329}
user=imip-pgtest

say() { echo "[postgres] $*" >&2; }

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ] && command -v initdb >/dev/null 2>&1; then
        found=$(dirname "$(command -v initdb)")
    fi
    echo "$found"
}

as_user() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

ensure_packages() {
    if [ -n "$(bindir)" ] && [ -x "$(bindir)/initdb" ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        say "skipped: PostgreSQL is not installed and installing it needs root"
        exit 3
    fi
    say "installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the package's own cluster from starting on the real port.
    local policy=/usr/sbin/policy-rc.d added=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added=1
    fi
    if ! apt-get install -y -q postgresql >/dev/null 2>&1; then
        apt-get update -q >/dev/null 2>&1 || true
        if ! apt-get install -y -q postgresql >/dev/null 2>&1; then
            [ "$added" = 1 ] && rm -f "$policy"
            say "skipped: apt-get could not install postgresql"
            exit 3
        fi
    fi
    [ "$added" = 1 ] && rm -f "$policy"
}

case "$action" in
start)
    ensure_packages
    bin=$(bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
        chown "$user" "$dir"
    fi
    as_user "$bin/initdb" -D "$dir/data" -U imip --auth=trust -E UTF8 --no-locale >/dev/null
    # TLS with a private CA, so that the tests can check that
    # sslmode=require verifies the server's certificate.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=imip test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/data/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 2 -extfile "$dir/san.ext" -out "$dir/data/server.crt" >/dev/null 2>&1
    chmod 600 "$dir/data/server.key"
    if [ "$(id -u)" = 0 ]; then
        chown "$user" "$dir/data/server.key" "$dir/data/server.crt"
    fi
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
ssl = on
EOF
    echo "$bin" >"$dir/bindir"
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start >/dev/null
    script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
    cat >"$dir/env" <<EOF
export IMIP_TEST_POSTGRES=postgres://imip@127.0.0.1:$port/postgres
export IMIP_TEST_POSTGRES_CTL="$script restart-server $dir"
export IMIP_TEST_POSTGRES_CA=$dir/ca.pem
EOF
    say "cluster running on 127.0.0.1:$port ($dir)"
    cat "$dir/env"
    ;;
stop)
    [ -f "$dir/bindir" ] || exit 0
    as_user "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
restart-server)
    # `restart-server DIR stop|start`: the fault test's switch.
    what=${3:?stop or start}
    bin=$(cat "$dir/bindir")
    if [ "$what" = stop ]; then
        as_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    else
        as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start >/dev/null
    fi
    ;;
*)
    say "unknown action $action"
    exit 64
    ;;
esac

#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests, from Debian's binaries (apt-get install postgresql):
#   provision/test-postgres.sh start DIR PORT   initdb into DIR (trust authentication, loopback only), start it
#                                               listening on 127.0.0.1:PORT with its unix socket in DIR, make
#                                               the database `dockhand`, and print its JDBC URL on stdout:
#                                               jdbc:postgresql://127.0.0.1:PORT/dockhand   (user: postgres as
#                                               root, else the caller's name; no password)
#   provision/test-postgres.sh stop DIR         stop it (fast shutdown); harmless when it is not running or DIR
#                                               does not exist. DIR itself is left for the caller to delete.
# As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root; the package creates
# that user): DIR is made and handed to postgres, and every binary runs through `runuser -u postgres --`. As
# anyone else it runs as that user. Only messages go to stderr; stdout carries the URL alone.
# Environment: PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin), PG_START_TIMEOUT (seconds, 60).
set -euo pipefail

me=test-postgres
die() { printf '[%s] %s\n' "$me" "$*" >&2; exit 1; }
log() { printf '[%s] %s\n' "$me" "$*" >&2; }
usage() { sed -n '2,13p' "$0" >&2; exit 2; }

# The binaries: PG_BINDIR, else the newest major version Debian's packages installed.
bindir() {
  local dir=${PG_BINDIR:-}
  if [ -z "$dir" ]; then
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4n | tail -1 || true)
  fi
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] ||
    die "PostgreSQL's server binaries (initdb, pg_ctl) are missing under ${dir:-/usr/lib/postgresql/*/bin}: apt-get install postgresql"
  echo "$dir"
}

# Runs a command as the cluster's owner: postgres when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The database user the cluster's superuser is named after (initdb takes the name of whoever runs it).
db_user() {
  if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi
}

running() { [ -f "$1/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

start() {
  local dir=$1 port=$2 timeout=${PG_START_TIMEOUT:-60}
  case "$port" in '' | *[!0-9]*) die "PORT must be a number, not '$port'" ;; esac
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the server as (root may not): apt-get install postgresql"
    command -v runuser >/dev/null 2>&1 || die "runuser is missing (util-linux): it runs the server as postgres"
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    # postgres must reach DIR: it may sit under a directory only root can enter (e.g. a test's temp dir).
    as_owner test -x "$dir" ||
      die "the postgres user cannot enter $dir (a parent directory is closed to it): choose a DIR under /tmp"
  fi
  chmod 700 "$dir"
  if running "$dir"; then
    local current
    current=$(awk 'NR == 4 {print $1}' "$dir/postmaster.pid")
    [ "$current" = "$port" ] || die "a cluster already runs in $dir, on port $current, not $port: stop it first"
    log "already running in $dir on port $port"
  else
    if [ ! -f "$dir/PG_VERSION" ]; then
      [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a PostgreSQL cluster: give an empty or new DIR"
      log "initdb $dir ($("$BIN/postgres" --version))"
      # Trust on loopback and the socket only: the server listens on 127.0.0.1 and DIR, nowhere else.
      local out
      out=$(as_owner "$BIN/initdb" -D "$dir" --auth-local=trust --auth-host=trust --encoding=UTF8 \
              --locale=C.UTF-8 --no-instructions 2>&1) || { printf '%s\n' "$out" >&2; die "initdb failed in $dir"; }
    fi
    log "starting on 127.0.0.1:$port (socket and log in $dir)"
    # -k: the unix socket in DIR (not /var/run/postgresql, which may be missing or belong to the system's
    # cluster); -h: TCP on loopback only. fsync off: a throw-away cluster need not survive a power cut.
    if ! as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t "$timeout" \
         -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         start >/dev/null; then
      tail -20 "$dir/server.log" >&2 || true
      die "the server in $dir did not start on port $port (is the port taken?)"
    fi
  fi
  # The database, once (psql from the same major version, over the socket in DIR).
  local exists
  exists=$(as_owner "$BIN/psql" -h "$dir" -p "$port" -U "$(db_user)" -d postgres -XAtq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'dockhand'")
  if [ "$exists" != 1 ]; then
    as_owner "$BIN/psql" -h "$dir" -p "$port" -U "$(db_user)" -d postgres -Xq -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE dockhand" >&2
  fi
  echo "jdbc:postgresql://127.0.0.1:$port/dockhand"
}

stop() {
  local dir=$1
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "no cluster in $dir: nothing to stop"
    return 0
  fi
  BIN=$(bindir)
  if running "$dir"; then
    as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
    log "stopped the cluster in $dir"
  else
    log "the cluster in $dir is not running"
  fi
}

[ $# -ge 1 ] || usage
case "$1" in
  start) [ $# -eq 3 ] || usage; BIN=$(bindir); start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac

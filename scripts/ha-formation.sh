#!/usr/bin/env bash
# A pg_auto_failover formation on one machine, for tests, benches and trying failover out:
# a monitor, a primary and a secondary, each a PostgreSQL 15 of its own in DIR, on free ports on
# 127.0.0.1, trust authentication, run as a non-root user (root runs them as `postgres`, the way
# .ci/run starts its temporary PostgreSQL). Replication is synchronous: the primary's
# synchronous_standby_names names the secondary, so a commit is acknowledged once it is on both.
#
#   scripts/ha-formation.sh up DIR       # prints the multi-host URL on its last line
#   scripts/ha-formation.sh status DIR   # the monitor's view of the nodes (pg_autoctl show state)
#   scripts/ha-formation.sh url DIR      # the multi-host URL again
#   scripts/ha-formation.sh primary DIR  # the data directory of the node that is primary now
#   scripts/ha-formation.sh down DIR     # stops every node (DIR is left for its logs; rm it after)
#
# Needs Debian's postgresql-15-auto-failover (pg_autoctl); `up` installs it with apt-get when it
# is missing and the script runs as root. The database is `backstop`, the user `postgres`.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || {
  echo "usage: $0 up|down|status|url|primary DIR" >&2
  exit 2
}
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
DB=backstop

bindir=/usr/lib/postgresql/15/bin
if ! command -v pg_autoctl >/dev/null 2>&1 || [ ! -x "$bindir/pg_ctl" ]; then
  if [ "$cmd" = up ] && [ "$(id -u)" = 0 ]; then
    echo "ha-formation: installing postgresql-15-auto-failover" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15-auto-failover >/dev/null 2>&1 ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15-auto-failover >/dev/null; }
  else
    echo "ha-formation: pg_autoctl not found (apt-get install postgresql-15-auto-failover)" >&2
    exit 1
  fi
fi

runas=()
if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  runas=(runuser -u postgres --)
fi
# pg_autoctl keeps its configuration and state under XDG directories: keep them inside DIR.
as_pg() {
  "${runas[@]}" env XDG_CONFIG_HOME="$dir/xdg/config" XDG_DATA_HOME="$dir/xdg/data" \
    XDG_RUNTIME_DIR="$dir/xdg/run" PG_CONFIG="$bindir/pg_config" PATH="$bindir:$PATH" "$@"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

monitor_uri() { cat "$dir/monitor.uri"; }

start_node() { # name
  local name=$1
  # setsid: its own session, so the caller's Ctrl-C or exit does not stop the formation.
  as_pg setsid pg_autoctl run --pgdata "$dir/$name" >>"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

state_of() { # name -> the node's current state as the monitor sees it
  as_pg psql -qAt -d "$(monitor_uri)" -c \
    "select reportedstate from pgautofailover.node where nodename = '$1'" 2>/dev/null || true
}

wait_for() { # what seconds command...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@"; then return 0; fi
    sleep 1
  done
  echo "ha-formation: $what did not happen within ${seconds}s; logs in $dir/*.log" >&2
  tail -n 30 "$dir"/*.log >&2 || true
  return 1
}

url() {
  # As the user postgres (else postgres.js would sign in as the OS user), without TLS (--no-ssl).
  as_pg pg_autoctl show uri --formation default --pgdata "$dir/monitor" 2>/dev/null |
    sed "s|postgres://|postgres://postgres@|; s|sslmode=prefer|sslmode=disable|"
}

case "$cmd" in
  up)
    trap 'echo "ha-formation: up failed; logs in $dir" >&2; tail -n 20 "$dir"/*.log >&2 2>/dev/null || true' ERR
    if [ ${#runas[@]} -gt 0 ] && ! runuser -u postgres -- test -x "$dir"; then
      echo "ha-formation: the user postgres cannot reach $dir (its parent directories must be searchable)" >&2
      exit 2
    fi
    [ ! -e "$dir/monitor" ] || {
      echo "ha-formation: $dir already holds a formation (down it and remove the directory first)" >&2
      exit 2
    }
    mkdir -p "$dir/xdg/run"
    chmod 700 "$dir/xdg/run"
    [ ${#runas[@]} -eq 0 ] || chown -R postgres "$dir"
    mport=$(free_port)
    as_pg pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$mport" --hostname 127.0.0.1 \
      --auth trust --no-ssl --pgctl "$bindir/pg_ctl" >"$dir/monitor.log" 2>&1
    echo "postgres://autoctl_node@127.0.0.1:$mport/pg_auto_failover?sslmode=disable" >"$dir/monitor.uri"
    start_node monitor
    wait_for "the monitor starting" 60 as_pg pg_isready -q -h 127.0.0.1 -p "$mport"
    for name in node1 node2; do
      port=$(free_port)
      as_pg pg_autoctl create postgres --pgdata "$dir/$name" --pgport "$port" --hostname 127.0.0.1 \
        --name "$name" --dbname "$DB" --auth trust --no-ssl --pgctl "$bindir/pg_ctl" \
        --replication-quorum true --candidate-priority 50 --monitor "$(monitor_uri)" >"$dir/$name.log" 2>&1
      start_node "$name"
      if [ "$name" = node1 ]; then
        wait_for "node1 becoming primary" 120 sh -c "[ \"\$(\"\$0\" state-of \"\$1\" node1)\" = single ]" "$0" "$dir"
      fi
    done
    wait_for "node2 becoming a secondary" 180 sh -c "[ \"\$(\"\$0\" state-of \"\$1\" node2)\" = secondary ]" "$0" "$dir"
    wait_for "node1 becoming primary" 60 sh -c "[ \"\$(\"\$0\" state-of \"\$1\" node1)\" = primary ]" "$0" "$dir"
    # An acknowledged commit waits for the secondary (pg_auto_failover names it in synchronous_standby_names).
    sync=$(as_pg psql -qAt -d "$(url)" -c "show synchronous_standby_names")
    echo "ha-formation: synchronous_standby_names = $sync" >&2
    as_pg pg_autoctl show state --pgdata "$dir/monitor" >&2
    url
    ;;
  state-of)
    state_of "$3"
    ;;
  status)
    as_pg pg_autoctl show state --pgdata "$dir/monitor"
    ;;
  url)
    url
    ;;
  primary)
    for name in node1 node2; do
      if [ "$(state_of "$name")" = primary ] || [ "$(state_of "$name")" = wait_primary ] || [ "$(state_of "$name")" = single ]; then
        echo "$dir/$name"
        exit 0
      fi
    done
    exit 1
    ;;
  down)
    for name in node2 node1 monitor; do
      [ -d "$dir/$name" ] || continue
      as_pg pg_autoctl stop --pgdata "$dir/$name" --immediate >/dev/null 2>&1 || true
    done
    for name in node2 node1 monitor; do
      pidfile="$dir/$name.pid"
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    done
    # A postgres that outlived its pg_autoctl (killed with -9) is stopped by its data directory.
    for name in node2 node1 monitor; do
      if [ -f "$dir/$name/postmaster.pid" ]; then
        as_pg "$bindir/pg_ctl" -D "$dir/$name" -m immediate stop >/dev/null 2>&1 || true
      fi
    done
    ;;
  *)
    echo "usage: $0 up|down|status|url|primary DIR" >&2
    exit 2
    ;;
esac

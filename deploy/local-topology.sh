#!/usr/bin/env bash
# The production topology as real processes on this machine, no Docker: two API replicas
# (127.0.0.1:3101 and :3102) behind nginx (deploy/nginx.local.conf on 127.0.0.1:8080), one
# worker, on a throwaway PostgreSQL database and Redis key prefix.
#
#   npm run build                                           # the topology runs dist/
#   deploy/local-topology.sh                                # run until Ctrl-C
#   deploy/local-topology.sh -- node test/topology/topology.mjs
#
# With a command, it runs once the topology is ready, with STOA_URL (nginx), STOA_WORKER_URL,
# STOA_DATABASE_URL, STOA_API_A_URL/_B_URL and STOA_API_A_PID/_B_PID exported (the pids let it
# stop a replica to rehearse a rolling restart); the script exits with the command's status.
#
# Servers (defaults: the local services):
#   STOA_PG_ADMIN_URL  a maintenance connection; the test database is created next to it
#                      (default postgres://postgres@127.0.0.1:5432/postgres)
#   STOA_REDIS_URL     default redis://127.0.0.1:6379
#   STOA_NGINX_CONF    default deploy/nginx.local.conf
#
# Whatever happens, the exit trap stops every process it started (SIGTERM, then waits: the
# replicas drain like in production), stops nginx, drops the database and deletes the Redis
# keys of its prefix. Each process logs to a temp directory, removed after a successful run and
# kept otherwise; a process that fails to start has its log tail printed.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PG_ADMIN_URL=${STOA_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS_URL=${STOA_REDIS_URL:-redis://127.0.0.1:6379}
# Override only to try a modified copy (it must keep the same listen, upstreams and paths).
NGINX_CONF=${STOA_NGINX_CONF:-$ROOT/deploy/nginx.local.conf}
# The config writes its pid, logs and temp files under this fixed prefix (see its header).
NGINX_PREFIX=/tmp/stoa-nginx
PORT_A=3101
PORT_B=3102
NGINX_PORT=8080
READY_TIMEOUT_S=${STOA_READY_TIMEOUT_S:-60}

log() { printf '[topology] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

if [[ ${1:-} == -- ]]; then shift; fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -E/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi

# --- Preconditions: fail before starting anything, with the fix in the message. -----------
command -v nginx >/dev/null || die 'nginx not found (Debian: apt-get install nginx)'
command -v psql >/dev/null || die 'psql not found (Debian: apt-get install postgresql-client)'
command -v redis-cli >/dev/null || die 'redis-cli not found (Debian: apt-get install redis-tools)'
command -v curl >/dev/null || die 'curl not found (Debian: apt-get install curl)'
[[ -f dist/src/main.js && -f dist/src/worker.js ]] || die 'dist/ is missing: run npm run build'

# A bind test, not a connect test: it also catches a port held by a process that does not
# accept (and nginx/Node would fail on exactly this). Prints the busy ports.
busy_ports() {
  node -e '
    const net = require("node:net");
    const ports = process.argv.slice(1).map(Number);
    Promise.all(ports.map((p) => new Promise((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(p));
      s.listen(p, "127.0.0.1", () => s.close(() => resolve(null)));
    }))).then((r) => console.log(r.filter(Boolean).join(" ")));
  ' "$@"
}
busy=$(busy_ports "$PORT_A" "$PORT_B" "$NGINX_PORT")
[[ -z $busy ]] ||
  die "port(s) $busy on 127.0.0.1 already in use (another topology or Stoa running?); the ports are fixed by deploy/nginx.local.conf"

# WORKER_PORT is validated as 0..3600 by the app config, so an OS-assigned ephemeral port
# (32768+) is refused at boot; look for a free one below that bound instead.
WORKER_PORT=
for candidate in $(seq 3290 3599); do
  if [[ -z $(busy_ports "$candidate") ]]; then
    WORKER_PORT=$candidate
    break
  fi
done
[[ -n $WORKER_PORT ]] || die 'no free port in 3290..3599 for the worker'

psql "$PG_ADMIN_URL" -XAtqc 'SELECT 1' >/dev/null 2>&1 ||
  die "PostgreSQL does not answer at $PG_ADMIN_URL (set STOA_PG_ADMIN_URL)"
[[ $(redis-cli -u "$REDIS_URL" ping 2>/dev/null) == PONG ]] ||
  die "Redis does not answer at $REDIS_URL (set STOA_REDIS_URL); this topology needs Redis"

# --- Names and secrets of this run. ------------------------------------------------------
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
RUN_ID=$(rand_hex 4)
DB_NAME="stoa_topology_test_$RUN_ID"
KEY_PREFIX="topology-$RUN_ID:"
DATABASE_URL=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2];
  console.log(u.toString())' "$PG_ADMIN_URL" "$DB_NAME")
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/stoa-topology-$RUN_ID.XXXX")

# --- Cleanup, armed before the first resource exists. ------------------------------------
PIDS=() # node processes, stopped in reverse start order
COMMAND_PID=
NGINX_STARTED=
DB_CREATED=
FAILED=1 # cleared when the run got to the end without an error

stop_pid() { # SIGTERM, then wait like a process manager would; SIGKILL only past the budget
  local pid=$1 name=$2 waited=0 code=0
  if kill -TERM "$pid" 2>/dev/null; then
    # SHUTDOWN_DRAIN_MS (0.5 s) + SHUTDOWN_TIMEOUT_MS (10 s) + margin.
    while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) still running after 15 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # Also reaps a process that stopped earlier (replica A after the rolling-restart check), so
  # an unclean exit there shows up too. 143/130: the signal hit before the handler existed.
  wait "$pid" 2>/dev/null || code=$?
  if ((code != 0 && code != 143 && code != 130)); then log "$name exited with status $code"; fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n $COMMAND_PID ]]; then stop_pid "$COMMAND_PID" 'command'; fi
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${PIDS[i]%%:*}" "${PIDS[i]#*:}"
  done
  if [[ -n $NGINX_STARTED ]]; then
    local master
    master=$(cat "$NGINX_PREFIX/nginx.pid" 2>/dev/null)
    nginx -c "$NGINX_CONF" -p "$NGINX_PREFIX" -s quit 2>/dev/null
    # `-s quit` only signals; wait for the master so port 8080 is free when we return.
    for _ in $(seq 50); do
      if [[ -z $master ]] || ! kill -0 "$master" 2>/dev/null; then break; fi
      sleep 0.1
    done
  fi
  # The workers are gone, so nothing recreates keys after this (BullMQ, denylist, throttles).
  redis-cli -u "$REDIS_URL" --scan --pattern "${KEY_PREFIX}*" |
    xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  if [[ -n $DB_CREATED ]]; then
    psql "$PG_ADMIN_URL" -XAtqc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null ||
      log "could not drop database $DB_NAME"
  fi
  if ((status != 0 || FAILED)); then
    log "logs kept in $RUN_DIR (nginx: $NGINX_PREFIX/error.log, access.log)"
  else
    rm -rf "$RUN_DIR"
  fi
  log "cleaned up (database $DB_NAME dropped, keys ${KEY_PREFIX}* deleted)"
  exit "$status"
}
trap cleanup EXIT
# A signal ends the run through the EXIT trap; the status says which signal it was.
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
  log "--- last lines of $1 ---"
  tail -n 40 "$1" >&2 || true
}

# --- Database. ---------------------------------------------------------------------------
started_ms=$(date +%s%3N)
psql "$PG_ADMIN_URL" -XAtqc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
DB_CREATED=1
log "database $DB_NAME, Redis prefix $KEY_PREFIX, logs in $RUN_DIR"

# Production settings, as a process manager would set them; short drain so stops are quick.
SECRET_JWT=$(rand_hex 32)
SECRET_SESSION=$(rand_hex 32)
APP_ENV=(
  NODE_ENV=production
  HOST=127.0.0.1
  PUBLIC_URL="http://127.0.0.1:$NGINX_PORT"
  WORKERS_IN_API=false
  TRUST_PROXY=loopback
  JWT_SECRET="$SECRET_JWT"
  SESSION_SECRET="$SECRET_SESSION"
  SHOP_WEBHOOK_SECRET="$(rand_hex 32)"
  CORS_ORIGINS="http://127.0.0.1:$NGINX_PORT"
  COOKIE_SECURE=false
  SHUTDOWN_DRAIN_MS=500
  DATABASE_URL="$DATABASE_URL"
  REDIS_URL="$REDIS_URL"
  REDIS_KEY_PREFIX="$KEY_PREFIX"
  LOG_LEVEL=warn
  LOG_PRETTY=false
  ADMIN_PASSWORD="$(rand_hex 16)"
  WORKER_PORT="$WORKER_PORT"
)

# `env -i` so nothing from the caller's shell (another DATABASE_URL, a METRICS_TOKEN) leaks
# into the processes: they see exactly APP_ENV.
APP_CMD=(env -i PATH="$PATH" HOME="${HOME:-/root}" "${APP_ENV[@]}")
elapsed_ms() { echo $(($(date +%s%3N) - started_ms)); }

if ! "${APP_CMD[@]}" node dist/src/cli.js migrate >"$RUN_DIR/migrate.log" 2>&1; then
  show_log "$RUN_DIR/migrate.log"
  die 'migration failed'
fi
timings="migrated $(elapsed_ms) ms"

# --- Processes. --------------------------------------------------------------------------
start() { # name, then the command
  local name=$1
  shift
  # A simple command, not a function, in the background: the fork execs `env`, which execs
  # node, so $! is node's own pid and our SIGTERM reaches it (a backgrounded function runs in
  # a subshell, and killing that subshell would orphan node).
  "${APP_CMD[@]}" "$@" >"$RUN_DIR/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID:$name")
}
start api-a PORT=$PORT_A node dist/src/main.js
PID_A=$LAST_PID
start api-b PORT=$PORT_B node dist/src/main.js
PID_B=$LAST_PID
start worker node dist/src/worker.js
PID_WORKER=$LAST_PID

mkdir -p "$NGINX_PREFIX" # nginx creates its temp dirs, not their parent
if ! nginx -c "$NGINX_CONF" -p "$NGINX_PREFIX" 2>"$RUN_DIR/nginx.log"; then
  show_log "$RUN_DIR/nginx.log"
  die 'nginx did not start'
fi
NGINX_STARTED=1

# --- Readiness: each replica and the worker directly, then the way clients come in. -------
ready() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1") == 200 ]]; }
deadline=$((SECONDS + READY_TIMEOUT_S))
for target in \
  "api-a http://127.0.0.1:$PORT_A/api/health/ready" \
  "api-b http://127.0.0.1:$PORT_B/api/health/ready" \
  "worker http://127.0.0.1:$WORKER_PORT/health/ready" \
  "nginx http://127.0.0.1:$NGINX_PORT/api/health/ready"; do
  name=${target%% *}
  url=${target#* }
  until ready "$url"; do
    for entry in "${PIDS[@]}"; do
      kill -0 "${entry%%:*}" 2>/dev/null || {
        show_log "$RUN_DIR/${entry#*:}.log"
        die "${entry#*:} exited during startup"
      }
    done
    ((SECONDS < deadline)) || {
      if [[ $name == nginx ]]; then show_log "$NGINX_PREFIX/error.log"; else show_log "$RUN_DIR/$name.log"; fi
      die "$name not ready at $url within ${READY_TIMEOUT_S} s"
    }
    sleep 0.1
  done
  timings+=", $name $(elapsed_ms) ms"
done
log "ready in $(elapsed_ms) ms ($timings): http://127.0.0.1:$NGINX_PORT" \
  "(api-a pid $PID_A, api-b pid $PID_B, worker :$WORKER_PORT pid $PID_WORKER)"

export STOA_URL="http://127.0.0.1:$NGINX_PORT"
export STOA_API_A_URL="http://127.0.0.1:$PORT_A"
export STOA_API_B_URL="http://127.0.0.1:$PORT_B"
export STOA_WORKER_URL="http://127.0.0.1:$WORKER_PORT"
export STOA_DATABASE_URL="$DATABASE_URL"
export STOA_API_A_PID="$PID_A"
export STOA_API_B_PID="$PID_B"

if (($# > 0)); then
  # In the background with `wait`, because bash runs traps only between foreground commands:
  # a SIGTERM to this script (a CI timeout) must reach cleanup while the command still runs.
  # `<&0` keeps stdin, which background jobs would otherwise get as /dev/null.
  "$@" <&0 &
  COMMAND_PID=$!
  code=0
  wait "$COMMAND_PID" || code=$?
  COMMAND_PID=
  FAILED=$((code != 0))
  exit "$code"
fi

log 'running; Ctrl-C stops everything'
while :; do
  for entry in "${PIDS[@]}"; do
    kill -0 "${entry%%:*}" 2>/dev/null || {
      show_log "$RUN_DIR/${entry#*:}.log"
      die "${entry#*:} exited"
    }
  done
  sleep 1 &
  wait $! || true
done

#!/usr/bin/env bash
# `npm run dev:up`: a development hub on this machine's PostgreSQL and Redis. Creates the database
# if missing, installs and builds when needed, (re)starts api and worker in the background (pid
# files and logs under .dev/), waits until both are ready, seeds demo data once, prints where to go.
# Every setting below can be overridden from the environment; `scripts/dev-down.sh` stops them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DEV_DIR=.dev
mkdir -p "$DEV_DIR"

API_PORT=${API_PORT:-3000}
WORKER_PORT=${WORKER_PORT:-3001}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/omnihub}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://localhost:$API_PORT}
export LOG_LEVEL=${LOG_LEVEL:-info}
export SMTP_INBOUND_PORT=${SMTP_INBOUND_PORT:-2525}
export BOOTSTRAP_ADMIN_EMAIL=${BOOTSTRAP_ADMIN_EMAIL:-admin@example.com}
# Dev-only secrets so the SMS and email webhooks can be tried locally (e.g. with ../shared/bench).
export TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN:-dev-twilio-auth-token}
export EMAIL_WEBHOOK_TOKEN=${EMAIL_WEBHOOK_TOKEN:-dev-email-webhook-token}
# A random JWT secret and admin password, generated once and kept in .dev/ (the api refuses
# placeholders), so tokens and the login survive a restart of the dev hub.
kept_secret() {
  if [ ! -s "$DEV_DIR/$1" ]; then
    (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes($2).toString('base64url'))" >"$DEV_DIR/$1")
  fi
  cat "$DEV_DIR/$1"
}
export JWT_SECRET=${JWT_SECRET:-$(kept_secret jwt-secret 32)}
export BOOTSTRAP_ADMIN_PASSWORD=${BOOTSTRAP_ADMIN_PASSWORD:-$(kept_secret admin-password 12)}

say() { printf 'dev:up: %s\n' "$*"; }
fail() {
  printf 'dev:up: %s\n' "$*" >&2
  exit 1
}

# --- the database -------------------------------------------------------------------------------
command -v psql >/dev/null || fail "psql not found: install the PostgreSQL client (apt-get install postgresql-client)"
database=${DATABASE_URL##*/}
database=${database%%\?*}
[[ $database =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "cannot read a plain database name from DATABASE_URL ($database)"
maintenance_url="${DATABASE_URL%/*}/postgres"
psql "$maintenance_url" -qtAc 'SELECT 1' >/dev/null 2>&1 || fail "PostgreSQL does not answer at ${maintenance_url%%@*}@… (is it running?)"
if [ -z "$(psql "$maintenance_url" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
  say "creating database $database"
  psql "$maintenance_url" -qc "CREATE DATABASE \"$database\"" >/dev/null
fi
if command -v redis-cli >/dev/null; then
  [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = "PONG" ] || fail "Redis does not answer at $REDIS_URL (is it running?)"
fi

# --- install and build when needed --------------------------------------------------------------
if [ ! -d node_modules ]; then
  say "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "note: package-lock.json changed since the last install; run npm ci if the build or start-up fails"
fi
API_MAIN=dist/apps/api/src/main.js
WORKER_MAIN=dist/apps/worker/src/main.js
stale() {
  [ -f "$API_MAIN" ] && [ -f "$WORKER_MAIN" ] || return 0
  local newer
  newer=$(find apps libs tsconfig.json tsconfig.build.json nest-cli.json package-lock.json \
    -newer "$API_MAIN" -o -newer "$WORKER_MAIN" 2>/dev/null | head -n 1)
  [ -n "$newer" ]
}
if stale; then
  say "building (dist is missing or older than the sources)"
  npm run build --silent
fi

# --- (re)start api and worker -------------------------------------------------------------------
bash scripts/dev-down.sh --quiet

port_taken() {
  node -e "require('node:net').connect(Number(process.argv[1]), '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))" "$1"
}
start() {
  local name=$1 main=$2 port=$3
  ! port_taken "$port" || fail "port $port is taken by another process; set ${name^^}_PORT to a free one"
  : >"$DEV_DIR/$name.log"
  # In its own session: the process outlives this script and the terminal that ran it.
  if command -v setsid >/dev/null; then
    PORT=$port setsid node "$main" </dev/null >>"$DEV_DIR/$name.log" 2>&1 &
  else
    PORT=$port nohup node "$main" </dev/null >>"$DEV_DIR/$name.log" 2>&1 &
  fi
  echo $! >"$DEV_DIR/$name.pid"
}
wait_ready() {
  local name=$1 port=$2 pid
  pid=$(cat "$DEV_DIR/$name.pid")
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$DEV_DIR/$name.log" >&2
      fail "$name exited during start-up; its log is $DEV_DIR/$name.log"
    fi
    if node -e "fetch('http://127.0.0.1:$port/health/ready').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"; then
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$DEV_DIR/$name.log" >&2
  fail "$name did not become ready within 60s; its log is $DEV_DIR/$name.log"
}

# The api runs the migrations, so the worker starts once the api is ready.
say "starting api on port $API_PORT"
start api "$API_MAIN" "$API_PORT"
wait_ready api "$API_PORT"
say "starting worker on port $WORKER_PORT"
start worker "$WORKER_MAIN" "$WORKER_PORT"
wait_ready worker "$WORKER_PORT"

# --- demo data ----------------------------------------------------------------------------------
if [ "${DEMO_SEED:-true}" != "false" ]; then
  OMNIHUB_URL="http://127.0.0.1:$API_PORT" node scripts/seed-demo.mjs || say "warning: demo data was not seeded (see above); the hub is up"
fi

inbox="$PUBLIC_BASE_URL/"
node -e "fetch('http://127.0.0.1:$API_PORT/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" ||
  inbox="(not served by this build yet)"

cat <<EOF

Omnihub is up (stop it with: bash scripts/dev-down.sh)
  agent inbox   $inbox
  api           http://localhost:$API_PORT  (REST under /api, webhooks under /webhooks; ready: /health/ready)
  api docs      http://localhost:$API_PORT/api/docs  (OpenAPI document: /api/docs-json)
  worker        http://localhost:$WORKER_PORT/health/ready
  agent events  socket.io namespace /agents on port $API_PORT (docs/events.md)
  inbound SMTP  localhost:$SMTP_INBOUND_PORT
  logs          $DEV_DIR/api.log, $DEV_DIR/worker.log

Log in as the admin:
  email     $BOOTSTRAP_ADMIN_EMAIL
  password  $BOOTSTRAP_ADMIN_PASSWORD
  curl -s -X POST http://localhost:$API_PORT/api/auth/login -H 'content-type: application/json' \\
    -d '{"email":"$BOOTSTRAP_ADMIN_EMAIL","password":"$BOOTSTRAP_ADMIN_PASSWORD"}'
EOF

#!/usr/bin/env bash
# Stops the api and worker that scripts/dev-up.sh started, by the pid files it wrote under .dev/.
# SIGTERM first (running jobs finish, connections close), SIGKILL after 15 seconds.
# Stops nothing else: a pid is only signalled while it is still one of our node processes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DEV_DIR=.dev
quiet=false
[ "${1:-}" = "--quiet" ] && quiet=true
say() { $quiet || printf 'dev:down: %s\n' "$*"; }

ours() {
  local pid=$1 name=$2
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: it must still be node running our build of this app.
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "dist/apps/$name/src/main.js"
  else
    ps -o command= -p "$pid" | grep -q "dist/apps/$name/src/main.js"
  fi
}

# The worker first: it stops taking jobs while the api can still answer.
for name in worker api; do
  pid_file="$DEV_DIR/$name.pid"
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if ours "$pid" "$name"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 30); do
      ours "$pid" "$name" || break
      sleep 0.5
    done
    if ours "$pid" "$name"; then
      say "$name did not stop within 15s; killing it"
      kill -KILL "$pid"
    fi
  else
    say "$name is not running"
  fi
  rm -f "$pid_file"
done

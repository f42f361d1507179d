#!/usr/bin/env bash
# What `dockhand run` costs on top of Docker, and how it streams.
#
#   bench/run-bench.sh      (after ./mvnw -B package -DskipTests; needs docker, curl, python3, a JDK 21+)
#
# It starts a store (H2 in a temporary directory, its own token, port STORE_PORT, default 15101) and an agent
# (port AGENT_PORT, default 15102, node id bench-<pid>) from this checkout's jars on this host, beside anything
# else that runs here (its own cluster token: it never touches another Dockhand's containers or images), and the
# `dockhand` CLI from client-app's jar, each JVM with the options its image gives it (store -Xmx512m, agent
# -Xmx256m, CLI C1 and serial GC). Then, in this one run:
#   1. a small folder on a warm cache, RUNS times (default 20): `dockhand run` from the command to its exit code,
#      next to `docker build -q` + `docker run --rm` of the same folder — p50 and p99 of each;
#   2. the delay from a line written in a container to that line at a follower of the run's log
#      (curl on GET /api/v1/runs/{id}/logs?follow=true), for LINES lines (default 100);
#   3. a context of BIG_MIB MiB (default 500) of random bytes: the upload rate of `dockhand run --detach`, and the
#      peak RSS (VmHWM) of the CLI, the store and the agent.
# Everything it made (processes, containers, images, files) is removed when it ends, however it ends.
set -euo pipefail

RUNS=${RUNS:-20}
LINES=${LINES:-100}
BIG_MIB=${BIG_MIB:-500}
STORE_PORT=${STORE_PORT:-15101}
AGENT_PORT=${AGENT_PORT:-15102}
BASE=${BASE:-dockhand/debian:bookworm}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=provision/lib.sh
. "$ROOT/provision/lib.sh" 2>/dev/null || true
JAVA_HOME=${JAVA_HOME:-$(find_jdk 2>/dev/null || true)}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
WORK=$(mktemp -d)
NODE=bench-$$
TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
CLUSTER=$(printf '%s' "$TOKEN" | sha256sum | cut -c1-16)
BASELINE_TAG=dockhand-bench/baseline:$$
pids=()

say() { printf '[run-bench] %s\n' "$*" >&2; }

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    for f in store agent; do [ -f "$WORK/$f.log" ] && { say "failed ($status); $f log ends:"; tail -15 "$WORK/$f.log" >&2; }; done
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ids=$(docker ps -aq --filter "label=io.dockhand.cluster=$CLUSTER")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
  for _ in 1 2 3; do
    imgs=$(docker images -q --filter "label=io.dockhand.cluster=$CLUSTER" | sort -u)
    [ -n "$imgs" ] && docker rmi -f $imgs >/dev/null 2>&1 || true
  done
  docker rmi -f "$BASELINE_TAG" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for jar in server-app info-agent client-app; do
  [ -f "$ROOT/$jar/target/$jar.jar" ] || { say "no $jar/target/$jar.jar: run ./mvnw -B package -DskipTests first"; exit 1; }
done
command -v python3 >/dev/null || { say "needs python3"; exit 1; }
docker image inspect "$BASE" >/dev/null 2>&1 || "$ROOT/provision/offline-base.sh"

printf '%s' "$TOKEN" > "$WORK/token"; chmod 600 "$WORK/token"
say "starting a store on :$STORE_PORT and an agent on :$AGENT_PORT (node $NODE)"
SERVER_PORT=$STORE_PORT SERVER_HOST=127.0.0.1 STORE_DIR=$WORK/data STORE_TOKENFILE=$WORK/token \
  "$JAVA" -Xmx512m -jar "$ROOT/server-app/target/server-app.jar" > "$WORK/store.log" 2>&1 &
store_pid=$!; pids+=("$store_pid")
wait_health() { # port pid name
  for _ in $(seq 1 120); do
    kill -0 "$2" 2>/dev/null || { say "$3 exited"; exit 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/observe/health")" = 200 ] && return 0
    sleep 0.5
  done
  say "$3 did not become healthy"; exit 1
}
wait_health "$STORE_PORT" "$store_pid" store
SERVER_PORT=$AGENT_PORT SERVER_HOST=127.0.0.1 AGENT_STORE=http://127.0.0.1:$STORE_PORT AGENT_TOKENFILE=$WORK/token \
  AGENT_NODE=$NODE "$JAVA" -Xmx256m -jar "$ROOT/info-agent/target/info-agent.jar" > "$WORK/agent.log" 2>&1 &
agent_pid=$!; pids+=("$agent_pid")
wait_health "$AGENT_PORT" "$agent_pid" agent
for _ in $(seq 1 60); do
  curl -s "http://127.0.0.1:$STORE_PORT/api/v1/nodes/$NODE" | grep -q '"status":"up"' && break; sleep 0.5
done

dockhand() {
  DOCKHAND_SERVER=http://127.0.0.1:$STORE_PORT DOCKHAND_TOKEN_FILE=$WORK/token \
    "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$ROOT/client-app/target/client-app.jar" "$@"
}

# p50 and p99 in milliseconds of a file of milliseconds, one per line
percentiles() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "no samples"; exit }
    printf "p50 %8.1f ms   p99 %8.1f ms   (n=%d)", v[int((NR - 1) * 0.50) + 1], v[int((NR - 1) * 0.99) + 1], NR }'
}
now_ms() { date +%s%3N; }

# 1. a small folder, warm cache
small=$WORK/small; mkdir -p "$small"
printf 'FROM %s\nCOPY hello.sh /hello.sh\nCMD ["sh", "/hello.sh"]\n' "$BASE" > "$small/Dockerfile"
printf 'echo hello from the bench\n' > "$small/hello.sh"
say "warming both caches"
dockhand run "$small" > /dev/null
docker build -q -t "$BASELINE_TAG" "$small" > /dev/null && docker run --rm "$BASELINE_TAG" > /dev/null
say "1. $RUNS x dockhand run and $RUNS x docker build -q + docker run --rm, alternating"
for _ in $(seq 1 "$RUNS"); do
  t0=$(now_ms); dockhand run "$small" > "$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
  echo $(( $(now_ms) - t0 )) >> "$WORK/dockhand.ms"
  grep -q 'hello from the bench' "$WORK/out" || { say "dockhand run printed no output"; cat "$WORK/out" >&2; exit 1; }
  t0=$(now_ms); img=$(docker build -q "$small"); docker run --rm "$img" > /dev/null
  echo $(( $(now_ms) - t0 )) >> "$WORK/docker.ms"
done

# 2. line delay: the container prints its clock; the follower compares with its own (one machine, one clock)
say "2. $LINES lines written 50 ms apart, followed live"
lines=$WORK/lines; mkdir -p "$lines"
printf 'FROM %s\nCMD ["sh", "-c", "sleep 2; for i in $(seq 1 %d); do echo \\"line $(date +%%s%%N)\\"; sleep 0.05; done"]\n' \
  "$BASE" "$LINES" > "$lines/Dockerfile"
id=$(dockhand run --detach "$lines")
curl -sN "http://127.0.0.1:$STORE_PORT/api/v1/runs/$id/logs?follow=true" | python3 -c '
import sys, time
for raw in sys.stdin:
    parts = raw.split()
    if len(parts) == 2 and parts[0] == "line" and parts[1].isdigit():
        print("%.3f" % ((time.time_ns() - int(parts[1])) / 1e6), flush=True)
' > "$WORK/delay.ms"

# 3. a big context
say "3. a context of $BIG_MIB MiB"
big=$WORK/big; mkdir -p "$big"
head -c "$((BIG_MIB * 1024 * 1024))" /dev/urandom > "$big/blob.bin"
printf 'FROM %s\nCOPY blob.bin /blob.bin\nCMD ["ls", "-l", "/blob.bin"]\n' "$BASE" > "$big/Dockerfile"
hwm() { awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$1/status"; }
store_before=$(hwm "$store_pid"); agent_before=$(hwm "$agent_pid")
export -f dockhand; export JAVA ROOT STORE_PORT WORK
t0=$(now_ms)
read -r big_id client_rss < <(python3 - "$big" <<'PY'
import resource, subprocess, sys
out = subprocess.run(["bash", "-c", 'dockhand run --detach "$0"', sys.argv[1]], capture_output=True, text=True)
if out.returncode != 0:
    sys.stderr.write(out.stderr); sys.exit(1)
print(out.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
)
upload_ms=$(( $(now_ms) - t0 ))
store_after_upload=$(hwm "$store_pid")
for _ in $(seq 1 600); do
  state=$(curl -s "http://127.0.0.1:$STORE_PORT/api/v1/runs/$big_id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  case $state in succeeded|failed|cancelled|lost) break ;; esac
  sleep 1
done
[ "$state" = succeeded ] || { say "the big run ended $state"; curl -s "http://127.0.0.1:$STORE_PORT/api/v1/runs/$big_id/logs" | tail -5 >&2; exit 1; }

echo
echo "small folder, warm cache ($RUNS runs each, alternating)"
echo "  dockhand run (command to exit code)        $(percentiles "$WORK/dockhand.ms")"
echo "  docker build -q + docker run --rm          $(percentiles "$WORK/docker.ms")"
echo "line written in the container -> follower    $(percentiles "$WORK/delay.ms")"
echo "context of $BIG_MIB MiB"
echo "  dockhand run --detach (walk, tar, upload, store): $upload_ms ms = $(python3 -c "print(round($BIG_MIB / ($upload_ms / 1000), 1))") MiB/s"
echo "  peak RSS: CLI ${client_rss} MiB; store ${store_before} -> ${store_after_upload} MiB (after the upload) -> $(hwm "$store_pid") MiB; agent ${agent_before} -> $(hwm "$agent_pid") MiB (after its build)"

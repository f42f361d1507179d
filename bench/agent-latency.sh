#!/usr/bin/env bash
# Measures how fast the info agent answers GET /v1/self with many containers on the node, next to the raw
# engine's container inspection measured in the same run.
#
#   bench/agent-latency.sh            (after ./mvnw -pl info-agent -am package; needs docker, curl, JAVA_HOME)
#
# It starts CONTAINERS idle containers (default 50) of dockhand/debian:bookworm on a user network, all labelled
# io.dockhand.test=agent-bench, runs the agent jar on this host (port PORT, default 15002, listening on all
# addresses), and lets CALLERS of them (default 8) call /v1/self through their gateway at the same time, CALLS
# times each (default 100), with one curl per caller and a new connection per call (-w %{time_total}: connect +
# request + answer). Then it asks the engine for the same containers' inspection over its socket the same way
# (curl --unix-socket, same concurrency and count), and samples
# the original tool's way (stats?stream=false) a few times. It prints p50/p99 of each, and removes everything it
# created when it ends, however it ends.
set -euo pipefail

CONTAINERS=${CONTAINERS:-50}
CALLERS=${CALLERS:-8}
CALLS=${CALLS:-100}
PORT=${PORT:-15002}
IMAGE=${IMAGE:-dockhand/debian:bookworm}
SOCKET=${SOCKET:-/var/run/docker.sock}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/info-agent/target/info-agent.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
LABEL=io.dockhand.test=agent-bench
NET=dockhand-agent-bench-$$
WORK=$(mktemp -d)
agent_pid=

log() { printf '[agent-latency] %s\n' "$*" >&2; }

cleanup() {
  status=$?
  [ "$status" -ne 0 ] && [ -f "$WORK/agent.log" ] && { log "failed ($status); the agent's log ends:"; tail -20 "$WORK/agent.log" >&2; }
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  ids=$(docker ps -aq --filter "label=$LABEL")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
  docker network ls -q --filter "label=$LABEL" | xargs -r docker network rm >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# p50 and p99 in milliseconds of a file of seconds, one per line
percentiles() {
  sort -g "$1" | awk '{ v[NR] = $1 * 1000 } END {
    if (NR == 0) { print "no samples"; exit }
    p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1]
    printf "p50 %7.2f ms   p99 %7.2f ms   (n=%d)\n", p50, p99, NR }'
}

[ -f "$JAR" ] || { log "no $JAR: run ./mvnw -B -pl info-agent -am package -DskipTests first"; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || "$ROOT/provision/offline-base.sh"
(( CALLERS <= CONTAINERS )) || { log "CALLERS must not exceed CONTAINERS"; exit 1; }

docker network create --label "$LABEL" "$NET" >/dev/null
GATEWAY=$(docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' "$NET")
log "starting $CONTAINERS containers on $NET (gateway $GATEWAY)"
for i in $(seq 1 "$CONTAINERS"); do
  docker run -d --init --label "$LABEL" --network "$NET" --name "agent-bench-$$-$i" "$IMAGE" sleep 3600 >> "$WORK/ids"
done

log "starting the agent on port $PORT"
SERVER_PORT=$PORT SERVER_HOST=0.0.0.0 DOCKER_HOST=unix://$SOCKET "$JAVA" -jar "$JAR" > "$WORK/agent.log" 2>&1 &
agent_pid=$!
healthy=false
for _ in $(seq 1 60); do
  kill -0 "$agent_pid" 2>/dev/null || break
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/observe/health")" = 200 ]; then
    healthy=true; break
  fi
  sleep 0.5
done
$healthy || { log "the agent did not become healthy (it needs Java 21+: set JAVA_HOME)"; exit 1; }
sleep 3 # let the stats streams deliver a sample pair for each container

mapfile -t ids < "$WORK/ids"
callers=("${ids[@]:0:$CALLERS}")

# One curl process per caller makes all its calls (so process start-up on this small machine is not measured),
# each on a new connection (Connection: close), as a container asking once would.
many() { # URL COUNT -> curl arguments for COUNT calls of URL
  local args=() i
  for ((i = 0; i < $2; i++)); do args+=(-o /dev/null "$1"); done
  printf '%s\n' "${args[@]}"
}

log "warming up"
for id in "${callers[@]}"; do
  mapfile -t urls < <(many "http://$GATEWAY:$PORT/v1/self" 50)
  docker exec "$id" curl -sS -m 5 -H 'Connection: close' "${urls[@]}"
done

log "agent: $CALLERS concurrent callers x $CALLS calls of /v1/self"
mapfile -t urls < <(many "http://$GATEWAY:$PORT/v1/self" "$CALLS")
for id in "${callers[@]}"; do
  docker exec "$id" curl -s -m 10 -H 'Connection: close' -w '%{http_code} %{time_total}\n' "${urls[@]}" \
    > "$WORK/self.$id" &
done
wait $(jobs -p | grep -v "^$agent_pid\$")
cat "$WORK"/self.* > "$WORK/agent.all"
bad=$(awk '$1 != 200' "$WORK/agent.all" | wc -l)
awk '{ print $2 }' "$WORK/agent.all" > "$WORK/agent.times"

log "engine: $CALLERS concurrent callers x $CALLS calls of GET /containers/{id}/json over $SOCKET"
for id in "${callers[@]}"; do
  mapfile -t urls < <(many "http://localhost/containers/$id/json" "$CALLS")
  curl -s -m 10 -H 'Connection: close' -w '%{time_total}\n' --unix-socket "$SOCKET" "${urls[@]}" \
    > "$WORK/engine.$id" &
done
wait $(jobs -p | grep -v "^$agent_pid\$")
cat "$WORK"/engine.* > "$WORK/engine.times"

log "the original tool's way: GET /containers/{id}/stats?stream=false, 3 calls"
for i in 1 2 3; do
  curl -s -o /dev/null -w '%{time_total}\n' --unix-socket "$SOCKET" \
    "http://localhost/containers/${ids[$(( (i - 1) % ${#ids[@]} ))]}/stats?stream=false"
done > "$WORK/stats.times"

server=$(curl -s "http://127.0.0.1:$PORT/observe/metrics" | awk -F'[{}]' '
  /^dockhand_agent_requests_seconds\{/ && /route="\/v1\/self"/ && /status="2xx"/ {
    split($3, v, " "); q = $2; sub(/.*quantile="/, "", q); sub(/".*/, "", q); printf "p%s %.2f ms  ", q * 100, v[1] * 1000 }')
cpu=$(docker exec "${callers[0]}" curl -s "http://$GATEWAY:$PORT/v1/self" | grep -o '"cpuPercent":[0-9.]*' || true)
echo "containers on the node: $(docker ps -q | wc -l)   concurrent callers: $CALLERS   calls each: $CALLS"
echo "agent  GET /v1/self (from containers)       $(percentiles "$WORK/agent.times")   non-200: $bad"
echo "  of which inside the agent (its own timer, whole run): ${server:-n/a}"
echo "engine GET /containers/{id}/json (socket)    $(percentiles "$WORK/engine.times")"
echo "engine GET /containers/{id}/stats?stream=false $(percentiles "$WORK/stats.times")"
echo "sample answer: ${cpu:-no cpuPercent}"

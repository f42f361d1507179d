#!/usr/bin/env bash
# Store benchmark: POST throughput and latency at concurrency 1, 8 and 32, then the latency of reading a page
# (newest first, filtered, inventory, deep cursor) at 10 thousand and at 1 million stored records.
#
# Usage: bench/store-bench.sh            (from anywhere; builds server-app/target/server-app.jar if missing)
# Env:   DURATION=10   seconds per wrk run        PORT=5301   port the store listens on (loopback only)
#        RECORDS_BIG=1000000                      JAVA_HOME   a JDK 21+ (else the `java` on PATH)
# Needs: wrk (Debian package `wrk`). The load goes to 127.0.0.1 only. Prints a table of figures; changes nothing
# outside a temporary directory, which it removes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=$root/server-app/target/server-app.jar
duration=${DURATION:-10}
port=${PORT:-5301}
big=${RECORDS_BIG:-1000000}
base=http://127.0.0.1:$port

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -pl server-app -am package -DskipTests)

work=$(mktemp -d)
pid=
stop_server() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop_server; rm -rf "$work"' EXIT

start_server() { # $1: database directory
  STORE_DIR=$1 SERVER_PORT=$port SERVER_HOST=127.0.0.1 "$java" -jar "$jar" >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -fs "$base/observe/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "bench: the store did not start; see its log:" >&2; cat "$work/server.log" >&2; exit 1
}

# wrk --latency prints "50%  1.23ms"; turn the unit into milliseconds.
ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } printf "%.2f", v }'; }

run_wrk() { # $1 connections, $2 script or "", $3 path
  local threads=$(( $1 < 2 ? 1 : 2 ))
  local out
  out=$(wrk -t"$threads" -c"$1" -d"${duration}s" --latency ${2:+-s "$2"} "$base$3")
  if grep -q 'Non-2xx' <<<"$out"; then echo "bench: errors during the run:" >&2; echo "$out" >&2; exit 1; fi
  printf '%10s %10s %10s' "$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")" \
    "$(ms 50% <<<"$out")" "$(ms 99% <<<"$out")"
}

echo "== POST /api/v1/records (a new record and idempotency key per request; WRITE_DELAY=0)"
printf '%-12s %10s %10s %10s\n' concurrency "req/s" "p50 ms" "p99 ms"
start_server "$work/post-db"
for c in 1 8 32; do
  printf '%-12s ' "$c"; run_wrk "$c" "$root/bench/post.lua" /api/v1/records; echo
done
stop_server

seed() { # $1 database dir, $2 first number, $3 last number: records of 5000 containers on 10 nodes, 20 images
  "$java" -cp "$root/server-app/target/libs/*" org.h2.tools.Shell -url "jdbc:h2:file:$1/dockhand" -user sa \
    -password "" -sql "
    INSERT INTO records (id, container_id, node, image, observed_us, received_us, document)
    SELECT u, cid, 'node-' || MOD(X, 10), 'image-' || MOD(X, 20) || ':1', obs, obs,
      '{\"containerId\":\"' || cid || '\",\"name\":\"c' || MOD(X, 5000) || '\",\"image\":\"image-' || MOD(X, 20)
      || ':1\",\"node\":\"node-' || MOD(X, 10) || '\",\"state\":\"running\",\"labels\":{\"seed\":\"true\"},'
      || '\"cpuPercent\":1.5,\"memoryBytes\":1048576,\"observedAt\":\"' || obs || '\",\"id\":\"' || u
      || '\",\"receivedAt\":\"seeded\"}'
    FROM (SELECT RANDOM_UUID() u, X, LPAD(CAST(MOD(X, 5000) AS VARCHAR), 12, '0') cid,
                 1798761600000000 + X * 1000000 obs FROM SYSTEM_RANGE($2, $3));
    MERGE INTO containers (container_id, record_seq, observed_us, node, image)
      KEY (container_id)
      SELECT r.container_id, r.seq, r.observed_us, r.node, r.image FROM records r
      JOIN (SELECT container_id, MAX(seq) m FROM records GROUP BY container_id) l ON r.seq = l.m;" >/dev/null
}

page_figures() { # $1 label
  local cursor
  # a cursor in the middle of the table: the sort key of a record half-way down
  cursor=$(printf 'v1:%s:%s' "$(( 1798761600000000 + ($2 / 2) * 1000000 ))" "$(( $2 / 2 ))" | base64 -w0 | tr '+/' '-_' | tr -d '=')
  for q in "records?limit=100" "records?limit=100&node=node-3" "records?limit=100&containerId=000000000042" \
           "records?limit=100&cursor=$cursor" "containers?limit=100"; do
    printf '%-10s %-52s ' "$1" "/api/v1/${q:0:50}"; run_wrk 1 "" "/api/v1/$q"; echo
  done
}

echo
echo "== GET a page (one connection)"
printf '%-10s %-52s %10s %10s %10s\n' records query "req/s" "p50 ms" "p99 ms"
db=$work/page-db
start_server "$db"; stop_server              # let the store create and migrate its database
seed "$db" 1 10000
start_server "$db"; page_figures 10k 10000; stop_server
seed "$db" 10001 "$big"
start_server "$db"; page_figures "$(( big / 1000 ))k" "$big"; stop_server

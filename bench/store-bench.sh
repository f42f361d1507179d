#!/usr/bin/env bash
# Store benchmark: POST throughput and latency at concurrency 1, 8 and 32, then the latency of reading a page
# (newest first, filtered, inventory, deep cursor) at 10 thousand and at 1 million stored records; the same table
# for each database: H2 (the default file, WRITE_DELAY=0) and PostgreSQL (a throw-away cluster of
# provision/test-postgres.sh, with synchronous_commit on: a commit reaches the WAL before the reply, as an H2 commit
# reaches its file; fsync is off in that cluster, and H2 does not sync each commit either).
#
# Usage: bench/store-bench.sh            (from anywhere; builds server-app/target/server-app.jar if missing)
# Env:   DURATION=10   seconds per wrk run        PORT=5301   port the store listens on (loopback only)
#        RECORDS_BIG=1000000                      JAVA_HOME   a JDK 21+ (else the `java` on PATH)
#        DATABASES="h2 postgres"                  which databases, in order   PG_PORT=5302  PostgreSQL's port
# Needs: wrk (Debian package `wrk`); for PostgreSQL, Debian's `postgresql` (server binaries and psql). The load goes
# to 127.0.0.1 only. Prints tables of figures; changes nothing outside temporary directories, which it removes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=$root/server-app/target/server-app.jar
duration=${DURATION:-10}
port=${PORT:-5301}
big=${RECORDS_BIG:-1000000}
databases=${DATABASES:-h2 postgres}
pg_port=${PG_PORT:-5302}
base=http://127.0.0.1:$port

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -pl server-app -am package -DskipTests)

work=$(mktemp -d)
pg_dir= # the PostgreSQL cluster's directory: its own, under /tmp, so the postgres user can reach it when we are root
pid=
stop_server() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
stop_postgres() {
  if [ -n "$pg_dir" ]; then "$root/provision/test-postgres.sh" stop "$pg_dir" 2>/dev/null || true; rm -rf "$pg_dir"; fi
}
trap 'stop_server; stop_postgres; rm -rf "$work"' EXIT

# PostgreSQL: the cluster's superuser (postgres as root, else our name) and psql on one of its databases.
pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
pg_sql() { # $1 database, $2 SQL
  psql -h 127.0.0.1 -p "$pg_port" -U "$(pg_user)" -d "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"
}

start_server() { # $1: h2 | postgres, $2: database (H2: its directory; PostgreSQL: its name)
  if [ "$1" = h2 ]; then
    STORE_DIR=$2 SERVER_PORT=$port SERVER_HOST=127.0.0.1 "$java" -jar "$jar" >>"$work/server.log" 2>&1 &
  else
    STORE_URL=jdbc:postgresql://127.0.0.1:$pg_port/$2 STORE_USER=$(pg_user) STORE_PASSWORD="" \
      SERVER_PORT=$port SERVER_HOST=127.0.0.1 "$java" -jar "$jar" >>"$work/server.log" 2>&1 &
  fi
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

new_database() { # $1 h2 | postgres, $2 name: an empty database for the store to migrate; prints what start_server takes
  if [ "$1" = h2 ]; then
    echo "$work/$2"
  else
    pg_sql postgres "CREATE DATABASE $2" >/dev/null
    pg_sql postgres "ALTER DATABASE $2 SET synchronous_commit = on" >/dev/null # the cluster's default is off
    echo "$2"
  fi
}

seed() { # $1 h2 | postgres, $2 database, $3 first number, $4 last number
  if [ "$1" = h2 ]; then seed_h2 "$2" "$3" "$4"; else seed_postgres "$2" "$3" "$4"; fi
}

# Records of 5000 containers on 10 nodes, 20 images, observed a second apart; then each container's latest.
seed_h2() { # $1 database dir, $2 first number, $3 last number
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

seed_postgres() { # $1 database, $2 first number, $3 last number: the same rows as seed_h2
  pg_sql "$1" "
    INSERT INTO records (id, container_id, node, image, observed_us, received_us, document)
    SELECT u, cid, 'node-' || x % 10, 'image-' || x % 20 || ':1', obs, obs,
      '{\"containerId\":\"' || cid || '\",\"name\":\"c' || x % 5000 || '\",\"image\":\"image-' || x % 20
      || ':1\",\"node\":\"node-' || x % 10 || '\",\"state\":\"running\",\"labels\":{\"seed\":\"true\"},'
      || '\"cpuPercent\":1.5,\"memoryBytes\":1048576,\"observedAt\":\"' || obs || '\",\"id\":\"' || u
      || '\",\"receivedAt\":\"seeded\"}'
    FROM (SELECT gen_random_uuid() u, x, lpad((x % 5000)::text, 12, '0') cid,
                 1798761600000000 + x * 1000000 obs FROM generate_series($2::bigint, $3::bigint) x) s;
    INSERT INTO containers (container_id, record_seq, observed_us, node, image)
      SELECT r.container_id, r.seq, r.observed_us, r.node, r.image FROM records r
      JOIN (SELECT container_id, MAX(seq) m FROM records GROUP BY container_id) l ON r.seq = l.m
      ON CONFLICT (container_id) DO UPDATE SET record_seq = EXCLUDED.record_seq,
        observed_us = EXCLUDED.observed_us, node = EXCLUDED.node, image = EXCLUDED.image;" >/dev/null
  # what autovacuum would do soon after a load like this: statistics for the planner, the visibility map
  pg_sql "$1" "VACUUM ANALYZE" >/dev/null
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

bench() { # $1 h2 | postgres
  local db
  echo "== POST /api/v1/records (a new record and idempotency key per request)"
  printf '%-12s %10s %10s %10s\n' concurrency "req/s" "p50 ms" "p99 ms"
  db=$(new_database "$1" post_db)
  start_server "$1" "$db"
  for c in 1 8 32; do
    printf '%-12s ' "$c"; run_wrk "$c" "$root/bench/post.lua" /api/v1/records; echo
  done
  stop_server

  echo
  echo "== GET a page (one connection)"
  printf '%-10s %-52s %10s %10s %10s\n' records query "req/s" "p50 ms" "p99 ms"
  db=$(new_database "$1" page_db)
  start_server "$1" "$db"; stop_server              # let the store create and migrate its database
  seed "$1" "$db" 1 10000
  start_server "$1" "$db"; page_figures 10k 10000; stop_server
  seed "$1" "$db" 10001 "$big"
  start_server "$1" "$db"; page_figures "$(( big / 1000 ))k" "$big"; stop_server
}

for database in $databases; do
  case "$database" in
    h2)
      echo "==== H2 (file, WRITE_DELAY=0)"
      ;;
    postgres)
      command -v psql >/dev/null || { echo "bench: psql is missing (apt-get install postgresql)" >&2; exit 1; }
      pg_dir=$(mktemp -d)
      "$root/provision/test-postgres.sh" start "$pg_dir" "$pg_port" >/dev/null 2>>"$work/postgres.log" ||
        { cat "$work/postgres.log" >&2; exit 1; }
      echo
      echo "==== PostgreSQL $(pg_sql postgres "SHOW server_version" | cut -d' ' -f1) (synchronous_commit on)"
      ;;
    *) echo "bench: unknown database '$database' in DATABASES (h2, postgres)" >&2; exit 2 ;;
  esac
  bench "$database"
done

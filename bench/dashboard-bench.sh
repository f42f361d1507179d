#!/usr/bin/env bash
# The dashboard's benchmark (issue 14): a store seeded with 30 nodes, 400 containers and 1,000,000 records, measured
# in headless Chromium.
#
#   bench/dashboard-bench.sh        (needs JAVA_HOME, chromium and chromium-driver; builds server-app itself)
#
# Seeding: the 1,000,000 records (2,500 per container, spread over the last 7 days) are bulk-loaded straight into
# the store's own schema (migrated by the store's own Database.open) before the store starts, with one H2
# INSERT ... SELECT over SYSTEM_RANGE, the secondary indexes dropped during the load and built afterwards (about
# 8 minutes on a busy 2-core machine; batched JDBC inserts with the indexes in place took over 13 minutes and
# were stopped; through the API it would be longer still); the 30 nodes heartbeat through the API every 2 s as
# agents do. Then the packaged store runs as its own process (H2 file in a temporary directory) and
# io.dockhand.server.DashboardBench (server-app's test classes; the store with its image's -Xmx512m) prints, each
# against the issue's goal and beside a baseline from the same run where one makes sense:
#   - time to the overview being interactive (navigation start to nodes, use and counts rendered), 15 fresh loads
#     after a warm one; baseline: its 7 API requests sent by the bench alone, in parallel;
#   - time to a container's chart of a week of records (a link followed in the page, 10 containers; also the whole
#     page, and a fresh load of it); baseline: the series route alone for 10 other containers;
#   - the store's RSS with no dashboard open and with 10 (10 browsers, each its own stream, for 30 s while a node
#     changes and a record arrives every 2 s, which each dashboard reads again), with the open streams the store
#     counts; then the same again once they have closed (what stays, apart from heap pages the first time touched);
#   - the delay from a run's agent appending a line to the line on the page, 20 lines; baseline: the same log
#     stream read by the bench alone.
# and a summary table, with the machine's load.
# Everything it creates (store, browsers and their drivers, profiles, the database) lives under one temporary
# directory and is removed when it ends, fails or is interrupted: the JVM cleans up (a shutdown hook too), and this
# script then kills any process still carrying this run's mark in its environment and removes the directory.
# RECORDS=N overrides the number of records (e.g. RECORDS=100000 for a quick try); PHASES=overview,chart,rss,log
# (the default) says what to measure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export JAVA_HOME=${JAVA_HOME:?set JAVA_HOME to a JDK 21+}
MVN=(./mvnw -B -q ${MAVEN_OFFLINE:+-o})
RUN_DIR=$(mktemp -d -t dockhand-dashboard-bench.XXXXXX)
MARK=DOCKHAND_BENCH_RUN=$(basename "$RUN_DIR")
cleanup() {
  # processes of this run only: those whose environment carries its mark (the JVM's children inherit it)
  local pids=() p
  for p in /proc/[0-9]*; do
    if { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF "$MARK"; then pids+=("${p#/proc/}"); fi
  done
  if ((${#pids[@]})); then
    echo "cleanup: killing ${#pids[@]} leftover processes of this run" >&2
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}
# interrupted: the JVM is asked to stop (its shutdown hook cleans up), given 30 s, then what is left is killed
stop() {
  if [[ -n ${JAVA_PID:-} ]] && kill -TERM "$JAVA_PID" 2>/dev/null; then
    for _ in $(seq 60); do kill -0 "$JAVA_PID" 2>/dev/null || break; sleep 0.5; done
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'stop 130' INT
trap 'stop 143' TERM
uptime
# one reactor run: the modules server-app needs are resolved from it (nothing is installed); server-app comes last,
# so the class path file ends up as its own
"${MVN[@]}" -pl server-app -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
  -Dmdep.outputFile="$RUN_DIR/classpath" >/dev/null
cd server-app
# the mark only in the JVM's environment (and so its children's), never in this script's own; the browsers' own
# files (crash reports' database, caches) under the run's directory too
env "$MARK" TMPDIR="$RUN_DIR" XDG_CONFIG_HOME="$RUN_DIR" XDG_CACHE_HOME="$RUN_DIR" "$JAVA_HOME/bin/java" -Djava.io.tmpdir="$RUN_DIR" -Dbench.records="${RECORDS:-1000000}" \
  -Dbench.phases="${PHASES:-overview,chart,rss,log}" \
  -Ddockhand.server.jar=target/server-app.jar \
  -cp "target/test-classes:target/classes:$(cat "$RUN_DIR/classpath")" io.dockhand.server.DashboardBench &
JAVA_PID=$!
wait "$JAVA_PID"
uptime

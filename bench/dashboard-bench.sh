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
# io.dockhand.server.DashboardBench (server-app's test classes) prints:
#   - time to the overview being interactive (navigation start to nodes, use and counts rendered), 5 loads;
#   - time to a container's chart with a week of records (the series route averages them into <= 500 points);
#   - the store's RSS before and after 10 open dashboards (4 browsers, 10 tabs, each with its live stream);
#   - the delay from a run's agent appending a line to the line on the page, 20 lines.
# Everything it created (store, browsers, their profiles, the database) is removed when it ends.
# RECORDS=N overrides the number of records (e.g. RECORDS=100000 for a quick try).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export JAVA_HOME=${JAVA_HOME:?set JAVA_HOME to a JDK 21+}
MVN=(./mvnw -B -q ${MAVEN_OFFLINE:+-o})
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
# one reactor run: the modules server-app needs are resolved from it (nothing is installed); server-app comes last,
# so the class path file ends up as its own
"${MVN[@]}" -pl server-app -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" >/dev/null
cd server-app
"$JAVA_HOME/bin/java" -Dbench.records="${RECORDS:-1000000}" -Ddockhand.server.jar=target/server-app.jar \
  -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" io.dockhand.server.DashboardBench

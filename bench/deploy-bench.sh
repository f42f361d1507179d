#!/usr/bin/env bash
# What a deployment costs, step by step (issue 13), on a real single-node swarm.
#
#   bench/deploy-bench.sh      (needs what the end-to-end tests need: docker with swarm mode, git, a JDK 21+)
#
# It runs the end-to-end DeployIT (e2e/, its own stack beside anything running here, removed when it ends) and
# prints the figures it measures on the way, for the small Python app (2 replicas, health-checked) and a static
# site, all read from the deployment's own history (a timestamp per step):
#   - deploy: seconds in each step (validating, cloning, building, pushing, starting, running) and from
#     `POST /api/v1/deployments` to the first answer on its published port;
#   - update to a new commit: the same split, and the requests answered and failed meanwhile (goal: none failed);
#   - rollback: the same split, and seconds until the old version answers again;
#   - the static site's deploy.
# The baseline in the same run: the agent's first build of the app is the deploy's `building` step; the update
# builds again on a warm layer cache, so the difference between the two is the cost of a cold build.
# RUNS=N repeats the whole run N times (default 1).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-1}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
for i in $(seq 1 "$RUNS"); do
  ./mvnw -B verify -pl e2e -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -De2e.skip=false \
    -Dit.test=DeployIT >"$LOG" 2>&1 || { tail -60 "$LOG"; echo "deploy-bench: run $i failed (log above)" >&2; exit 1; }
  echo "== run $i of $RUNS ($(uptime | sed 's/.*load average/load average/'))"
  grep -E '^\[e2e\] (deployed |deploy steps|update steps|updated in|rollback steps|static site|serve run|broken update)' \
    "$LOG" | sed 's/^\[e2e\] /  /'
done

#!/usr/bin/env bash
# What jobs cost: how fast tasks are accepted, claimed and completed, and how 1,000 tiny tasks compare with a
# shell loop of `docker run`.
#
#   bench/jobs-bench.sh      (after ./mvnw -B package -DskipTests; needs docker, git, curl, python3, a JDK 21+)
#
# It starts a store (H2 in a temporary directory, its own token, port STORE_PORT, default 15111) from this
# checkout's jar on this host, beside anything else that runs here, then, in this one run:
#   1. enqueue: one JSON-lines file of ENQUEUE tasks (default 10,000) POSTed in one request — tasks accepted per
#      second (the tasks are then cancelled: nothing works them);
#   2. claim and complete with the Docker part left out: CLAIM tasks (default 2,000), WORKERS (default 8) workers
#      played over HTTP (claim, report building, running, succeeded) — tasks completed per second;
#   3. end to end: an agent (port AGENT_PORT, default 15112, its default 4 slots) works E2E tasks (default 1,000)
#      of one repository served by `git daemon` on 127.0.0.1, each `echo N`; tasks per second from submit to the
#      last result, next to a shell loop of `docker run --rm IMAGE echo N` over the same image, same count, in this
#      same run.
# Goals (issue 12): enqueue >= 1,000/s, claims >= 500/s, end to end >= 80 % of the shell loop's rate.
# Everything it made (processes, containers, images, files) is removed when it ends, however it ends.
set -euo pipefail

ENQUEUE=${ENQUEUE:-10000}
CLAIM=${CLAIM:-2000}
WORKERS=${WORKERS:-8}
E2E=${E2E:-1000}
STORE_PORT=${STORE_PORT:-15111}
AGENT_PORT=${AGENT_PORT:-15112}
GIT_PORT=${GIT_PORT:-15113}
BASE=${BASE:-dockhand/debian:bookworm}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=provision/lib.sh
. "$ROOT/provision/lib.sh" 2>/dev/null || true
JAVA_HOME=${JAVA_HOME:-$(find_jdk 2>/dev/null || true)}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
WORK=$(mktemp -d)
NODE=jobs-bench-$$
TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
CLUSTER=$(printf '%s' "$TOKEN" | sha256sum | cut -c1-16)
STORE=http://127.0.0.1:$STORE_PORT
pids=()

say() { printf '[jobs-bench] %s\n' "$*" >&2; }

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
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for jar in server-app info-agent; do
  [ -f "$ROOT/$jar/target/$jar.jar" ] || { say "no $jar/target/$jar.jar: run ./mvnw -B package -DskipTests first"; exit 1; }
done
for tool in python3 git curl; do command -v "$tool" >/dev/null || { say "needs $tool"; exit 1; }; done
docker image inspect "$BASE" >/dev/null 2>&1 || "$ROOT/provision/offline-base.sh"

wait_health() { # port pid name
  for _ in $(seq 1 120); do
    kill -0 "$2" 2>/dev/null || { say "$3 exited"; exit 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/observe/health")" = 200 ] && return 0
    sleep 0.5
  done
  say "$3 did not become healthy"; exit 1
}
now_ms() { date +%s%3N; }
rate() { python3 -c "import sys; n, ms = int(sys.argv[1]), int(sys.argv[2]); print('%.1f' % (n * 1000.0 / max(ms, 1)))" "$@"; }
tasks_file() { # count repo command-prefix file
  python3 - "$1" "$2" "$4" <<'PY'
import json, sys
n, repo, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"taskId": "t%d" % i, "repo": repo, "command": ["echo", str(i)]}) + "\n")
PY
}
post_tasks() { # project file
  curl -sS -f -o "$WORK/submit.json" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$2" "$STORE/api/v1/jobs/$1/tasks"
}

printf '%s' "$TOKEN" > "$WORK/token"; chmod 600 "$WORK/token"
say "starting a store on :$STORE_PORT"
SERVER_PORT=$STORE_PORT SERVER_HOST=127.0.0.1 STORE_DIR=$WORK/data STORE_TOKENFILE=$WORK/token \
  "$JAVA" -Xmx512m -jar "$ROOT/server-app/target/server-app.jar" > "$WORK/store.log" 2>&1 &
store_pid=$!; pids+=("$store_pid")
wait_health "$STORE_PORT" "$store_pid" store

# 1. enqueue
say "1. one request of $ENQUEUE tasks"
tasks_file "$ENQUEUE" "git://127.0.0.1:9/none.git" x "$WORK/enqueue.jsonl"
post_tasks warmup <(head -100 "$WORK/enqueue.jsonl")
t0=$(now_ms); post_tasks enqueue "$WORK/enqueue.jsonl"; enqueue_ms=$(( $(now_ms) - t0 ))
grep -q "\"created\":$ENQUEUE" "$WORK/submit.json" || { say "not all created: $(cat "$WORK/submit.json")"; exit 1; }
for p in warmup enqueue; do
  curl -sS -f -o /dev/null -H "Authorization: Bearer $TOKEN" -X POST "$STORE/api/v1/jobs/$p/cancel"
done

# 2. claim and complete, the Docker part left out
say "2. $CLAIM tasks claimed and completed by $WORKERS workers over HTTP"
tasks_file "$CLAIM" "git://127.0.0.1:9/none.git" x "$WORK/claim.jsonl"
post_tasks claims "$WORK/claim.jsonl"
claim_out=$(python3 - "$STORE_PORT" "$TOKEN" "$WORKERS" "$CLAIM" <<'PY'
import http.client, json, socket, sys, threading, time
port, token, workers, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
H = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
done = [0]; lock = threading.Lock()
def call(c, method, path, body=None):
    c.request(method, path, body=None if body is None else json.dumps(body), headers=H)
    r = c.getresponse(); data = r.read()
    return r.status, data
def worker(i):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.connect()
    # headers and body go in two writes: without TCP_NODELAY, Nagle's algorithm and the server's delayed ACK
    # stall each request with a body by up to 40 ms, and the figure would be the kernel's, not the store's
    c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    node = "bench-w%d" % i
    call(c, "PUT", "/api/v1/nodes/" + node, {"hostname": node, "cpus": 2, "memoryBytes": 1 << 30, "leases": []})
    while True:
        s, data = call(c, "POST", "/api/v1/nodes/%s/claim?wait=0s" % node)
        if s == 204:
            return
        run = json.loads(data)["run"]
        for state, extra in (("building", {"commit": "0" * 40}), ("running", {}), ("succeeded", {"exitCode": 0})):
            body = {"node": node, "attempt": run["attempt"], "state": state}; body.update(extra)
            s, _ = call(c, "POST", "/api/v1/runs/%s/reports" % run["id"], body)
            assert s == 200, (s, state)
        with lock:
            done[0] += 1
t0 = time.time()
ts = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
[t.start() for t in ts]; [t.join() for t in ts]
ms = int((time.time() - t0) * 1000)
print(done[0], ms)
PY
)
read -r claimed claim_ms <<< "$claim_out"
[ "$claimed" = "$CLAIM" ] || { say "completed $claimed of $CLAIM"; exit 1; }

# 3. end to end on one node, next to a shell loop of docker run
say "3. $E2E tiny tasks end to end on one node"
git_root=$WORK/git; mkdir -p "$git_root/src"
printf 'FROM %s\n' "$BASE" > "$git_root/src/Dockerfile"
git -C "$git_root/src" init -q -b main
git -C "$git_root/src" add .
git -C "$git_root/src" -c user.name=bench -c user.email=bench@dockhand.invalid commit -q -m bench
git clone -q --bare "$git_root/src" "$git_root/tiny.git"
git daemon --reuseaddr --export-all --base-path="$git_root" --listen=127.0.0.1 --port="$GIT_PORT" "$git_root" \
  > "$WORK/git.log" 2>&1 &
pids+=("$!")
repo=git://127.0.0.1:$GIT_PORT/tiny.git
SERVER_PORT=$AGENT_PORT SERVER_HOST=127.0.0.1 AGENT_STORE=$STORE AGENT_TOKENFILE=$WORK/token \
  AGENT_NODE=$NODE "$JAVA" -Xmx256m -jar "$ROOT/info-agent/target/info-agent.jar" > "$WORK/agent.log" 2>&1 &
agent_pid=$!; pids+=("$agent_pid")
wait_health "$AGENT_PORT" "$agent_pid" agent
# warm: the clone and the image, cached per commit on the node
tasks_file 1 "$repo" x "$WORK/warm.jsonl"
post_tasks warm "$WORK/warm.jsonl"
wait_finished() { # project
  for _ in $(seq 1 3600); do
    curl -s "$STORE/api/v1/jobs/$1" | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["finished"] == s["total"] else 1)' && return 0
    sleep 0.5
  done
  say "project $1 did not finish"; exit 1
}
wait_finished warm
image=$(docker images -q --filter "label=io.dockhand.cluster=$CLUSTER" | head -1)
[ -n "$image" ] || { say "the agent built no image"; exit 1; }
tasks_file "$E2E" "$repo" x "$WORK/e2e.jsonl"
t0=$(now_ms); post_tasks e2e "$WORK/e2e.jsonl"; wait_finished e2e; e2e_ms=$(( $(now_ms) - t0 ))
succeeded=$(curl -s "$STORE/api/v1/jobs/e2e" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["succeeded"])')
[ "$succeeded" = "$E2E" ] || { say "only $succeeded of $E2E tasks succeeded"; exit 1; }
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true
say "   the shell loop: $E2E x docker run --rm $image echo N"
t0=$(now_ms)
for i in $(seq 1 "$E2E"); do docker run --rm "$image" echo "$i" > /dev/null; done
loop_ms=$(( $(now_ms) - t0 ))

enq=$(rate "$ENQUEUE" "$enqueue_ms"); clm=$(rate "$CLAIM" "$claim_ms")
e2e_rate=$(rate "$E2E" "$e2e_ms"); loop_rate=$(rate "$E2E" "$loop_ms")
pct=$(python3 -c "import sys; print('%.0f' % (100.0 * float(sys.argv[1]) / float(sys.argv[2])))" "$e2e_rate" "$loop_rate")
cat <<EOF
jobs benchmark ($(nproc) cores, H2, one node)
  enqueue        $ENQUEUE tasks in one request: $enqueue_ms ms = $enq tasks/s        (goal >= 1000/s)
  claim+complete $CLAIM tasks, $WORKERS HTTP workers, no Docker: $claim_ms ms = $clm tasks/s   (goal >= 500/s)
  end to end     $E2E tiny tasks, one agent (4 slots): $e2e_ms ms = $e2e_rate tasks/s
  shell loop     $E2E x docker run --rm: $loop_ms ms = $loop_rate tasks/s
  end to end / shell loop: $pct %                                        (goal >= 80 %)
EOF

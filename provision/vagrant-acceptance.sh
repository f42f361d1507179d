#!/usr/bin/env bash
# Acceptance test of the Vagrant path, on libvirt (takes many minutes under software emulation; not part of
# the default CI run):
#   host     libvirt's daemons ready (provision/vagrant-host.sh)
#   box      the offline box dockhand/bookworm, built if absent (provision/vagrant-box.sh)
#   up       vagrant up --provider=libvirt: two VMs, the images loaded into each, a two-node swarm, the stack
#   swarm    server is the manager (Leader), client a worker, both Ready; the store's replicas run on server (3, or 1
#            under software emulation: provision/vagrant-emulation.yml), every global service on both nodes
#   client   on the client VM, through `vagrant ssh client`: the client container runs `post` then `get`
#   record   the record shows the client container's id and node `client`; the store (from the host, through
#            the server VM's port 5001) has it too
#   run      on the client VM, `dockhand run --node <client>` of a folder (FROM the client image, on every node)
#            prints its output and exits with its exit code; `dockhand nodes` shows both nodes up
#   deploy   a small Python app (dockhand.toml: lang python, port 8080, 2 replicas, health /healthz) committed to a
#            git repository on the host, served by `git daemon` on the host's address on the VMs' private network
#            (192.168.56.1); on the client VM the client container runs `dockhand deploy git://... --name ...`
#            (the token mounted as for `run`); then waits until the deployment runs 2/2 and `dockhand deployment`
#            says so (a node builds the app on dockhand/debian:bookworm from the images archive, its packages from
#            Debian's mirror, and pushes it to the stack's registry at 127.0.0.1:5000)
#   reach    the app answers with its text on port 8080 from both VMs (each one's 127.0.0.1 and the other VM's
#            address) and from the host (both VMs' addresses); prints which node each replica runs on
#   failover the client VM dies (virsh destroy: power pulled, no shutdown); swarm sees the node down and starts its
#            replica on server (pulling the image from 127.0.0.1:5000) until 2 replicas run there; the app answers
#            on server's port; `dockhand deployment` on server shows in its history the replicas going 1/2 and
#            back to 2/2 on server. Last check that uses the client VM: it stays dead
#   destroy-app  `dockhand destroy --yes` on server: no service of the app is left, the deployment is destroyed
#   destroy  vagrant destroy -f (always, also when a stage fails, unless DOCKHAND_ACCEPTANCE_KEEP=1); stops the
#            git daemon
# Prints each stage's time. Run as root on a Debian host (the box builder needs it):
#   provision/vagrant-acceptance.sh
# Environment: DOCKHAND_BOX (default dockhand/bookworm: the offline box), DOCKHAND_IMAGES (default load),
#   DOCKHAND_MEMORY / DOCKHAND_CPUS / DOCKHAND_LIBVIRT_DRIVER (see the Vagrantfile), DOCKHAND_OFFLINE=1 (build
#   the images on the offline base, no registry), DOCKHAND_ACCEPTANCE_KEEP=1 (leave the VMs running),
#   DOCKHAND_ACCEPTANCE_CHECK_ONLY=1 (skip host, box and up: check VMs that are up already; with
#   DOCKHAND_ACCEPTANCE_FROM=STAGE from that check on, e.g. deploy).
set -euo pipefail
LOG_TAG=acceptance
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DOCKHAND_ROOT"

export DOCKHAND_BOX=${DOCKHAND_BOX:-dockhand/bookworm}
export DOCKHAND_IMAGES=${DOCKHAND_IMAGES:-load}
export DOCKHAND_MEMORY=${DOCKHAND_MEMORY:-3072}
export VAGRANT_DEFAULT_PROVIDER=libvirt
SERVER_IP=192.168.56.10
CLIENT_IP=192.168.56.11
APP=acceptance-app
APP_PORT=8080
APP_TEXT="hello from the acceptance app"
# The client's request timeout (its default is 15 s): under software emulation the store, polled by both agents,
# answered the client VM's `dockhand run` upload too late for the default.
CLIENT_TIMEOUT=${DOCKHAND_ACCEPTANCE_CLIENT_TIMEOUT:-120s}
# How long `deploy` waits for 2/2 (seconds): under emulation a node built the app in 735 s and pushed it in ~750 s.
DEPLOY_WAIT=${DOCKHAND_ACCEPTANCE_DEPLOY_WAIT:-3600}
CLIENT_RUN="docker run -i --rm --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 -e DOCKHAND_TIMEOUT=$CLIENT_TIMEOUT -v /vagrant/provision/cluster.token:/run/secrets/dockhand_token:ro dockhand/client"
NAME=dockhand-acceptance-$$

times=()
current=
started=$SECONDS
stage() {
  current=$1
  shift
  local start=$SECONDS
  log "== stage $current ..."
  "$@"
  times+=("$(printf '%-11s %5d s' "$current" $((SECONDS - start)))")
  log "== stage $current passed in $((SECONDS - start)) s"
  current=
}
summary() {
  log "stage times:"
  local t
  for t in "${times[@]}"; do log "  $t"; done
  log "  total       $((SECONDS - started)) s"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -z "${git_daemon:-}" ] || kill "$git_daemon" 2>/dev/null || true
  [ -z "${tmp:-}" ] || rm -rf "$tmp"
  if [ -n "$current" ]; then
    log "FAILED in stage $current (after $((SECONDS - started)) s)"
    if [ -d .vagrant/machines ]; then
      vagrant ssh server -c "sudo docker node ls; sudo docker stack ps --no-trunc dockhand 2>&1 | head -30; sudo docker service ps --no-trunc dh-$APP 2>&1 | head -10" 2>&1 | sed 's/^/  server| /' >&2 || true
      curl -sS --max-time 20 "http://$SERVER_IP:5001/api/v1/deployments/$APP" 2>&1 | head -c 4000 | sed 's/^/  deployment| /' >&2 || true
    fi
  fi
  if [ "${DOCKHAND_ACCEPTANCE_KEEP:-0}" = 1 ]; then
    log "DOCKHAND_ACCEPTANCE_KEEP=1: the VMs keep running (vagrant destroy -f when done)"
  elif [ -d .vagrant/machines ]; then
    local start=$SECONDS
    log "== destroy: vagrant destroy -f ..."
    vagrant destroy -f >&2 || log "vagrant destroy failed: remove the domains with virsh (virsh list --all)"
    times+=("$(printf '%-11s %5d s' destroy $((SECONDS - start)))")
  fi
  summary
  [ "$rc" = 0 ] && log "PASSED" || log "FAILED (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

host() {
  local args=()
  # Vagrant's home under /root: QEMU (normally libvirt-qemu) could not read the box's kernel there.
  [ "$(id -u)" = 0 ] && case "${VAGRANT_HOME:-$HOME/.vagrant.d}" in /root/*) args+=(--qemu-as-root) ;; esac
  provision/vagrant-host.sh "${args[@]}"
  [ -z "$(vagrant status --machine-readable 2>/dev/null | awk -F, '$3 == "state" && $4 != "not_created"')" ] ||
    die "VMs of this Vagrantfile exist already: vagrant destroy -f first"
}

box() {
  if [ "$DOCKHAND_BOX" = dockhand/bookworm ]; then provision/vagrant-box.sh; else log "box $DOCKHAND_BOX (public)"; fi
}

# Vagrant's progress bars (carriage returns, thousands per upload) would drown the log.
up() { vagrant up --provider=libvirt 2>&1 | stdbuf -oL tr '\r' '\n' | grep --line-buffered -v 'Progress: ' >&2; }

on() { local vm=$1; shift; vagrant ssh "$vm" -c "$*" -- -q 2>/dev/null | tr -d '\r'; }

swarm() {
  local nodes
  nodes=$(on server "sudo docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' | sort" | sed 's/ *$//')
  printf '  %s\n' "$nodes" >&2
  echo "$nodes" | grep -qx 'client Ready' || die "client is not a Ready worker"
  echo "$nodes" | grep -qx 'server Ready Leader' || die "server is not the Ready manager (Leader)"
  [ "$(echo "$nodes" | grep -c .)" = 2 ] || die "the swarm does not have exactly 2 nodes"
  # The client's own agent and gateway (global services) start once it has joined: wait for them.
  # The store's replicas: 3 (swarm-stack.yml), 1 under software emulation (provision/vagrant-emulation.yml).
  local wanted expected=3
  [ "$(on server "systemd-detect-virt 2>/dev/null || true")" != qemu ] || expected=1
  wanted=$(on server "sudo docker service inspect --format '{{.Spec.Mode.Replicated.Replicas}}' dockhand_server")
  [ "$wanted" = "$expected" ] || die "dockhand_server wants '$wanted' replicas, not $expected"
  log "the store's replicas: $wanted wanted"
  local services start=$SECONDS
  while :; do
    services=$(on server "sudo docker service ls --format '{{.Name}}={{.Replicas}}' | sort | tr '\n' ' '")
    case "$services" in *dockhand_agent=2/2*dockhand_gateway=2/2*dockhand_registry-gateway=2/2*dockhand_registry=1/1*"dockhand_server=$wanted/$wanted"*) break ;; esac
    [ $((SECONDS - start)) -lt 900 ] || die "services not all running after 900 s: $services"
    log "waiting ($((SECONDS - start)) s): $services"
    sleep 10
  done
  log "services: $services"
  local tasks
  tasks=$(on server "sudo docker service ps dockhand_server --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'")
  printf '  dockhand_server: %s\n' "$tasks" >&2
  [ "$(echo "$tasks" | grep -c '^server Running')" = "$wanted" ] || die "the store's $wanted replicas are not all running on server"
}

client() {
  log "vagrant ssh client: docker run -i --network dockhand_net dockhand/client <<< 'post / get'"
  on client "printf 'post --timeout 120s\nget --format json --timeout 120s\n' | docker run -i --name $NAME --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 -e DOCKHAND_TIMEOUT=$CLIENT_TIMEOUT dockhand/client 2>&1; echo exit=\$?" > "$tmp/client.out"
  sed 's/^/  client| /' "$tmp/client.out" >&2
  grep -qx 'exit=0' "$tmp/client.out" || die "the client failed"
  on client "docker inspect --format '{{.Id}}' $NAME && docker rm $NAME >/dev/null" > "$tmp/id"
  [ -s "$tmp/id" ] || die "no id for the client container"
  log "the client container was $(cat "$tmp/id")"
}

record() {
  local id
  id=$(head -1 "$tmp/id")
  python3 - "$id" "$tmp/client.out" <<'PY' || die "the client's get does not show its own record with node client"
import json, sys
cid, out = sys.argv[1], open(sys.argv[2]).read()
# The get's JSON: the first '{' or '[' that starts a parseable document after the post's output.
dec, docs, i = json.JSONDecoder(), [], 0
while i < len(out):
    if out[i] in "[{":
        try:
            doc, end = dec.raw_decode(out, i); docs.append(doc); i = end; continue
        except ValueError:
            pass
    i += 1
items = []
for d in docs:
    items += d.get("items", []) if isinstance(d, dict) and "items" in d else (d if isinstance(d, list) else [d])
mine = [r for r in items if isinstance(r, dict) and r.get("containerId") in (cid, cid[:12]) and r.get("node") == "client"]
print(f"  get shows {len(items)} record(s), {len(mine)} from {cid[:12]} on node client", file=sys.stderr)
sys.exit(0 if mine else 1)
PY
  local body
  body=$(curl -fsS --max-time 30 "http://$SERVER_IP:5001/api/v1/records?containerId=$id") ||
    die "the store on $SERVER_IP:5001 does not answer"
  echo "$body" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
assert items and all(r["node"] == "client" for r in items), items
print("  the store has", len(items), "record(s) of that container, node client, id", items[0]["id"], file=sys.stderr)' ||
    die "the store does not have the client's record with node client"
}

run() {
  log "vagrant ssh client: dockhand run of a folder on node client, then dockhand nodes"
  on client "set -e; d=\$(mktemp -d); printf 'FROM dockhand/client\nENTRYPOINT []\nCMD echo hello from the client node; exit 4\n' > \$d/Dockerfile
    node=\$(docker info --format '{{.Swarm.NodeID}}')
    set +e
    docker run -i --rm --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 -e DOCKHAND_TIMEOUT=$CLIENT_TIMEOUT -v /vagrant/provision/cluster.token:/run/secrets/dockhand_token:ro -v \$d:/work:ro -w /work dockhand/client run --node \$node . 2>&1; echo exit=\$?
    docker run -i --rm --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 -e DOCKHAND_TIMEOUT=$CLIENT_TIMEOUT dockhand/client nodes 2>&1
    rm -rf \$d" > "$tmp/run.out"
  sed 's/^/  client| /' "$tmp/run.out" >&2
  grep -q '^hello from ' "$tmp/run.out" || die "dockhand run did not print the container's output"
  grep -qx 'exit=4' "$tmp/run.out" || die "dockhand run did not exit with the container's exit code 4"
  [ "$(grep -cw up "$tmp/run.out")" -ge 2 ] || die "dockhand nodes does not show both nodes up"
}

# The app's answer to GET / at TARGET:APP_PORT, asked on VM (bash's /dev/tcp: the box has no curl) or on the host
# (VM "host"); retried for up to 120 s (a node's gateway of the app may still be starting); empty when none came.
app_get() {
  local vm=$1 target=$2 out start=$SECONDS
  while :; do
    if [ "$vm" = host ]; then
      out=$(curl -fsS --max-time 20 "http://$target:$APP_PORT/" 2>/dev/null | tail -1) || out=
    else
      out=$(on "$vm" "timeout 20 bash -c 'exec 3<>/dev/tcp/\$0/$APP_PORT && printf \"GET / HTTP/1.0\\r\\nHost: \$0\\r\\n\\r\\n\" >&3 && cat <&3' $target 2>/dev/null | tail -1")
    fi
    case "$out" in "$APP_TEXT"*) echo "$out"; return ;; esac
    [ $((SECONDS - start)) -lt 120 ] || return 0
    sleep 5
  done
}

# The deployment as the store's API has it (JSON), read from the host through server's port 5001.
app_json() { curl -fsS --max-time 30 "http://$SERVER_IP:5001/api/v1/deployments/$APP" 2>/dev/null; }

# "NODE STATE" of each task of the app's service that swarm wants running.
app_tasks() {
  on server "sudo docker service ps dh-$APP --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' 2>&1 || true"
}

deploy() {
  local host_ip work=$tmp/app
  host_ip=$(ip -4 -o addr show | awk '{split($4, a, "/")} a[1] ~ /^192\.168\.56\./ {print a[1]; exit}')
  [ -n "$host_ip" ] || die "the host has no address on 192.168.56.0/24, the VMs' private network"
  mkdir -p "$work" "$tmp/git"
  cat > "$work/app.py" <<APP
# The acceptance run's app: answers every GET (/healthz too) with its text and the replica's host name.
import socket
from http.server import BaseHTTPRequestHandler, HTTPServer

class App(BaseHTTPRequestHandler):
    def do_GET(self):
        body = "$APP_TEXT on {}\\n".format(socket.gethostname()).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("", $APP_PORT), App).serve_forever()
APP
  cat > "$work/dockhand.toml" <<TOML
[app]
name = "$APP"
endpoint = "/"

[config]
port = $APP_PORT
lang = "python"
run = "python3 app.py"
replicas = 2
health = "/healthz"
TOML
  git -C "$work" init -q -b main
  git -C "$work" add .
  git -C "$work" -c user.name=acceptance -c user.email=acceptance@localhost commit -qm "the acceptance app"
  git clone -q --bare "$work" "$tmp/git/$APP.git"
  # Its log goes to a file: the reachability probe below makes it complain of a hung-up client.
  git daemon --reuseaddr --export-all --informative-errors --base-path="$tmp/git" --listen="$host_ip" --port=9418 \
    >"$tmp/git-daemon.log" 2>&1 &
  git_daemon=$!
  local url=git://$host_ip/$APP.git
  log "git daemon (pid $git_daemon) serves $url"
  sleep 1
  [ "$(on server "timeout 10 bash -c 'exec 3<>/dev/tcp/$host_ip/9418' && echo open")" = open ] ||
    die "the server VM cannot reach the git daemon at $host_ip:9418"

  log "vagrant ssh client: dockhand deploy $url --name $APP --detach"
  on client "$CLIENT_RUN deploy $url --name $APP --detach 2>&1; echo exit=\$?" > "$tmp/deploy.out"
  sed 's/^/  client| /' "$tmp/deploy.out" >&2
  grep -qx 'exit=0' "$tmp/deploy.out" || die "dockhand deploy was refused"

  local start=$SECONDS json seen= now
  while :; do
    json=$(app_json) || json=
    now=$(echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
last = (d.get("history") or [{}])[-1].get("detail") or ""
print(d["status"], "%d/%d" % (d["replicasRunning"], d["replicasWanted"]), "|", last.splitlines()[0] if last else "")' 2>/dev/null) || now=
    [ "$now" = "$seen" ] || { log "($((SECONDS - start)) s) $now"; seen=$now; }
    case "$now" in
      "running 2/2 "*) break ;;
      failed*) echo "$json" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("failedStep"), d.get("reason"))' >&2
               die "the deployment failed" ;;
    esac
    [ $((SECONDS - start)) -lt "$DEPLOY_WAIT" ] ||
      die "the deployment is not running 2/2 after $DEPLOY_WAIT s: ${now:-no answer from the store}"
    sleep 10
  done
  log "running 2/2 after $((SECONDS - start)) s; vagrant ssh client: dockhand deployment $APP"
  on client "$CLIENT_RUN deployment $APP 2>&1" > "$tmp/deployment.out"
  sed 's/^/  client| /' "$tmp/deployment.out" >&2
  grep -Eq '^status +running' "$tmp/deployment.out" || die "dockhand deployment does not say status running"
  grep -Eq '^replicas +2/2 running' "$tmp/deployment.out" || die "dockhand deployment does not say replicas 2/2 running"
}

reach() {
  local vm target out
  for vm in server client host; do
    case $vm in
      server) set -- 127.0.0.1 "$CLIENT_IP" ;;
      client) set -- 127.0.0.1 "$SERVER_IP" ;;
      host) set -- "$SERVER_IP" "$CLIENT_IP" ;;
    esac
    for target in "$@"; do
      out=$(app_get "$vm" "$target")
      [ -n "$out" ] || die "on $vm, $target:$APP_PORT does not answer with the app's text"
      log "  on $vm, $target:$APP_PORT answers: $out"
    done
  done
  log "the replicas (docker service ps dh-$APP on server):"
  app_tasks | sed 's/^/  /' >&2
}

failover() {
  local tasks id start state out json since
  tasks=$(app_tasks)
  printf '  before: %s\n' "$tasks" >&2
  echo "$tasks" | grep -q '^client Running' || die "no replica of $APP runs on client: nothing would move"
  id=$(cat .vagrant/machines/client/libvirt/id 2>/dev/null) || die "no libvirt domain id for client in .vagrant/"
  since=$(date -u -d '-5 seconds' +%Y-%m-%dT%H:%M:%SZ)
  log "virsh destroy $id: the client VM dies (power pulled)"
  virsh -c qemu:///system destroy "$id" >&2 || die "virsh destroy of the client VM failed"
  start=$SECONDS
  while :; do
    state=$(on server "sudo docker node ls --format '{{.Hostname}} {{.Status}}' || true" | awk '$1 == "client" {print $2}')
    [ "$state" = Down ] && break
    [ $((SECONDS - start)) -lt 300 ] || die "swarm does not see client down after 300 s (status: $state)"
    sleep 3
  done
  log "swarm sees client Down after $((SECONDS - start)) s"
  local seen=
  while :; do
    tasks=$(app_tasks)
    json=$(app_json) || json=
    out=$(echo "$json" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["status"], "%d/%d" % (d["replicasRunning"], d["replicasWanted"]))' 2>/dev/null) || out=
    [ "$out $tasks" = "$seen" ] || { log "($((SECONDS - start)) s) store: $out; swarm: $(echo $tasks)"; seen="$out $tasks"; }
    if [ "$(echo "$tasks" | grep -c '^server Running')" = 2 ] && [ "$(echo "$tasks" | grep -c .)" = 2 ] &&
       [ "$out" = "running 2/2" ]; then
      break
    fi
    [ $((SECONDS - start)) -lt 900 ] || die "2 replicas do not run on server 900 s after the client died"
    sleep 5
  done
  log "2 replicas run on server $((SECONDS - start)) s after the client died"
  on server "sudo docker image ls --digests --format '{{.Repository}}@{{.Digest}} {{.CreatedSince}}' 127.0.0.1:5000/dockhand/$APP" |
    sed 's/^/  server has /' >&2
  out=$(app_get server 127.0.0.1)
  [ -n "$out" ] || die "on server, 127.0.0.1:$APP_PORT does not answer with the app's text after the failover"
  log "  on server, 127.0.0.1:$APP_PORT answers: $out"
  out=$(app_get host "$SERVER_IP")
  [ -n "$out" ] || die "from the host, $SERVER_IP:$APP_PORT does not answer with the app's text after the failover"
  log "  from the host, $SERVER_IP:$APP_PORT answers: $out"

  log "vagrant ssh server: dockhand deployment $APP"
  on server "$CLIENT_RUN deployment $APP 2>&1" > "$tmp/deployment.out"
  sed 's/^/  server| /' "$tmp/deployment.out" >&2
  grep -Eq '^replicas +2/2 running' "$tmp/deployment.out" || die "dockhand deployment does not say replicas 2/2 running"
  # Its history since the kill: fewer than 2 replicas running, then 2/2 again.
  awk -v since="$since" '$1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ && $1 >= since' "$tmp/deployment.out" > "$tmp/after.out"
  log "the history since the kill:"
  sed 's/^/    /' "$tmp/after.out" >&2
  grep -Eq '[01]/2 replicas running' "$tmp/after.out" || die "the history shows no replica lost after the client died"
  sed -n '/[01]\/2 replicas running/,$p' "$tmp/after.out" | grep -q '2/2 replicas running' ||
    die "the history does not show 2/2 replicas running again after the client died"
}

destroy_app() {
  log "vagrant ssh server: dockhand destroy $APP --yes"
  on server "$CLIENT_RUN destroy $APP --yes 2>&1; echo exit=\$?" > "$tmp/destroy.out"
  sed 's/^/  server| /' "$tmp/destroy.out" >&2
  grep -qx 'exit=0' "$tmp/destroy.out" || die "dockhand destroy failed"
  local start=$SECONDS services status
  while :; do
    services=$(on server "sudo docker service ls --format '{{.Name}}' || true" | { grep -E "^dh-$APP(-gw)?\$" || true; } | tr '\n' ' ')
    status=$(app_json | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>/dev/null) || status=
    [ -z "$services" ] && [ "$status" = destroyed ] && break
    [ $((SECONDS - start)) -lt 300 ] || die "300 s after destroy: services left: ${services:-none}; status: ${status:-unknown}"
    sleep 5
  done
  log "no service of $APP left, status destroyed, after $((SECONDS - start)) s"
}

tmp=$(mktemp -d)
# DOCKHAND_ACCEPTANCE_CHECK_ONLY=1: only the checks, against VMs already up (after a run with _KEEP=1).
if [ "${DOCKHAND_ACCEPTANCE_CHECK_ONLY:-0}" != 1 ]; then
  stage host host
  stage box box
  stage up up
fi
# A check: a stage, unless DOCKHAND_ACCEPTANCE_FROM names a later one.
from=${DOCKHAND_ACCEPTANCE_FROM:-}
check() {
  if [ -n "$from" ] && [ "$from" != "$1" ]; then log "== stage $1 skipped (DOCKHAND_ACCEPTANCE_FROM=$from)"; return; fi
  from=
  stage "$@"
}
check swarm swarm
check client client
check record record
check run run
check deploy deploy
check reach reach
# The client VM dies here: every check that needs it comes before.
check failover failover
check destroy-app destroy_app
[ -z "$from" ] || die "DOCKHAND_ACCEPTANCE_FROM=$from is no stage"
rm -rf "$tmp"

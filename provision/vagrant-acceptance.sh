#!/usr/bin/env bash
# Acceptance test of the Vagrant path, on libvirt (takes many minutes under software emulation; not part of
# the default CI run):
#   host     libvirt's daemons ready (provision/vagrant-host.sh)
#   box      the offline box dockhand/bookworm, built if absent (provision/vagrant-box.sh)
#   up       vagrant up --provider=libvirt: two VMs, the images loaded into each, a two-node swarm, the stack
#   swarm    server is the manager (Leader), client a worker, both Ready; the store's 3 replicas run on server
#   client   on the client VM, through `vagrant ssh client`: the client container runs `post` then `get`
#   record   the record shows the client container's id and node `client`; the store (from the host, through
#            the server VM's port 5001) has it too
#   run      on the client VM, `dockhand run --node <client>` of a folder (FROM the client image, on every node)
#            prints its output and exits with its exit code; `dockhand nodes` shows both nodes up
#   destroy  vagrant destroy -f (always, also when a stage fails, unless DOCKHAND_ACCEPTANCE_KEEP=1)
# Prints each stage's time. Run as root on a Debian host (the box builder needs it):
#   provision/vagrant-acceptance.sh
# Environment: DOCKHAND_BOX (default dockhand/bookworm: the offline box), DOCKHAND_IMAGES (default load),
#   DOCKHAND_MEMORY / DOCKHAND_CPUS / DOCKHAND_LIBVIRT_DRIVER (see the Vagrantfile), DOCKHAND_OFFLINE=1 (build
#   the images on the offline base, no registry), DOCKHAND_ACCEPTANCE_KEEP=1 (leave the VMs running),
#   DOCKHAND_ACCEPTANCE_CHECK_ONLY=1 (skip host, box and up: check VMs that are up already).
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
  times+=("$(printf '%-8s %5d s' "$current" $((SECONDS - start)))")
  log "== stage $current passed in $((SECONDS - start)) s"
  current=
}
summary() {
  log "stage times:"
  local t
  for t in "${times[@]}"; do log "  $t"; done
  log "  total    $((SECONDS - started)) s"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -z "${tmp:-}" ] || rm -rf "$tmp"
  if [ -n "$current" ]; then
    log "FAILED in stage $current (after $((SECONDS - started)) s)"
    if [ -d .vagrant/machines ]; then
      vagrant ssh server -c 'sudo docker node ls; sudo docker stack ps --no-trunc dockhand 2>&1 | head -30' 2>&1 | sed 's/^/  server| /' >&2 || true
    fi
  fi
  if [ "${DOCKHAND_ACCEPTANCE_KEEP:-0}" = 1 ]; then
    log "DOCKHAND_ACCEPTANCE_KEEP=1: the VMs keep running (vagrant destroy -f when done)"
  elif [ -d .vagrant/machines ]; then
    local start=$SECONDS
    log "== destroy: vagrant destroy -f ..."
    vagrant destroy -f >&2 || log "vagrant destroy failed: remove the domains with virsh (virsh list --all)"
    times+=("$(printf '%-8s %5d s' destroy $((SECONDS - start)))")
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
  local services start=$SECONDS
  while :; do
    services=$(on server "sudo docker service ls --format '{{.Name}}={{.Replicas}}' | sort | tr '\n' ' '")
    case "$services" in *dockhand_agent=2/2*dockhand_gateway=2/2*dockhand_server=3/3*) break ;; esac
    [ $((SECONDS - start)) -lt 900 ] || die "services not all running after 900 s: $services"
    log "waiting ($((SECONDS - start)) s): $services"
    sleep 10
  done
  log "services: $services"
  local tasks
  tasks=$(on server "sudo docker service ps dockhand_server --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'")
  printf '  dockhand_server: %s\n' "$tasks" >&2
  [ "$(echo "$tasks" | grep -c '^server Running')" = 3 ] || die "the store's 3 replicas are not all running on server"
}

client() {
  log "vagrant ssh client: docker run -i --network dockhand_net dockhand/client <<< 'post / get'"
  on client "printf 'post --timeout 120s\nget --format json --timeout 120s\n' | docker run -i --name $NAME --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 dockhand/client 2>&1; echo exit=\$?" > "$tmp/client.out"
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
    docker run -i --rm --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 -v /vagrant/provision/cluster.token:/run/secrets/dockhand_token:ro -v \$d:/work:ro -w /work dockhand/client run --node \$node . 2>&1; echo exit=\$?
    docker run -i --rm --network dockhand_net -e JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 dockhand/client nodes 2>&1
    rm -rf \$d" > "$tmp/run.out"
  sed 's/^/  client| /' "$tmp/run.out" >&2
  grep -q '^hello from ' "$tmp/run.out" || die "dockhand run did not print the container's output"
  grep -qx 'exit=4' "$tmp/run.out" || die "dockhand run did not exit with the container's exit code 4"
  [ "$(grep -cw up "$tmp/run.out")" -ge 2 ] || die "dockhand nodes does not show both nodes up"
}

tmp=$(mktemp -d)
# DOCKHAND_ACCEPTANCE_CHECK_ONLY=1: only the checks, against VMs already up (after a run with _KEEP=1).
if [ "${DOCKHAND_ACCEPTANCE_CHECK_ONLY:-0}" != 1 ]; then
  stage host host
  stage box box
  stage up up
fi
stage swarm swarm
stage client client
stage record record
stage run run
rm -rf "$tmp"

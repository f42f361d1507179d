# Shared helpers for the provision scripts; source it, do not run it.
# shellcheck shell=bash

DOCKHAND_ROOT=${DOCKHAND_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

log() { printf '[%s] %s\n' "${LOG_TAG:-dockhand}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Prints a JDK home (21 or newer, with jlink) or fails: JAVA_HOME first, then the usual places.
find_jdk() {
  local candidates=("${JAVA_HOME:-}") j v
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  candidates+=(/usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home)
  for j in "${candidates[@]}"; do
    [ -n "$j" ] && [ -x "$j/bin/java" ] && [ -x "$j/bin/javac" ] || continue
    v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$j"
      return 0
    fi
  done
  return 1
}

# Fails with a message that says what to do when the Docker CLI or engine is not usable.
require_docker() {
  command -v docker >/dev/null 2>&1 ||
    die "the docker command is missing: install Docker Engine (https://docs.docker.com/engine/install/, or 'apt-get install docker.io' on Debian)"
  local out
  if ! out=$(docker info --format '{{.ServerVersion}}' 2>&1); then
    case "$out" in
      *"permission denied"*) die "cannot talk to the Docker engine (permission denied): add yourself to the 'docker' group (sudo usermod -aG docker \$USER, then log in again) or run with sudo" ;;
      *) die "the Docker engine does not answer ($out): start it (sudo systemctl start docker)" ;;
    esac
  fi
  log "Docker engine $out"
}

# This engine's swarm state: inactive, pending, active, error or locked.
swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }

# The address to advertise for a single-node swarm: the source address of the default route, else loopback.
default_address() {
  local addr
  addr=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") {print $(i + 1); exit}}')
  echo "${addr:-127.0.0.1}"
}

# Image ID of a tag, or nothing.
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# ---- the stack ---------------------------------------------------------------------------------------------

# HTTP status of GET http://host:port/path, or 000; bash only (no curl needed).
http_status() {
  local host=$1 port=$2 path=$3 line
  line=$(timeout 5 bash -c "exec 3<>/dev/tcp/$host/$port && printf 'GET $path HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n\r\n' >&3 && head -1 <&3" 2>/dev/null) || true
  set -- $line
  echo "${2:-000}"
}

# Labels this node as the one that holds the store's volume (the stack places `server` there). Records that
# we added the label, so remove_data_label takes away only what we put there.
add_data_label() {
  local node labels other
  node=$(docker info --format '{{.Swarm.NodeID}}')
  # One node holds the volume: if another node already carries the label, the replicas go there, not here.
  other=$(docker node ls -q | while read -r id; do
    [ "$id" = "$node" ] || docker node inspect "$id" --format '{{.ID}} {{index .Spec.Labels "dockhand.data"}}'
  done | awk '$2 == "true" {print $1; exit}')
  if [ -n "$other" ]; then
    log "node $other already holds the store's data (dockhand.data=true): leaving this node unlabelled"
    return 0
  fi
  labels=$(docker node inspect "$node" --format '{{json .Spec.Labels}}')
  case "$labels" in
    *'"dockhand.data":"true"'*) ;;
    *) docker node update --label-add dockhand.data=true --label-add dockhand.data-label-by=dockhand "$node" >/dev/null
       log "labelled this node dockhand.data=true (the store's replicas and volume live here)" ;;
  esac
}

remove_data_label() {
  local node
  node=$(docker info --format '{{.Swarm.NodeID}}')
  if docker node inspect "$node" --format '{{json .Spec.Labels}}' | grep -q '"dockhand.data-label-by":"dockhand"'; then
    docker node update --label-rm dockhand.data --label-rm dockhand.data-label-by "$node" >/dev/null
  fi
}

# The cluster token, a swarm secret made once per cluster (the store and the agents read it; see swarm-stack.yml).
# Swarm never gives a secret's value back, so the machine that makes it keeps a copy, readable by its owner only:
# the CLI outside the cluster and the client container `up` starts read it (the container through a read-only
# mount of that one file, so the token is never on a command line). The secret carries the copy's SHA-256 as a
# label, so a copy that no longer matches is noticed.
TOKEN_SECRET=dockhand_token
TOKEN_FILE=${DOCKHAND_TOKEN_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/dockhand/token}
token_sha() { sha256sum "$1" | cut -d' ' -f1; }
ensure_token_secret() {
  if docker secret inspect "$TOKEN_SECRET" >/dev/null 2>&1; then
    local want
    want=$(docker secret inspect "$TOKEN_SECRET" --format '{{index .Spec.Labels "dockhand.token-sha256"}}' 2>/dev/null || true)
    if [ ! -s "$TOKEN_FILE" ]; then
      log "WARNING: the cluster token ($TOKEN_SECRET) exists but this machine has no copy at $TOKEN_FILE:"
      log "  submitting work (dockhand run) needs it; copy it from the machine that made it, or run 'down' then 'up'"
    elif [ -n "$want" ] && [ "$want" != "$(token_sha "$TOKEN_FILE")" ]; then
      log "WARNING: $TOKEN_FILE is not the cluster token $TOKEN_SECRET holds (another cluster's?)"
    fi
    return 0
  fi
  if [ ! -s "$TOKEN_FILE" ]; then
    log "creating the cluster token in $TOKEN_FILE (mode 600)"
    ( umask 077; mkdir -p "$(dirname "$TOKEN_FILE")"
      head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TOKEN_FILE.new" && mv "$TOKEN_FILE.new" "$TOKEN_FILE" )
  else
    log "using the cluster token in $TOKEN_FILE"
  fi
  log "creating the swarm secret $TOKEN_SECRET from it"
  docker secret create --label "dockhand.token-sha256=$(token_sha "$TOKEN_FILE")" "$TOKEN_SECRET" "$TOKEN_FILE" >/dev/null
}

# The images and leftover run containers this cluster's agents made on this engine (they carry
# io.dockhand.cluster=<first 16 hex of the token's SHA-256>): the run cache dies with the cluster. Another
# cluster's (an end-to-end test stack's) are not touched.
remove_cluster_objects() {
  [ -s "$TOKEN_FILE" ] || return 0
  local cluster ids
  cluster=$(tr -d ' \n\r\t' < "$TOKEN_FILE" | sha256sum | cut -c1-16)
  ids=$(docker ps -aq --filter "label=io.dockhand.cluster=$cluster")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  ids=$(docker images -q --filter "label=io.dockhand.cluster=$cluster" | sort -u)
  [ -z "$ids" ] || { log "removing this cluster's $(echo "$ids" | wc -l) run image(s)"; docker rmi -f $ids >/dev/null 2>&1 || true; }
}

# Removes the secret; the local copy goes with it when it is that secret's (a cluster's token dies with it).
remove_token_secret() {
  docker secret inspect "$TOKEN_SECRET" >/dev/null 2>&1 || return 0
  local want
  want=$(docker secret inspect "$TOKEN_SECRET" --format '{{index .Spec.Labels "dockhand.token-sha256"}}' 2>/dev/null || true)
  if docker secret rm "$TOKEN_SECRET" >/dev/null 2>&1; then
    if [ -s "$TOKEN_FILE" ] && [ -n "$want" ] && [ "$want" = "$(token_sha "$TOKEN_FILE")" ]; then
      rm -f "$TOKEN_FILE"
    fi
  else
    log "the cluster token $TOKEN_SECRET is still in use: left"
  fi
}

# The client prompt's `docker run`: the token file mounted read-only where the client looks for it, and with
# a second argument (a folder) that folder read-only as the prompt's working directory /work, so `run FOLDER`
# at the prompt sends the user's own files.
client_run_command() {
  local network=$1 folder=${2:-} opts=""
  [ -s "$TOKEN_FILE" ] && opts="-v $TOKEN_FILE:/run/secrets/dockhand_token:ro"
  [ -n "$folder" ] && opts="$opts -v $folder:/work:ro -w /work"
  echo "docker run -it --rm --network $network $opts dockhand/client"
}

stack_exists() { [ -n "$(docker stack ls --format '{{.Name}}' | grep -x "$1" || true)" ]; }

# Deploys (or updates) the stack; services whose image was rebuilt ($@: image names) are rolled so they run it.
deploy_stack() {
  local stack=$1 existed=false image service
  shift
  stack_exists "$stack" && existed=true
  log "deploying the stack '$stack' ($DOCKHAND_ROOT/swarm-stack.yml) ..."
  docker stack deploy --resolve-image never -c "$DOCKHAND_ROOT/swarm-stack.yml" "$stack" 2>&1 |
    grep -v -e '--detach' -e 'will become the default' >&2 || true
  if $existed; then
    for image in "$@"; do
      service=$(docker service ls --filter "label=com.docker.stack.namespace=$stack" --format '{{.Name}} {{.Image}}' |
                awk -v img="$image:${DOCKHAND_TAG:-latest}" '$2 == img {print $1}')
      [ -n "$service" ] || continue
      log "$image was rebuilt: rolling $service onto it"
      docker service update --detach --force --quiet "$service" >/dev/null
    done
  fi
}

# Waits until every service of the stack runs all its tasks, the store answers through the gateway on
# 127.0.0.1:$port and the registry through the registry-gateway on 127.0.0.1:$DOCKHAND_REGISTRY_PORT (5000),
# printing what it waits for; fails after $timeout seconds.
wait_stack() {
  local stack=$1 port=$2 timeout=${3:-300} start=$SECONDS status states health registry
  while :; do
    states=$(docker service ls --filter "label=com.docker.stack.namespace=$stack" --format '{{.Name}}={{.Replicas}}' | sort | tr '\n' ' ')
    health=$(http_status 127.0.0.1 "$port" /observe/health)
    registry=$(http_status 127.0.0.1 "${DOCKHAND_REGISTRY_PORT:-5000}" /v2/)
    status="${states}store=$health registry=$registry"
    if [ "$health" = 200 ] && [ "$registry" = 200 ] && [ -n "$states" ] && ! echo "$states" | tr ' ' '\n' | grep -v '^$' |
         awk -F'[=/ ]' '$2 != $3 || $3 == 0 {bad = 1} END {exit !bad}'; then
      log "ready after $((SECONDS - start)) s: $status"
      return 0
    fi
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      log "not ready after $timeout s: $status"
      docker stack ps --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$stack" | head -20 >&2
      return 1
    fi
    log "waiting ($((SECONDS - start)) s): $status"
    sleep 5
  done
}

# Removes the stack, then (once its containers are gone) its network and volumes (the store's data and the
# registry's images).
remove_stack() {
  local stack=$1 i
  if stack_exists "$stack"; then
    log "removing the stack '$stack' ..."
    docker stack rm "$stack" >/dev/null
  fi
  for i in $(seq 120); do
    [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$stack")" ] &&
      [ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$stack")" ] && break
    sleep 1
  done
  for i in $(seq 30); do
    [ -z "$(docker volume ls -q --filter "label=com.docker.stack.namespace=$stack")" ] && break
    docker volume ls -q --filter "label=com.docker.stack.namespace=$stack" | xargs -r docker volume rm >/dev/null 2>&1 || sleep 1
  done
}

# Runs build-images.sh ($@ passed on) and sets CHANGED_IMAGES to the images whose ID changed.
CHANGED_IMAGES=()
build_images_tracking_changes() {
  local images=(dockhand/server dockhand/agent dockhand/client dockhand/gateway dockhand/registry) before=() i
  for i in "${!images[@]}"; do before[i]=$(image_id "${images[i]}:${DOCKHAND_TAG:-latest}"); done
  "$DOCKHAND_ROOT/provision/build-images.sh" "$@"
  CHANGED_IMAGES=()
  for i in "${!images[@]}"; do
    [ "${before[i]}" = "$(image_id "${images[i]}:${DOCKHAND_TAG:-latest}")" ] || CHANGED_IMAGES+=("${images[i]}")
  done
}

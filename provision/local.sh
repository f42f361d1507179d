#!/usr/bin/env bash
# Dockhand on this one machine: a single-node swarm running the stack, and the client's prompt.
#   provision/local.sh up      build the images, start a swarm if this engine is in none, deploy the stack
#                              'dockhand', wait until it answers, then open the client prompt
#   provision/local.sh status  what runs, and whether the store answers on port 5001 and the registry on 5000
#   provision/local.sh down    remove the stack with its network and volumes (the stored records and the
#                              registry's images go too), the cluster token and the images its runs were built
#                              into, and leave the swarm only if 'up' started it
# Needs Docker and a JDK 21+ (JAVA_HOME, or one in /usr/lib/jvm). Environment: DOCKHAND_STACK (default
# dockhand), DOCKHAND_PORT (the store's published port, default 5001), DOCKHAND_REGISTRY_PORT (the registry's,
# default 5000), BASE_IMAGE / DOCKHAND_OFFLINE (see build-images.sh). Running 'up' again rebuilds what changed
# and rolls it out; 'down' twice is harmless.
set -euo pipefail
LOG_TAG=local
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STACK=${DOCKHAND_STACK:-dockhand}
export DOCKHAND_PORT=${DOCKHAND_PORT:-5001}
export DOCKHAND_REGISTRY_PORT=${DOCKHAND_REGISTRY_PORT:-5000}
CREATED_LABEL=dockhand.swarm-created-by

node_labels() { docker node inspect "$(docker info --format '{{.Swarm.NodeID}}')" --format '{{json .Spec.Labels}}'; }

ensure_swarm() {
  local state
  state=$(swarm_state)
  case "$state" in
    inactive)
      local addr
      addr=$(default_address)
      log "starting a single-node swarm (advertising $addr) ..."
      docker swarm init --advertise-addr "$addr" >/dev/null
      # Remembered in the swarm itself: 'down' leaves only a swarm that carries this label.
      docker node update --label-add "$CREATED_LABEL=local.sh" "$(docker info --format '{{.Swarm.NodeID}}')" >/dev/null
      ;;
    active)
      [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ] ||
        die "this engine is a swarm worker: run this on a manager of that swarm"
      log "using the swarm this engine is already in"
      ;;
    *) die "this engine's swarm is '$state': fix it first (docker info; docker swarm leave --force)" ;;
  esac
}

up() {
  require_docker
  if ! find_jdk >/dev/null && [ ! -f "$DOCKHAND_ROOT/server-app/target/server-app.jar" ]; then
    die "no JDK 21 or newer found: install one (e.g. Eclipse Temurin 21) and set JAVA_HOME"
  fi
  build_images_tracking_changes
  ensure_swarm
  add_data_label
  ensure_token_secret
  deploy_stack "$STACK" "${CHANGED_IMAGES[@]}"
  wait_stack "$STACK" "$DOCKHAND_PORT" 300
  local run
  run=$(client_run_command "${STACK}_net" "$PWD")
  log "the store answers on http://localhost:$DOCKHAND_PORT (try: curl localhost:$DOCKHAND_PORT/api/v1/records)"
  log "the registry on 127.0.0.1:$DOCKHAND_REGISTRY_PORT (try: curl 127.0.0.1:$DOCKHAND_REGISTRY_PORT/v2/_catalog)"
  if [ -t 0 ] && [ -t 1 ]; then
    log "opening the client prompt ($run); Ctrl-D leaves it, the stack keeps running"
    exec $run
  fi
  log "open the client prompt with: $run"
}

status() {
  require_docker
  if [ "$(swarm_state)" != active ] || ! stack_exists "$STACK"; then
    log "the stack '$STACK' is not running"
    return 1
  fi
  docker stack services "$STACK"
  log "store on port $DOCKHAND_PORT: HTTP $(http_status 127.0.0.1 "$DOCKHAND_PORT" /observe/health)"
  log "registry on port $DOCKHAND_REGISTRY_PORT: HTTP $(http_status 127.0.0.1 "$DOCKHAND_REGISTRY_PORT" /v2/)"
}

down() {
  require_docker
  if [ "$(swarm_state)" != active ]; then
    log "no swarm here: nothing to take down"
    return 0
  fi
  remove_stack "$STACK"
  remove_cluster_objects
  remove_token_secret
  if node_labels | grep -q "\"$CREATED_LABEL\":\"local.sh\""; then
    log "leaving the swarm that 'up' started ..."
    docker swarm leave --force >/dev/null
    # The swarm's bridge to the host; it outlives the swarm but was made for it.
    if docker network inspect docker_gwbridge --format '{{len .Containers}}' 2>/dev/null | grep -qx 0; then
      docker network rm docker_gwbridge >/dev/null || true
    fi
  else
    remove_data_label
    log "the swarm was here before 'up': left as it is"
  fi
  log "down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac

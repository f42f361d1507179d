#!/usr/bin/env bash
# The Vagrant VM `server`: builds the images, starts the swarm advertising the private address, writes the
# workers' join token to the synced folder (provision/.join-token), labels itself as the node that holds the
# store's volume, deploys the stack `dockhand` and waits until the store answers on port 5001.
# Idempotent: an existing swarm is kept; images rebuilt from changed sources are rolled out.
# Usage (as root, in the VM): bash /vagrant/provision/server.sh <private address>
set -euo pipefail
LOG_TAG=server
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=provision/vagrant-images.sh
. "$(dirname "${BASH_SOURCE[0]}")/vagrant-images.sh"

# The cluster token's copy lives in the synced folder (git-ignored, mode 600), so the client VM's prompt has it too.
TOKEN_FILE=${DOCKHAND_TOKEN_FILE:-$DOCKHAND_ROOT/provision/cluster.token}

addr=${1:?usage: server.sh <private address of this VM>}
STACK=${DOCKHAND_STACK:-dockhand}
export DOCKHAND_PORT=${DOCKHAND_PORT:-5001}

require_docker
vagrant_images
case "$(swarm_state)" in
  inactive)
    log "starting the swarm, advertising $addr"
    docker swarm init --advertise-addr "$addr" >/dev/null ;;
  active)
    [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ] || die "this VM is in a swarm, but not as a manager"
    log "already a swarm manager" ;;
  *) die "swarm state is '$(swarm_state)': docker swarm leave --force, then provision again" ;;
esac
umask 077
docker swarm join-token -q worker > "$DOCKHAND_ROOT/provision/.join-token"
log "join token written to provision/.join-token"
add_data_label
ensure_token_secret
if [ "$(systemd-detect-virt 2>/dev/null || true)" = qemu ]; then
  # Software emulation (no KVM): JVMs start in minutes; provision/vagrant-emulation.yml gives them the time.
  log "software emulation: deploying with provision/vagrant-emulation.yml (slow-start health checks, C1 JIT)"
  # Every node's engine reports to the manager every 5 s, and a node silent for three periods is down: swarm then
  # replaced every task of the stack on both VMs while their engines were only slow. 20 s gives a minute's grace.
  log "software emulation: swarm nodes report every 20 s (5 s by default)"
  docker swarm update --dispatcher-heartbeat 20s >/dev/null
  existed=false
  stack_exists "$STACK" && existed=true
  docker stack deploy --resolve-image never -c "$DOCKHAND_ROOT/swarm-stack.yml" \
    -c "$DOCKHAND_ROOT/provision/vagrant-emulation.yml" "$STACK" 2>&1 | grep -v -e '--detach' -e 'will become the default' >&2 || true
  if $existed; then
    for image in "${CHANGED_IMAGES[@]}"; do
      for service in $(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Image}}' |
                       awk -v img="$image:latest" '$2 == img {print $1}'); do
        log "$image changed: rolling $service onto it"
        docker service update --detach --force --quiet "$service" >/dev/null
      done
    done
  fi
  wait_stack "$STACK" "$DOCKHAND_PORT" 1800
else
  deploy_stack "$STACK" "${CHANGED_IMAGES[@]}"
  wait_stack "$STACK" "$DOCKHAND_PORT" 600
fi
log "the store answers on http://$addr:$DOCKHAND_PORT; a prompt on any node: $(client_run_command "${STACK}_net")"

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
deploy_stack "$STACK" "${CHANGED_IMAGES[@]}"
wait_stack "$STACK" "$DOCKHAND_PORT" 600
log "the store answers on http://$addr:$DOCKHAND_PORT; a prompt on any node: docker run -it --rm --network ${STACK}_net dockhand/client"

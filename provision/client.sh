#!/usr/bin/env bash
# The Vagrant VM `client`: builds the images (there is no registry: a node runs only images it has), then
# joins the swarm as a worker with the token the server left in the synced folder. The stack's global services
# (agent, gateway) then start here by themselves. Idempotent: a node already in the swarm stays; when an image
# was rebuilt, this node's tasks of it are restarted onto the new one.
# Usage (as root, in the VM): bash /vagrant/provision/client.sh <private address> <manager's private address>
set -euo pipefail
LOG_TAG=client
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=provision/vagrant-images.sh
. "$(dirname "${BASH_SOURCE[0]}")/vagrant-images.sh"

addr=${1:?usage: client.sh <private address of this VM> <manager address>}
manager=${2:?usage: client.sh <private address of this VM> <manager address>}
token_file=$DOCKHAND_ROOT/provision/.join-token

require_docker
vagrant_images
case "$(swarm_state)" in
  inactive)
    for _ in $(seq 120); do [ -s "$token_file" ] && break; log "waiting for the server's join token ..."; sleep 5; done
    [ -s "$token_file" ] || die "no join token in $token_file: provision the server first (vagrant provision server)"
    log "joining the swarm at $manager as a worker (advertising $addr)"
    docker swarm join --advertise-addr "$addr" --token "$(cat "$token_file")" "$manager:2377" >/dev/null ;;
  active)
    log "already in the swarm"
    # A worker cannot update services; removing a task's container makes the swarm start it again, from the
    # image the tag names now.
    for c in $(docker ps -q --filter label=com.docker.swarm.task.id); do
      read -r ref id < <(docker inspect --format '{{.Config.Image}} {{.Image}}' "$c")
      for image in "${CHANGED_IMAGES[@]}"; do
        if [ "${ref%%@*}" = "$image:latest" ] && [ "$id" != "$(image_id "$image:latest")" ]; then
          log "restarting task container ${c:0:12} onto the rebuilt $image"
          docker rm -f "$c" >/dev/null
        fi
      done
    done ;;
  *) die "swarm state is '$(swarm_state)': docker swarm leave --force, then provision again" ;;
esac
TOKEN_FILE=${DOCKHAND_TOKEN_FILE:-$DOCKHAND_ROOT/provision/cluster.token}
log "in the swarm; a prompt here: $(client_run_command "${DOCKHAND_STACK:-dockhand}_net")"

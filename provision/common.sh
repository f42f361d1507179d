#!/usr/bin/env bash
# Every Vagrant VM: Docker Engine from Debian's own packages (the VM's own apt sources), enabled at boot, and
# the vagrant user allowed to use it. Idempotent.
# Usage (as root, in the VM): bash /vagrant/provision/common.sh
set -euo pipefail
LOG_TAG=common
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export DEBIAN_FRONTEND=noninteractive
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian splits the command line off the engine in newer releases.
command -v docker >/dev/null 2>&1 || apt-get install -y -qq docker-cli >/dev/null
systemctl enable --now docker >/dev/null 2>&1 || true
if id vagrant >/dev/null 2>&1 && ! id -nG vagrant | grep -qw docker; then
  usermod -aG docker vagrant
fi
require_docker

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

#!/usr/bin/env bash
# Builds Dockhand's images on this machine's Docker engine (every node builds its own: the stack's registry
# carries the apps' images, not Dockhand's):
#   dockhand/server  dockhand/agent  dockhand/client  dockhand/gateway  dockhand/registry
# 1. packages the applications once (./mvnw package, tests skipped) unless --no-package is given; without a
#    JDK 21+ it uses jars already built (for example on the host of a Vagrant VM);
# 2. picks the base image: $BASE_IMAGE if set; else eclipse-temurin:21-jre if it is here or can be pulled
#    within $DOCKHAND_PULL_TIMEOUT seconds (default 60; DOCKHAND_OFFLINE=1 skips the attempt); else the
#    offline base dockhand/jre:21 (provision/offline-base.sh builds it once); the registry (no Java) likewise
#    $REGISTRY_BASE_IMAGE, else debian:bookworm-slim when the Java base is a public image and that one is here
#    or can be pulled, else the offline dockhand/debian:bookworm; its Debian package comes from the apt mirror;
# 3. builds each image as dockhand/<name>:$DOCKHAND_TAG (default latest), printing which one and how long it
#    took. The end-to-end test builds its own with DOCKHAND_TAG=e2e, leaving the :latest of a running stack be.
# Usage: provision/build-images.sh [--no-package] [--quiet] [module...]   (modules: server-app info-agent
#        client-app gateway registry; default $DOCKHAND_MODULES, else all). Idempotent: unchanged sources
#        rebuild from Docker's cache.
set -euo pipefail
LOG_TAG=build-images
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

package=true
quiet=false
modules=()
for arg in "$@"; do
  case "$arg" in
    --no-package) package=false ;;
    --quiet) quiet=true ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *) modules+=("$arg") ;;
  esac
done
# shellcheck disable=SC2206
[ ${#modules[@]} -gt 0 ] || modules=(${DOCKHAND_MODULES:-server-app info-agent client-app gateway registry})

image_of() {
  case "$1" in
    server-app) echo dockhand/server ;;
    info-agent) echo dockhand/agent ;;
    client-app) echo dockhand/client ;;
    gateway) echo dockhand/gateway ;;
    registry) echo dockhand/registry ;;
    *) die "unknown module $1 (server-app, info-agent, client-app, gateway, registry)" ;;
  esac
}
# The build context: a Java module's directory (its jar under target/), or the registry's under provision/.
context_of() {
  case "$1" in
    registry) echo provision/registry ;;
    *) echo "$1" ;;
  esac
}
for m in "${modules[@]}"; do image_of "$m" >/dev/null; done
java_modules=()
for m in "${modules[@]}"; do [ "$m" = registry ] || java_modules+=("$m"); done

require_docker
cd "$DOCKHAND_ROOT"

# 1. The jars.
if $package && [ ${#java_modules[@]} -gt 0 ]; then
  if jdk=$(find_jdk); then
    export JAVA_HOME=$jdk
    list=$(IFS=,; echo "${java_modules[*]}")
    log "packaging $list with Maven (JDK $JAVA_HOME, tests skipped) ..."
    start=$SECONDS
    ./mvnw -B -q -pl "$list" -am package -DskipTests
    log "packaged in $((SECONDS - start)) s"
  else
    log "no JDK 21+ found: using the jars already built (./mvnw -B package -DskipTests on a machine with one)"
  fi
fi
for m in "${java_modules[@]}"; do
  [ -f "$m/target/$m.jar" ] || die "$m/target/$m.jar is missing: run ./mvnw -B package -DskipTests (needs JDK 21+)"
done
for m in "${modules[@]}"; do
  [ -f "$(context_of "$m")/Dockerfile" ] || die "$(context_of "$m")/Dockerfile is missing"
done

# 2. The base images (the Java one only when a Java image is built).
offline=false
public_base=${DOCKHAND_PUBLIC_BASE:-eclipse-temurin:21-jre}
if [ ${#java_modules[@]} -eq 0 ]; then
  base=
elif [ -n "${BASE_IMAGE:-}" ]; then
  base=$BASE_IMAGE
  log "base image $base (from BASE_IMAGE)"
elif [ -n "$(image_id "$public_base")" ]; then
  base=$public_base
  log "base image $base (present)"
elif [ "${DOCKHAND_OFFLINE:-0}" != 1 ] &&
     log "pulling $public_base (at most ${DOCKHAND_PULL_TIMEOUT:-60} s) ..." &&
     timeout "${DOCKHAND_PULL_TIMEOUT:-60}" docker pull -q "$public_base" >/dev/null 2>&1; then
  base=$public_base
  log "base image $base (pulled)"
else
  base=${DOCKHAND_JRE_IMAGE:-dockhand/jre:21}
  if [ "${DOCKHAND_OFFLINE:-0}" = 1 ]; then why="DOCKHAND_OFFLINE=1"; else why="no registry answered"; fi
  log "$why: using the offline base $base"
  "$DOCKHAND_ROOT/provision/offline-base.sh"
  offline=true
fi
# A base of our own (dockhand/jre:21 by BASE_IMAGE) means an offline site: no pull of the public Debian either.
case "$base" in dockhand/*) offline=true ;; esac
os_base=
if [[ " ${modules[*]} " == *" registry "* ]]; then
  public_os=${DOCKHAND_PUBLIC_OS_BASE:-debian:bookworm-slim}
  offline_os=${DOCKHAND_OS_IMAGE:-dockhand/debian:bookworm}
  if [ -n "${REGISTRY_BASE_IMAGE:-}" ]; then
    os_base=$REGISTRY_BASE_IMAGE
  elif ! $offline && [ -n "$(image_id "$public_os")" ]; then
    os_base=$public_os
  elif ! $offline && [ "${DOCKHAND_OFFLINE:-0}" != 1 ] &&
       log "pulling $public_os (at most ${DOCKHAND_PULL_TIMEOUT:-60} s) ..." &&
       timeout "${DOCKHAND_PULL_TIMEOUT:-60}" docker pull -q "$public_os" >/dev/null 2>&1; then
    os_base=$public_os
  else
    os_base=$offline_os
    [ -n "$(image_id "$os_base")" ] || "$DOCKHAND_ROOT/provision/offline-base.sh"
  fi
  log "registry base image $os_base"
fi

# 3. The images.
tag=${DOCKHAND_TAG:-latest}
i=0
for m in "${modules[@]}"; do
  i=$((i + 1))
  image=$(image_of "$m")
  context=$(context_of "$m")
  from=$base
  [ "$m" != registry ] || from=$os_base
  log "[$i/${#modules[@]}] building $image:$tag from $context/ on $from ..."
  start=$SECONDS
  if $quiet; then
    out=$(mktemp)
    docker build -q --build-arg "BASE_IMAGE=$from" -t "$image:$tag" "$context" >"$out" 2>&1 || { cat "$out" >&2; rm -f "$out"; die "building $image failed"; }
    rm -f "$out"
  else
    docker build --build-arg "BASE_IMAGE=$from" -t "$image:$tag" "$context"
  fi
  log "[$i/${#modules[@]}] $image ready in $((SECONDS - start)) s ($(image_id "$image:$tag" | cut -c8-19))"
done

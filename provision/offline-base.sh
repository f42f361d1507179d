#!/usr/bin/env bash
# Builds Dockhand's base images without any container registry, for air-gapped sites and for this
# project's tests:
#   dockhand/debian:bookworm  Debian 12 (minbase) with curl and CA certificates, from mmdebstrap
#   dockhand/jre:21           the same with a jlink'ed Java runtime at /opt/java/openjdk
# Debian packages come from this host's own apt sources; the runtime from the JDK in JAVA_HOME (21+).
# Every Dockerfile of the project takes BASE_IMAGE; pass --build-arg BASE_IMAGE=dockhand/jre:21.
# Usage: provision/offline-base.sh [--force]   (idempotent: existing images are kept unless --force)
set -euo pipefail

OS_IMAGE=${DOCKHAND_OS_IMAGE:-dockhand/debian:bookworm}
JRE_IMAGE=${DOCKHAND_JRE_IMAGE:-dockhand/jre:21}
force=false
[ "${1:-}" = "--force" ] && force=true

log() { printf '[offline-base] %s\n' "$*" >&2; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

find_jdk() {
  local candidates=("${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*)
  for j in "${candidates[@]}"; do
    [ -n "$j" ] && [ -x "$j/bin/jlink" ] || continue
    local v
    v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$j"; return 0; fi
  done
  return 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if $force || ! have_image "$OS_IMAGE"; then
  if ! command -v mmdebstrap >/dev/null; then
    [ "$(id -u)" = 0 ] || { log "mmdebstrap is missing: apt-get install mmdebstrap (as root), then run this again"; exit 1; }
    log "installing mmdebstrap"
    apt-get update -qq && apt-get install -y -qq mmdebstrap >/dev/null
  fi
  log "building $OS_IMAGE with mmdebstrap (Debian bookworm, minbase)"
  mmdebstrap --quiet --variant=minbase --include=ca-certificates,curl,procps \
    --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
    bookworm "$work/rootfs.tar"
  docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
    "$work/rootfs.tar" "$OS_IMAGE" >/dev/null
  rm -f "$work/rootfs.tar"
else
  log "$OS_IMAGE exists"
fi

if $force || ! have_image "$JRE_IMAGE"; then
  jdk=$(find_jdk) || { log "no JDK 21+ with jlink found: set JAVA_HOME"; exit 1; }
  log "building $JRE_IMAGE with jlink from $jdk"
  # The runtime modules a server needs (no desktop, no compiler): java.se plus what Helidon,
  # docker-java and H2 reach for (Unsafe, JFR, management, zip file systems, EC crypto).
  modules=java.se,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.jfr,jdk.management,jdk.net,jdk.localedata,jdk.naming.dns,jdk.httpserver,jdk.jcmd
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --output "$work/jre"
  cat > "$work/Dockerfile" <<DOCKERFILE
FROM $OS_IMAGE
COPY jre /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DOCKERFILE
  docker build -q -t "$JRE_IMAGE" "$work" >/dev/null
else
  log "$JRE_IMAGE exists"
fi
log "ready: $OS_IMAGE $JRE_IMAGE"

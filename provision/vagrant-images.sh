# Images in a Vagrant VM; source it after lib.sh, do not run it.
# shellcheck shell=bash

# Loads the images the host saved to target/vagrant/images.tar.gz (the Vagrantfile's DOCKHAND_IMAGES=load:
# Dockhand's, and dockhand/debian:bookworm, the base the deployment presets build on), else builds them here from
# the jars (build-images.sh; the presets then build on debian:bookworm-slim, pulled from Docker Hub). Either way
# sets CHANGED_IMAGES (see lib.sh) to the images whose ID changed, so a running stack can be rolled onto them.
vagrant_images() {
  local archive=$DOCKHAND_ROOT/target/vagrant/images.tar.gz
  local images=(dockhand/server dockhand/agent dockhand/client dockhand/gateway dockhand/registry) before=() i start=$SECONDS
  if [ ! -f "$archive" ]; then
    build_images_tracking_changes --no-package
    return
  fi
  for i in "${!images[@]}"; do before[i]=$(image_id "${images[i]}:latest"); done
  log "loading the host's images from target/vagrant/images.tar.gz ($(du -h "$archive" | cut -f1)) ..."
  gzip -dc "$archive" | docker load -q >&2
  CHANGED_IMAGES=()
  for i in "${!images[@]}"; do
    [ -n "$(image_id "${images[i]}:latest")" ] || die "${images[i]}:latest is not in $archive"
    [ "${before[i]}" = "$(image_id "${images[i]}:latest")" ] || CHANGED_IMAGES+=("${images[i]}")
  done
  # The deployment presets' base (the agent builds python/node/static apps on it when the node has it).
  [ -n "$(image_id dockhand/debian:bookworm)" ] || die "dockhand/debian:bookworm (the presets' base) is not in $archive"
  log "images loaded in $((SECONDS - start)) s (changed: ${CHANGED_IMAGES[*]:-none})"
}

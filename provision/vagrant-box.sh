#!/usr/bin/env bash
# Builds a Debian 12 Vagrant box for the libvirt provider without downloading any box, for air-gapped sites
# and for the acceptance test (provision/vagrant-acceptance.sh), then adds it to Vagrant as `dockhand/bookworm`:
#   1. mmdebstrap installs Debian bookworm (a kernel, systemd, OpenSSH, sudo, ifupdown with a DHCP client,
#      rsync for Vagrant's synced folder, Docker Engine from Debian's docker.io, and AppArmor, which Debian's
#      kernel enables and Docker then needs to start any container) into a directory, from
#      this host's own apt sources (or a local mirror: see mmdebstrap's MIRROR argument, DOCKHAND_BOX_MIRROR);
#   2. a `vagrant` user with Vagrant's public insecure key (the one in Vagrant's own installation, keys/)
#      and passwordless sudo; SSH host keys are made at each VM's first boot, not baked in;
#   3. `mkfs.ext4 -d` turns the directory into a file system image (nothing is mounted; no loop device),
#      `qemu-img convert` makes it qcow2;
#   4. there is no boot loader: the box carries the kernel and the initrd, and its own Vagrantfile tells
#      vagrant-libvirt to boot them directly (kernel, initrd, cmd_line root=/dev/vda).
# Usage (as root): provision/vagrant-box.sh [--force]
# Environment: DOCKHAND_BOX_NAME (default dockhand/bookworm), DOCKHAND_BOX_SIZE (GB, default 20),
#   DOCKHAND_BOX_DIR (where box file is written, default ~/.cache/dockhand), DOCKHAND_BOX_MIRROR (an apt
#   mirror or sources line for mmdebstrap; default: this host's apt sources),
#   DOCKHAND_BOX_PACKAGES (extra packages, comma-separated).
# Idempotent: a box already added under that name is kept unless --force.
set -euo pipefail
LOG_TAG=vagrant-box
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=${DOCKHAND_BOX_NAME:-dockhand/bookworm}
SIZE=${DOCKHAND_BOX_SIZE:-20}
OUT_DIR=${DOCKHAND_BOX_DIR:-$HOME/.cache/dockhand}
force=false
[ "${1:-}" = --force ] && force=true

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap installs packages owned by root, mkfs.ext4 -d keeps owners)"
for tool in mmdebstrap mkfs.ext4 qemu-img vagrant; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install mmdebstrap e2fsprogs qemu-utils vagrant"
done
if ! $force && vagrant box list 2>/dev/null | grep -q "^$NAME .*(libvirt"; then
  log "box $NAME (libvirt) is already added: nothing to do (--force rebuilds it)"
  exit 0
fi

# Vagrant's public insecure key, from Vagrant's own installation (never a copy in this repository).
pubkey=
for k in /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub \
         /opt/vagrant/embedded/gems/gems/vagrant-*/keys/vagrant.pub \
         /opt/vagrant/embedded/gems/*/gems/vagrant-*/keys/vagrant.pub; do
  [ -f "$k" ] && { pubkey=$k; break; }
done
[ -n "$pubkey" ] || die "Vagrant's insecure public key (keys/vagrant.pub in Vagrant's gem) was not found"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/dockhand-box.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root" "$work/box" "$OUT_DIR"

packages=linux-image-amd64,systemd-sysv,openssh-server,sudo,ifupdown,isc-dhcp-client,iproute2,netbase,rsync,ca-certificates,procps,docker.io,apparmor
[ -z "${DOCKHAND_BOX_PACKAGES:-}" ] || packages+=",$DOCKHAND_BOX_PACKAGES"
mirror_args=()
[ -z "${DOCKHAND_BOX_MIRROR:-}" ] || mirror_args=("$DOCKHAND_BOX_MIRROR")

log "[1/4] mmdebstrap: Debian bookworm with $packages ..."
start=$SECONDS
mmdebstrap --quiet --variant=apt --include="$packages" \
  --customize-hook='chroot "$1" useradd -m -s /bin/bash -G sudo vagrant' \
  --customize-hook="mkdir -p \"\$1/home/vagrant/.ssh\" && cp '$pubkey' \"\$1/home/vagrant/.ssh/authorized_keys\"" \
  --customize-hook='chroot "$1" sh -c "chown -R vagrant:vagrant /home/vagrant/.ssh && chmod 700 /home/vagrant/.ssh && chmod 600 /home/vagrant/.ssh/authorized_keys"' \
  --customize-hook='echo "vagrant ALL=(ALL) NOPASSWD: ALL" > "$1/etc/sudoers.d/vagrant" && chmod 440 "$1/etc/sudoers.d/vagrant"' \
  --customize-hook='echo "root:vagrant" | chroot "$1" chpasswd' \
  --customize-hook='printf "/dev/vda / ext4 defaults,errors=remount-ro 0 1\n" > "$1/etc/fstab"' \
  --customize-hook='printf "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n" > "$1/etc/network/interfaces"' \
  --customize-hook='echo vagrant > "$1/etc/hostname"; printf "127.0.0.1 localhost\n127.0.1.1 vagrant\n" > "$1/etc/hosts"' \
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*; mkdir -p "$1/etc/systemd/system/ssh.service.d"; printf "[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n" > "$1/etc/systemd/system/ssh.service.d/hostkeys.conf"' \
  --customize-hook='printf "UseDNS no\n" > "$1/etc/ssh/sshd_config.d/vagrant.conf"' \
  --customize-hook=': > "$1/etc/machine-id"; rm -f "$1/var/lib/dbus/machine-id"' \
  --customize-hook='chroot "$1" usermod -aG docker vagrant' \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  --customize-hook="cp -L \"\$1/vmlinuz\" '$work/box/vmlinuz' && cp -L \"\$1/initrd.img\" '$work/box/initrd.img'" \
  bookworm "$root" "${mirror_args[@]}"
log "[1/4] done in $((SECONDS - start)) s ($(du -sh "$root" | cut -f1))"

log "[2/4] ext4 image (${SIZE} GB, sparse) from the directory ..."
start=$SECONDS
truncate -s "${SIZE}G" "$work/root.raw"
mkfs.ext4 -q -F -L root -d "$root" "$work/root.raw"
rm -rf "$root"
log "[3/4] qcow2 ..."
qemu-img convert -O qcow2 "$work/root.raw" "$work/box/box.img"
rm -f "$work/root.raw"
log "[2-3/4] done in $((SECONDS - start)) s"

printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %s}\n' "$SIZE" > "$work/box/metadata.json"
cat > "$work/box/Vagrantfile" <<'VAGRANTFILE'
# Dockhand's offline Debian 12 box (provision/vagrant-box.sh): no boot loader; libvirt boots the kernel and
# initrd shipped next to this file. qemu must be able to read them (they live under Vagrant's home).
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |lv|
    lv.kernel = File.expand_path("vmlinuz", __dir__)
    lv.initrd = File.expand_path("initrd.img", __dir__)
    lv.cmd_line = "root=/dev/vda rw net.ifnames=0 console=ttyS0"
  end
end
VAGRANTFILE

log "[4/4] packing and adding the box as $NAME ..."
start=$SECONDS
box=$OUT_DIR/dockhand-bookworm-libvirt.box
# Not compressed: qcow2 is compact already, and gzip would cost more time than it saves.
tar -C "$work/box" -cf "$box" metadata.json Vagrantfile vmlinuz initrd.img box.img
vagrant box add --force --name "$NAME" --provider libvirt "$box" >&2
log "[4/4] done in $((SECONDS - start)) s: $box ($(du -h "$box" | cut -f1)), box $NAME"

# vagrant-libvirt copied earlier builds of this box into libvirt's storage pool (one volume per build); they are
# the base of no VM once no domain exists, so drop them then (else say how). The pool 'default' exists only
# once something made it (vagrant-libvirt does at its first `vagrant up`): on a fresh host there is none, and
# nothing to drop.
if command -v virsh >/dev/null && virsh -c qemu:///system version >/dev/null 2>&1; then
  if ! virsh -c qemu:///system pool-info default >/dev/null 2>&1; then
    log "libvirt has no storage pool 'default' yet (vagrant up makes it): no old box volumes to drop"
  elif ! volumes=$(virsh -c qemu:///system vol-list default 2>/dev/null); then
    log "libvirt's pool 'default' is not active: old box volumes, if any, stay (virsh pool-start default)"
  else
    prefix="${NAME//\//-VAGRANTSLASH-}_vagrant_box_image_"
    stale=$(printf '%s\n' "$volumes" | awk -v p="$prefix" 'index($1, p) == 1 {print $1}')
    domains=$(virsh -c qemu:///system list --all --name 2>/dev/null | grep . || true)
    if [ -n "$stale" ] && [ -z "$domains" ]; then
      for v in $stale; do
        if virsh -c qemu:///system vol-delete --pool default "$v" >/dev/null; then
          log "removed the old box volume $v"
        else
          log "could not remove the old box volume $v: virsh vol-delete --pool default $v"
        fi
      done
    elif [ -n "$stale" ]; then
      log "older copies of this box are in libvirt's pool 'default' ($(echo $stale)); once no VM uses them: virsh vol-delete --pool default <name>"
    fi
  fi
fi

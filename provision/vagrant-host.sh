#!/usr/bin/env bash
# Prepares a Debian/Ubuntu host to run the Vagrantfile with the libvirt provider (as root):
#   - installs vagrant, vagrant-libvirt, libvirt's daemons, QEMU and the box builder's tools when missing
#     (apt-get, from the host's own sources);
#   - starts libvirt's daemons by hand when PID 1 is not systemd (containers, CI runners);
#   - with --qemu-as-root, lets QEMU run as root (user/group "root" in /etc/libvirt/qemu.conf) so it can read
#     the offline box's kernel and initrd in Vagrant's home under /root. Only for a throw-away test machine
#     where Vagrant itself runs as root; a normal user's ~/.vagrant.d needs no such change.
# Usage: provision/vagrant-host.sh [--qemu-as-root]      Idempotent.
set -euo pipefail
LOG_TAG=vagrant-host
# shellcheck source=provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

qemu_as_root=false
[ "${1:-}" = --qemu-as-root ] && qemu_as_root=true
[ "$(id -u)" = 0 ] || die "run as root"

export DEBIAN_FRONTEND=noninteractive
missing=()
for pair in vagrant:vagrant vagrant-libvirt:vagrant-libvirt libvirtd:libvirt-daemon-system virsh:libvirt-clients \
            qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils mmdebstrap:mmdebstrap dnsmasq:dnsmasq-base \
            rsync:rsync; do
  cmd=${pair%%:*} pkg=${pair#*:}
  if [ "$cmd" = vagrant-libvirt ]; then
    dpkg -s vagrant-libvirt >/dev/null 2>&1 || missing+=("$pkg")
  else
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} ..."
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

conf=/etc/libvirt/qemu.conf
restart=false
if $qemu_as_root && ! grep -qE '^user = "root"' "$conf"; then
  log "QEMU runs as root from now on ($conf)"
  printf '\n# provision/vagrant-host.sh --qemu-as-root: QEMU reads boxes kept under /root\nuser = "root"\ngroup = "root"\n' >> "$conf"
  restart=true
fi

if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  $restart && systemctl restart libvirtd
  systemctl start virtlogd virtlockd libvirtd
else
  # No systemd: start the daemons ourselves (each forks into the background with -d).
  if $restart && pid=$(pidof libvirtd); then
    log "restarting libvirtd (pid $pid) for the new qemu.conf"
    kill "$pid"; for _ in $(seq 20); do pidof libvirtd >/dev/null || break; sleep 0.5; done
  fi
  pidof virtlogd >/dev/null || { log "starting virtlogd"; virtlogd -d; }
  pidof virtlockd >/dev/null || { log "starting virtlockd"; virtlockd -d; }
  pidof libvirtd >/dev/null || { log "starting libvirtd"; libvirtd -d; }
fi
for _ in $(seq 30); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 1; done
virsh -c qemu:///system version >/dev/null || die "libvirtd does not answer on qemu:///system"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then kvm="present (the Vagrantfile still decides: DOCKHAND_LIBVIRT_DRIVER)"; else kvm=absent; fi
log "libvirt ready ($(virsh -c qemu:///system version --daemon 2>/dev/null | awk '/daemon/ {print $NF}')); /dev/kvm $kvm"

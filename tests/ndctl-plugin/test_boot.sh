#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_boot.sh -- an ndctl-crypt namespace across reboots, on the emulated
# MKTME machine with the pmemcrypt kernel (vm-boot.sh in the guest).
#
# usage: test_boot.sh BUILD-DIR
# Three boots on one NVDIMM file.  What survives a reboot on a real
# machine travels as files: the key store (printed by boot 1 as a tar.gz,
# put back by the host into the next initramfs) and the master key (a
# 32-byte user key file here; on a real machine a TPM-sealed trusted key
# or a user key loaded at boot).  Boot 1 encrypts a namespace and writes a
# marker file; the host checks that the marker is not in the NVDIMM file in
# plaintext; boot 2 loads the keys as the boot unit does and mounts from
# fstab; boot 3 runs without the blob: the namespace stays disabled and the
# host checks that the NVDIMM file is unchanged.
#
# NDCTL_CRYPT_MOUNT_OPTS: mount options of the ext4 file system (default
# "dax").
# Exit 77 when the kernel source or the emulator is missing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test_boot.sh BUILD-DIR}" && pwd)
mount_opts=${NDCTL_CRYPT_MOUNT_OPTS:-dax}
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"

[ -r /usr/src/linux-source-6.1.tar.xz ] || {
	echo "SKIP: no /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1)"
	exit 77
}
check_tool=$bdir/tools/mktme-check/mktme-check
[ -x "$check_tool" ] || { echo "missing $check_tool (make it first)" >&2; exit 1; }
vm_project_kernel
kernel=$VM_KERNEL
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
img=$work/nvdimm.img
mark=PMEMCRYPT-MARK-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
head -c 32 /dev/urandom >"$work/master.key"
echo "# mount options: $mount_opts"

boot() {
	local phase=$1
	shift
	vm_boot -k "$kernel" -t 240 -l "$work/serial$phase.log" \
		-a "$bdir/ndctl-plugin/ndctl-crypt:/bin/ndctl-crypt" \
		-a "$(command -v keyctl):/bin/keyctl" \
		-a "$work/master.key:/etc/pmemcrypt-master.key" \
		-e phase="$phase" -e mark="$mark" -e mount_opts="$mount_opts" \
		-d "$img:64M" "$@" "$here/vm-boot.sh"
}

boot 1
tr -d '\r' <"$work/serial1.log" |
	sed -n '/^STORE-BEGIN$/,/^STORE-END$/p' | sed '1d;$d' |
	base64 -d >"$work/store.tgz" || true
host_check "boot 1 printed the key store" sh -c \
	"tar -tzf '$work/store.tgz' | grep -q 'etc/ndctl/crypt/.*\.blob'"
host_check "the marker is not in the NVDIMM file in plaintext" \
	"$check_tool" -A "$mark" "$img"

boot 2 -a "$work/store.tgz:/store.tgz"
host_check "the marker is still not in plaintext" "$check_tool" -A "$mark" "$img"
before=$(sha256sum <"$img")

# the store without the blob
mkdir -p "$work/empty/etc/ndctl/crypt"
chmod 0700 "$work/empty/etc/ndctl/crypt"
tar -C "$work/empty" -czf "$work/empty.tgz" etc
boot 3 -a "$work/empty.tgz:/store.tgz"
host_check "boot 3 left the NVDIMM file unchanged" \
	test "$(sha256sum <"$img")" = "$before"
echo "1..$vm_n"
vm_done

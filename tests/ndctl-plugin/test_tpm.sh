#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_tpm.sh -- ndctl-crypt with its master key sealed by a TPM 2.0, on
# the emulated MKTME machine (swtpm, QEMU's tpm-tis, the pmemcrypt kernel
# with trusted keys; vm-tpm.sh in the guest).
#
# usage: test_tpm.sh BUILD-DIR
# Three boots on one NVDIMM file.  The TPM's state is a folder kept across
# boots, as the NVDIMM image is; the host provisions it as a machine's TPM
# is (a storage key at 0x81000001, tpm2-tools over 127.0.0.1).  Boot 1
# makes the trusted master key and an encrypted namespace, boot 2 (same
# TPM) unseals it and brings the namespace up, boot 3 (a fresh TPM)
# cannot: the namespace stays disabled and the NVDIMM file is unchanged.
# Exit 77 when the kernel source, the emulator or swtpm is missing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test_tpm.sh BUILD-DIR}" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"

[ -r /usr/src/linux-source-6.1.tar.xz ] || {
	echo "SKIP: no /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1)"
	exit 77
}
check_tool=$bdir/tools/mktme-check/mktme-check
vm_project_kernel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
img=$work/nvdimm.img
mark=PMEMCRYPT-TPM-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
vm_tpm_provision "$work/tpm"

boot() {
	local phase=$1 tpm=$2
	shift 2
	vm_boot -k "$VM_KERNEL" -t 240 -l "$work/serial$phase.log" -T "$tpm" \
		-a "$bdir/ndctl-plugin/ndctl-crypt:/bin/ndctl-crypt" \
		-a "$(command -v keyctl):/bin/keyctl" \
		-e phase="$phase" -e mark="$mark" -d "$img:64M" "$@" \
		"$here/vm-tpm.sh"
}

boot 1 "$work/tpm"
tr -d '\r' <"$work/serial1.log" |
	sed -n '/^STORE-BEGIN$/,/^STORE-END$/p' | sed '1d;$d' |
	base64 -d >"$work/store.tgz" || true
host_check "boot 1 printed the store and the sealed master key" sh -c \
	"tar -tzf '$work/store.tgz' | grep -q 'etc/ndctl/crypt/.*\.blob' &&
	 tar -tzf '$work/store.tgz' | grep -q 'etc/ndctl/pmemcrypt-master.tpm'"
host_check "the marker is not in the NVDIMM file in plaintext" \
	"$check_tool" -A "$mark" "$img"

boot 2 "$work/tpm" -a "$work/store.tgz:/store.tgz"
before=$(sha256sum <"$img")

vm_tpm_provision "$work/tpm-new"
boot 3 "$work/tpm-new" -a "$work/store.tgz:/store.tgz"
host_check "boot 3 left the NVDIMM file unchanged" \
	test "$(sha256sum <"$img")" = "$before"
echo "1..$vm_n"
vm_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_erase.sh -- 'ndctl-crypt erase' on the emulated MKTME machine with
# the pmemcrypt kernel (vm-erase.sh in the guest), then the NVDIMM file
# on the host: the old marker block still decrypts with the old key (the
# data is not rewritten: only a copy of the old key reads it), and the
# new key decrypts none of it.  The two namespace keys are test vectors
# made here, so that the host can decrypt with them.
#
# usage: test_erase.sh BUILD-DIR
# NDCTL_CRYPT_KEEP=1 keeps the work directory.  Exit 77 when the kernel
# source or the emulator is missing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test_erase.sh BUILD-DIR}" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"

[ -r /usr/src/linux-source-6.1.tar.xz ] || {
	echo "SKIP: no /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1)"
	exit 77
}
check_tool=$bdir/tools/mktme-check/mktme-check
[ -x "$check_tool" ] || { echo "missing $check_tool (make it first)" >&2; exit 1; }
filefrag=$(command -v filefrag || true)
[ -n "$filefrag" ] || { echo "SKIP: no filefrag (e2fsprogs)"; exit 77; }
vm_project_kernel
work=$(mktemp -d)
if [ -n "${NDCTL_CRYPT_KEEP:-}" ]; then
	echo "# keeping $work (serial log, NVDIMM file)"
else
	trap 'rm -rf "$work"' EXIT
fi
img=$work/nvdimm.img
mark=PMEMCRYPT-ERASE-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
head -c 32 /dev/urandom >"$work/master.key"
for k in A B; do
	(umask 077 && head -c 64 /dev/urandom | od -An -tx1 |
		tr -d ' \n' >"$work/key$k.hex")
done
block=""
while [ ${#block} -lt 4096 ]; do block+="$mark"$'\n'; done
printf '%s' "${block:0:4096}" >"$work/marker.bin"

vm_boot -k "$VM_KERNEL" -t 240 -l "$work/serial.log" \
	-a "$bdir/ndctl-plugin/ndctl-crypt:/bin/ndctl-crypt" \
	-a "$(command -v keyctl):/bin/keyctl" \
	-a "$filefrag:/sbin/filefrag" \
	-a "$work/master.key:/etc/pmemcrypt-master.key" \
	-a "$work/keyA.hex:/keyA.hex" -a "$work/keyB.hex:/keyB.hex" \
	-a "$work/marker.bin:/marker.bin" \
	-e mark="$mark" -d "$img:64M" "$here/vm-erase.sh"

# mktme_check KEY-NAME ARGS...: tools/mktme-check with key KEY-NAME
# shellcheck disable=SC2317 # called through host_check
mktme_check() {
	vm_mktme_check "$check_tool" "$work/key$1.hex" "${@:2}"
}
serial=$(tr -d '\r' <"$work/serial.log")
gpa=$(sed -n 's/^MARK-GPA=\([0-9]*\).*/\1/p' <<<"$serial" | tail -1)
base=$(sed -n 's/.*REGION-BASE=\([0-9]*\).*/\1/p' <<<"$serial" | tail -1)
host_check "the guest printed the marker's address" test -n "$gpa" -a -n "$base"
off=$((${gpa:-0} - ${base:-0}))
host_check "the marker is not in the NVDIMM file in plaintext" \
	"$check_tool" -A "$mark" "$img"
host_check "the old marker block (offset $off) still decrypts with the old key" \
	mktme_check A -b "$base" -o "$off" -n 4096 -e "$work/marker.bin" "$img"
host_check "and not with the new key" vm_exit_is 1 \
	mktme_check B -b "$base" -o "$off" -n 4096 -e "$work/marker.bin" "$img"
echo "1..$vm_n"
vm_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test-pool-hw.sh -- libpmemcrypt's hardware engine on MKTME-bound namespaces.
#
# usage: test-pool-hw.sh BUILD-DIR   (BUILD-DIR: the build's tests/vm folder)
# One boot of the project's kernel (VM_KERNEL, default: the last line of
# kernel/build.sh) on the emulated TME-MK machine with two label-less
# NVDIMMs (scenarios/pool-hw.sh): an mktme key with known bytes is bound to
# an fsdax and a devdax namespace; pools created with --engine auto in an
# ext4 -o dax file and on the device-dax use the hardware engine; a record
# written to each reads back.  On the host the records' text is nowhere in
# the NVDIMM files as plaintext, and tools/mktme-check decrypts each
# namespace's data range (tweak = guest-physical address) with the key to
# bytes that hold it.
# Exit: 0 passed, 1 failed, 77 cannot run here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bdir=${1:?usage: test-pool-hw.sh BUILD-DIR}
top=$(cd "$here/../.." && pwd)
build=$(cd "$bdir/../.." && pwd)
mcheck=$build/tools/mktme-check/mktme-check
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
keyctl=$(command -v keyctl) || skip "no keyctl (install keyutils)"
vm_project_kernel
export VM_TIMEOUT=${VM_TIMEOUT:-600}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fs_img=$work/fs.img
fs_mb=64
dev_img=$work/dev.img
dev_mb=32
# The mktme key: data key, then tweak key (AES-XTS-256).
key=5f0c2a9be1d34a7788c1f2e3d4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f6071
key+=8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677
for ((i = 0; i < ${#key}; i += 2)); do
	printf '%b' "\\x${key:i:2}"
done >"$work/mktme-key"
# pmemcrypt refuses key files others may access: mode 0600 here and in the VM
(umask 077 && head -c 32 /dev/urandom >"$work/key")
fs_mark=PCHW-FILE-RECORD-$$
dax_mark=PCHW-DAX-RECORD-$$

vm_boot -d "$fs_img:${fs_mb}M:0" -d "$dev_img:${dev_mb}M:0" \
	-e fs_size=$((fs_mb << 20)) -e dev_size=$((dev_mb << 20)) \
	-a "$build/tools/pmemcrypt/pmemcrypt" -a "$build/tests/tools/pool_helper" \
	-a "$keyctl" -a "$work/mktme-key:/mktme-key" -a "$work/key:/key" \
	-l "$work/boot.log" -e fs_mark=$fs_mark -e dax_mark=$dax_mark \
	"$here/scenarios/pool-hw.sh"

# value NAME: the address the guest printed as "POOLHW NAME ADDR".
value() {
	tr -d '\r' <"$work/boot.log" | sed -n "s/^POOLHW $1 \(0x[0-9a-f]*\)\$/\1/p" |
		head -n 1
}

# decrypted_has NAME IMG MB TEXT [KEY]: the namespace's data, decrypted
# with the key (or KEY) from its first byte to the end of the NVDIMM file,
# holds TEXT.
decrypted_has() {
	local base data len k=${5:-$key}
	base=$(value "$1-base")
	data=$(value "$1-data")
	[ -n "$base" ] && [ -n "$data" ] || { echo "no layout of $1"; return 1; }
	len=$((($3 << 20) - (data - base)))
	"$mcheck" -a aes-xts-256 -k "${k:0:64}" -t "${k:64:64}" -b "$base" \
		-o $((data - base)) -n $((len / 16 * 16)) -d "$work/$1.plain" \
		"$2" >/dev/null || [ -s "$work/$1.plain" ] || return 1
	grep -q -a "$4" "$work/$1.plain"
}

host_check "host: no plaintext of the file pool record in the NVDIMM file" \
	"$mcheck" -A "$fs_mark" "$fs_img"
host_check "host: no plaintext of the device-dax record in the NVDIMM file" \
	"$mcheck" -A "$dax_mark" "$dev_img"
host_check "host: the fsdax range decrypts with the key to the file record" \
	decrypted_has fs "$fs_img" $fs_mb "$fs_mark"
host_check "host: the devdax range decrypts with the key to the record" \
	decrypted_has dev "$dev_img" $dev_mb "$dax_mark"
# Another key (the right one's halves swapped) finds nothing.
not_decrypted() {
	! decrypted_has "$@"
}
host_check "host: another key does not decrypt to the record" \
	not_decrypted dev "$dev_img" $dev_mb "$dax_mark" \
	"${key:64:64}${key:0:64}"
echo "1..$vm_n"
vm_done

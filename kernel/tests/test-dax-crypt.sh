#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test-dax-crypt.sh -- end to end: ext4, xfs and device-dax data on
# namespaces bound to an mktme key reach the NVDIMM encrypted, and survive
# reboots.
#
# usage: kernel/tests/test-dax-crypt.sh BUILD-DIR
#   BUILD-DIR: the build's kernel/tests folder (holds dax-crypt; mktme-check
#   is BUILD-DIR/../../tools/mktme-check/mktme-check)
# Boots the project's kernel (VM_KERNEL, default: the last line of
# kernel/build.sh) on the emulated TME-MK machine (tests/vm/vm-run.sh) with
# two label-less NVDIMMs, four times on the same backing files
# (kernel/tests/scenarios/dax-crypt.sh), once for each file system:
#  1. write: bind a known AES-XTS-256 key A to an fsdax namespace, mkfs,
#     mount -o dax, write a file with write() and one through a shared mapping
#     (MAP_SYNC), write through the device-dax mapping of a second bound
#     namespace; the guest prints the files' extents and the guest-physical
#     layout.  The host then decrypts those places of the backing files
#     with tools/mktme-check (OpenSSL, tweak = guest-physical address) to
#     exactly what was written, key B does not, and no marker is anywhere
#     in either file as plaintext.
#  2. read: the same key added again, bound, enabled, mounted: all reads back.
#  3. wrongkey: bound to key B, the namespace is not enabled (the key check
#     refuses it) and does not mount, and the backing files are unchanged (hashed before and after on the host).
#  4. read again: with key A the data is intact.
# Environment:
#   DAX_CRYPT_FS="ext4 xfs"  the file systems to run it with
#   DAX_CRYPT_LOGS=DIR  keep the serial logs of the boots there
#   VM_KERNEL, VM_TIMEOUT (per boot, default 300) and the other vm-run.sh
#   variables.
# Exit: 0 passed, 1 failed, 77 cannot run here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test-dax-crypt.sh BUILD-DIR}" && pwd)
helper=$bdir/dax-crypt
mcheck=$bdir/../../tools/mktme-check/mktme-check
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"

export VM_TIMEOUT=${VM_TIMEOUT:-300}

skip() {
	echo "SKIP: $*"
	exit 77
}
for f in "$helper" "$mcheck"; do
	[ -x "$f" ] || { echo "not ok 1 - $f missing (make)"; exit 1; }
done
keyctl=$(command -v keyctl) || skip "no keyctl (install keyutils)"

vm_project_kernel

work=$(mktemp -d)
# Keeps the serial logs in DAX_CRYPT_LOGS (if set), removes the rest.
cleanup() {
	if [ -n "${DAX_CRYPT_LOGS:-}" ]; then
		mkdir -p "$DAX_CRYPT_LOGS"
		cp "$work"/*.log "$DAX_CRYPT_LOGS/" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
# label-less NVDIMMs; the guest tells them apart by size
fs_img=$work/fs.img
dev_img=$work/dev.img
dev_mb=32

# Key A (the right one) and key B: data key, then tweak key, 32 bytes each.
key_a=621a3883cc6a2dfdf211bbfaf56f256303ff6205403b7ad868aa6058575bd75c
key_a+=f5cbe5ddbc0a24ea4c318d5fffdfb2be19dbbe3950912a0302b6dee79a96d3bd
key_b=ead86d2a35b8551009ffee6cbb11f7cb633de5a50301ff710da20015b95270f1
key_b+=7a0c2b472c8da5e0111daf7a8c563cabb066f4cd641458bcaa609fb650dc7463
# unhex HEX: the bytes HEX spells.
unhex() {
	local i
	for ((i = 0; i < ${#1}; i += 2)); do
		printf '%b' "\\x${1:i:2}"
	done
}
unhex "$key_a" >"$work/key-a"
unhex "$key_b" >"$work/key-b"

# Markers, new for every file system: 8 characters, the first of each
# 16-byte line.
rnd() {
	od -An -N3 -tx1 /dev/urandom | tr -d ' \n'
}

# boot PHASE [LOG]: one boot of the scenario on both NVDIMM files with the
# file system $fs, serial log in $work/$fs-LOG.log (default PHASE).
boot() {
	vm_boot -d "$fs_img:${fs_mb}M:0" -d "$dev_img:${dev_mb}M:0" \
		-e fs_size=$((fs_mb << 20)) -e dev_size=$((dev_mb << 20)) \
		-a "$helper" -a "$keyctl" \
		-a "$work/key-a:/key-a" -a "$work/key-b:/key-b" \
		-l "$work/$fs-${2:-$1}.log" -e "phase=$1" -e "fs=$fs" \
		-e "tag_w=$tag_w" -e "tag_m=$tag_m" -e "tag_d=$tag_d" \
		"$here/scenarios/dax-crypt.sh"
}

# value LOG NAME: the address the guest printed as "DAXCRYPT NAME ADDR".
value() {
	tr -d '\r' <"$1" | sed -n "s/^DAXCRYPT $2 \(0x[0-9a-f]*\)\$/\1/p" | head -n 1
}

# pattern TAG SIZE: the bytes dax-crypt writes for TAG.
pattern() {
	awk -v t="$1" -v n=$(($2 / 16)) \
		'BEGIN { for (i = 0; i < n; i++) printf "%-8.8s%08x", t, i }'
}

# xts KEY ARGS...: mktme-check with KEY (data + tweak hex) as AES-XTS-256.
xts() {
	local key=$1
	shift
	"$mcheck" -a aes-xts-256 -k "${key:0:64}" -t "${key:64:64}" "$@"
}

# decrypts KEY TAG: every extent the guest printed for TAG decrypts with
# KEY to the bytes written there.
decrypts() {
	local key=$1 tag=$2 base data size logical physical length n off
	local found=0
	base=$(value "$write_log" fs-base)
	data=$(value "$write_log" fs-data)
	[ -n "$base" ] && [ -n "$data" ] || { echo "no fs-base/fs-data"; return 1; }
	while read -r size logical physical length; do
		n=$((length < size - logical ? length : size - logical))
		[ $n -gt 0 ] || continue
		off=$((data + physical - base))
		pattern "$tag" "$size" >"$work/whole"
		dd if="$work/whole" of="$work/expect" bs=16 skip=$((logical / 16)) \
			count=$((n / 16)) status=none
		printf 'extent at file offset %#x (GPA %#x), %d bytes\n' \
			$off $((data + physical)) $n
		xts "$key" -b "$base" -o $off -n $n -e "$work/expect" "$fs_img" ||
			return 1
		found=$((found + n))
	done < <(tr -d '\r' <"$write_log" |
		sed -n "s/^DAXCRYPT extent $tag //p")
	size=$(tr -d '\r' <"$write_log" |
		sed -n "s/^DAXCRYPT extent $tag \([0-9]*\) .*/\1/p" | head -n 1)
	[ -n "$size" ] && [ "$found" -eq "$size" ] ||
		{ echo "checked $found bytes of ${size:-?}"; return 1; }
}

# only_key_a_decrypts TAG: key A decrypts TAG's extents, key B does not.
only_key_a_decrypts() {
	decrypts "$key_a" "$1" >/dev/null || { echo "key A does not decrypt"; return 1; }
	! decrypts "$key_b" "$1"
}

# plain_in FILE TEXT: TEXT occurs in FILE (mktme-check -A exits 1).
plain_in() {
	local rc=0
	"$mcheck" -A "$2" "$1" || rc=$?
	[ $rc -eq 1 ]
}

# dev_decrypts KEY: the start of the device-dax holds tag_d under KEY.
dev_decrypts() {
	local base data
	base=$(value "$write_log" dev-base)
	data=$(value "$write_log" dev-data)
	[ -n "$base" ] && [ -n "$data" ] || { echo "no dev-base/dev-data"; return 1; }
	printf 'device-dax offset 0 at file offset %#x (GPA %#x)\n' \
		$((data - base)) $((data))
	# 2 MiB: d_size in the scenario
	xts "$1" -b "$base" -o $((data - base)) -n 2097152 -p "$tag_d" "$dev_img"
}

# run_fs FS: the four boots with FS on new NVDIMM files (xfs needs 300 MiB).
run_fs() {
	fs=$1
	case $fs in
	ext4) fs_mb=64 ;;
	xfs) fs_mb=320 ;;
	*) echo "not ok - unknown file system '$fs' in DAX_CRYPT_FS"; return 1 ;;
	esac
	rm -f "$fs_img" "$dev_img"
	write_log=$work/$fs-write.log
	tag_w=DW$(rnd)
	tag_m=DM$(rnd)
	tag_d=DD$(rnd)
	echo "# test-dax-crypt, $fs: markers $tag_w $tag_m $tag_d"
	boot write
	host_check "host ($fs): the write() file decrypts with key A to what was written" \
		decrypts "$key_a" "$tag_w"
	host_check "host ($fs): the mapped file decrypts with key A to what was written" \
		decrypts "$key_a" "$tag_m"
	host_check "host ($fs): key B does not decrypt them" \
		only_key_a_decrypts "$tag_w"
	host_check "host ($fs): the device-dax data decrypts with key A" \
		dev_decrypts "$key_a"
	# The search does find plaintext: the info blocks, written through
	# KeyID 0.
	host_check "host ($fs): the fsdax info block is found in plaintext (the scan works)" \
		plain_in "$fs_img" NVDIMM_PFN_INFO
	host_check "host ($fs): the devdax info block is found in plaintext (the scan works)" \
		plain_in "$dev_img" NVDIMM_DAX_INFO
	for tag in "$tag_w" "$tag_m" "$tag_d"; do
		host_check "host ($fs): no plaintext $tag anywhere in either NVDIMM file" \
			sh -c '"$1" -A "$2" "$3" && "$1" -A "$2" "$4"' - \
			"$mcheck" "$tag" "$fs_img" "$dev_img"
	done

	boot read
	sha256sum "$fs_img" "$dev_img" >"$work/hash"
	boot wrongkey
	host_check "host ($fs): the NVDIMM files are unchanged by the wrong-key boot" \
		sha256sum -c "$work/hash"
	boot read read-again
}

for f in ${DAX_CRYPT_FS:-ext4 xfs}; do
	run_fs "$f"
done
echo "1..$vm_n"
vm_done

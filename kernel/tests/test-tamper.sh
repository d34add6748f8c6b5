#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test-tamper.sh -- an encrypted namespace whose media is rewritten by
# someone without the key, and what a key change leaves on the media.
#
# usage: kernel/tests/test-tamper.sh
# Boots the project's kernel (VM_KERNEL, default: the last line of
# kernel/build.sh) on the emulated TME-MK machine (tests/vm/vm-run.sh)
# three times (kernel/tests/scenarios/tamper.sh) with two label-less
# NVDIMMs: a 16 MiB guard of random bytes, then, right after it in
# guest-physical memory, a 32 MiB fsdax namespace.
#  1. keychange: key A bound and the namespace marked, 4 MiB written at the
#     end of its data, the key changed to B.  Host: the key change's
#     journal, between the info block and the data, is all zeros: nothing
#     is left as it was under key A.
#  2. crafted: with B bound, the host rewrites the info block while the
#     guest waits: data offset 2^64 - 1 MiB and end truncation 3 MiB, whose
#     sum wraps to 2 MiB, with a valid checksum.  A key change to C must
#     be refused with EINVAL.  Host: the namespace's file is unchanged
#     since the rewrite, and the guard, whose last MiB sits right before
#     the namespace, is unchanged.  The info block is then put back.
#  3. wiped: the host zeroes the key check line (the first 64 bytes of
#     the marked namespace).  Enabling with key C, then with key B, must
#     fail with EKEYREJECTED.  Host: the file is unchanged.
# The guard's first 4 KiB are the mailbox through which the host answers
# the guest's requests (tamper-request lines on the console).
# Environment: TAMPER_LOGS=DIR keeps the serial logs there; VM_TIMEOUT
# (per boot, default 300) and the other vm-run.sh variables.
# Exit: 0 passed, 1 failed, 77 cannot run here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"

export VM_TIMEOUT=${VM_TIMEOUT:-300}
keyctl=$(command -v keyctl) || { echo "SKIP: no keyctl (install keyutils)"; exit 77; }
vm_project_kernel

work=$(mktemp -d)
watcher=""
cleanup() {
	[ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
	if [ -n "${TAMPER_LOGS:-}" ]; then
		mkdir -p "$TAMPER_LOGS"
		cp "$work"/*.log "$TAMPER_LOGS/" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

guard=$work/guard.img
img=$work/ns.img
guard_mb=16
ns_mb=32
sb=4096 # the info block's offset in the namespace (label-less: in $img)
sbtool=$here/pfn_sb.py
head -c $((guard_mb << 20)) /dev/urandom >"$guard"
cp "$guard" "$work/guard.orig"
for k in a b c; do
	head -c 32 /dev/urandom >"$work/key-$k"
done

# boot PHASE: one boot of the scenario, serial log in $work/PHASE.log.
boot() {
	vm_boot -d "$guard:${guard_mb}M:0" -d "$img:${ns_mb}M:0" \
		-e guard_size=$((guard_mb << 20)) -e ns_size=$((ns_mb << 20)) \
		-a "$keyctl" -a "$work/key-a:/key-a" -a "$work/key-b:/key-b" \
		-a "$work/key-c:/key-c" -e "phase=$1" -l "$work/$1.log" \
		"$here/scenarios/tamper.sh"
}

# value LOG NAME [FIELD]: field FIELD (default 1) of "TAMPER NAME ..."
value() {
	tr -d '\r' <"$1" | awk -v n="$2" -v f="${3:-1}" \
		'$1 == "TAMPER" && $2 == n { print $(f + 2); exit }'
}

# mailbox TEXT: the answer the guest waits for, in the guard's first bytes.
mailbox() {
	printf '%s\n' "$1" | dd of="$guard" conv=notrunc status=none
}

# guard_intact: the guard is as the host wrote it, but for the mailbox.
guard_intact() {
	cmp -i 4096 "$guard" "$work/guard.orig"
}

# zeros FILE OFFSET LENGTH: LENGTH bytes of FILE from OFFSET are zero.
zeros() {
	cmp -n "$3" -i "$2:0" "$1" /dev/zero
}

# Answers "tamper-request craft" while the guest waits: keeps the info
# block, rewrites it so that its data offset and end truncation wrap
# around, hashes the namespace's file, then answers.
watch_requests() {
	local log=$1
	while ! { tr -d '\r' <"$log"; } 2>/dev/null | grep -q '^tamper-request craft'; do
		sleep 0.2
	done
	dd if="$img" of="$work/sb.orig" bs=4096 skip=1 count=1 status=none
	# 2^64 - 1 MiB + 3 MiB = 2 MiB: the data would start 1 MiB before
	# the namespace
	python3 "$sbtool" "$img" $sb set dataoff=0xfffffffffff00000 \
		end_trunc=$((3 << 20))
	sha256sum "$img" >"$work/crafted.sum"
	mailbox "TAMPER-DONE craft"
}

echo "# test-tamper: a ${guard_mb} MiB guard, a ${ns_mb} MiB namespace"
boot keychange
log=$work/keychange.log
guard_base=$(value "$log" guard)
guard_size=$(value "$log" guard 2)
ns_base=$(value "$log" ns)
data=$(value "$log" data)
host_check "the guard NVDIMM ends where the namespace begins" \
	test -n "$ns_base" -a $((guard_base + guard_size)) = $((ns_base))
host_check "the info block is marked encrypted and its checksum holds" sh -c \
	"python3 '$sbtool' '$img' $sb verify &&
	 [ \$((\$(python3 '$sbtool' '$img' $sb get flags) & 1)) = 1 ]"
dataoff=$(python3 "$sbtool" "$img" $sb get dataoff)
host_check "the info block's data offset is where the guest's data starts" \
	test $((data - ns_base)) = "$dataoff"
host_check "the key change left its journal all zeros (8 KiB to $dataoff)" \
	zeros "$img" 8192 $((dataoff - 8192))
host_check "the guard is intact" guard_intact

watch_requests "$work/crafted.log" &
watcher=$!
boot crafted
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
watcher=""
host_check "the refused key change left the namespace's file unchanged" \
	sha256sum -c --quiet "$work/crafted.sum"
host_check "the bytes before the namespace (the guard) are unchanged" \
	guard_intact
[ -s "$work/sb.orig" ] &&
	dd if="$work/sb.orig" of="$img" bs=4096 seek=1 conv=notrunc status=none

dd if=/dev/zero of="$img" bs=64 count=1 conv=notrunc status=none
sha256sum "$img" >"$work/wiped.sum"
boot wiped
host_check "the refused enables left the namespace's file unchanged" \
	sha256sum -c --quiet "$work/wiped.sum"
host_check "the guard is intact" guard_intact
echo "1..$vm_n"
vm_done

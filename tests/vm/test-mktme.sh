#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test-mktme.sh -- the emulated TME-MK CPU, checked from inside and outside.
#
# usage: test-mktme.sh BUILD-DIR   (holds pconfig-user; mktme-check is in
#                                   BUILD-DIR/../../tools/mktme-check)
# 1. Boot with mktme-keyid-bits=6 and a label-less NVDIMM: Linux detects 63
#    KeyIDs; mktme_test.ko (built here against the VM kernel's headers)
#    runs PCONFIG through every command, status and fault, and writes known
#    data through KeyIDs 1-7; user-space PCONFIG gets SIGILL.  While keys
#    are programmed, 'info mktme' lists them (no key bytes) and migration
#    is refused; system_reset clears them.
# 2. On the host, OpenSSL (mktme-check) decrypts the NVDIMM file with the
#    module's keys and finds no plaintext marker.
# 3. Boot plain -cpu max: no TME, PCONFIG raises #UD, SIGILL in user space.
# Environment: VM_KERNEL + VM_KERNEL_BUILD (kernel tree for M= builds) to
# test another kernel.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test-mktme.sh BUILD-DIR}" && pwd)
check=$bdir/../../tools/mktme-check/mktme-check
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}

work=$(mktemp -d)
watcher=""
cleanup() {
	[ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

rc=0
qemu=$("$top/tools/qemu/build.sh" | tail -n 1) || rc=$?
[ $rc -ne 77 ] || skip "the emulator cannot be built here"
[ $rc -eq 0 ] || { echo "not ok 1 - tools/qemu/build.sh failed"; exit 1; }

# the test module, built for the kernel the VM boots
if [ -n "${VM_KERNEL:-}" ]; then
	kbuild=${VM_KERNEL_BUILD:-}
	[ -n "$kbuild" ] || skip "VM_KERNEL set without VM_KERNEL_BUILD"
else
	rc=0
	kdir=$("$here/kernel.sh" | tail -n 1) || rc=$?
	[ $rc -ne 77 ] || skip "no Debian kernel for the VM"
	[ $rc -eq 0 ] || { echo "not ok 1 - tests/vm/kernel.sh failed"; exit 1; }
	kbuild=/usr/src/linux-headers-$(cat "$kdir/kver")
fi
[ -e "$kbuild/Makefile" ] || skip "no kernel headers at $kbuild (linux-headers-amd64)"
mod=$bdir/mktme-test
mkdir -p "$mod"
cp "$here/mktme-test/mktme_test.c" "$here/mktme-test/Kbuild" "$mod/"
make -s -C "$kbuild" M="$mod" modules >"$work/kbuild.log" 2>&1 || {
	echo "not ok 1 - build mktme_test.ko"
	sed 's/^/#   /' "$work/kbuild.log" | tail -n 20
	exit 1
}

# 1. the TME-MK machine; query the monitor while the keys are programmed
img=$work/mktme.img
sock=$work/hmp.sock
serial=$work/serial.log
: >"$serial"
(
	for _ in $(seq 1500); do
		grep -q VM-HOLD "$serial" 2>/dev/null && break
		sleep 0.2
	done
	python3 "$here/hmp.py" "$sock" "info mktme" "migrate exec:true" \
		system_reset sleep:2 "info mktme" quit >"$work/hmp.txt" 2>&1
) &
watcher=$!
# -action reboot=reset: system_reset must reset, not quit (-no-reboot)
vm_boot -q "$qemu" -d "$img:64M:0" -l "$serial" \
	-a "$mod/mktme_test.ko:/mktme_test.ko" -a "$bdir/pconfig-user" \
	-e phase=mktme -e hold=60 "$here/scenarios/mktme.sh" \
	-- -monitor "unix:$sock,server=on,wait=off" -action reboot=reset
wait "$watcher" || true
watcher=""
# hmp_has N TEXT: reply number N (1-based, "=== cmd" sections) holds TEXT
hmp_has() {
	awk -v n="$1" '/^=== /{ i++ } i == n' "$work/hmp.txt" | grep -q "$2" ||
		{ cat "$work/hmp.txt"; return 1; }
}
host_check "info mktme: KeyID 1 aes-xts-128 direct" hmp_has 1 "keyid 1: aes-xts-128, direct key"
host_check "info mktme: KeyID 2 aes-xts-256 direct" hmp_has 1 "keyid 2: aes-xts-256, direct key"
host_check "info mktme: KeyID 3 no-encrypt" hmp_has 1 "keyid 3: no-encrypt"
host_check "info mktme: KeyID 4 random key" hmp_has 1 "keyid 4: aes-xts-128, random key"
host_check "info mktme: 4 KeyIDs programmed" hmp_has 1 "4 KeyIDs programmed"
host_check "info mktme: migration blocked" hmp_has 1 "migration blocked"
host_check "info mktme shows no key bytes" \
	sh -c "! grep -qi '000102030405\|00 01 02 03 04' '$work/hmp.txt'"
host_check "migrate refused while keys are programmed" \
	hmp_has 2 "TME-MK keys are programmed"
host_check "system_reset clears every key" hmp_has 5 "0 KeyIDs programmed"
host_check "migration allowed again after reset" hmp_has 5 "migration allowed"

# 2. OpenSSL decrypts what the emulator wrote (keys of mktme_test.c)
base=$(sed -n 's/^MKTME-BASE \(0x[0-9a-f]*\).*/\1/p' "$serial" | tr -d '\r' | head -1)
base=${base:-0x100000000}
hexseq() { python3 -c "import sys; print(bytes(range($1, $2)).hex())"; }
ka=$(hexseq 0x00 0x10) ta=$(hexseq 0x10 0x20)
kb=$(hexseq 0x20 0x40) tb=$(hexseq 0x40 0x60)
kc=$(hexseq 0x60 0x70) tc=$(hexseq 0x70 0x80)
xts() { "$check" -b "$base" -r gpa-le128 "$@" "$img"; }
host_check "host: KeyID 1 area decrypts with key A (AES-XTS-128)" \
	xts -o 0x0000 -n 4096 -a aes-xts-128 -k "$ka" -t "$ta" -p SECRET-A
host_check "host: KeyID 2 area decrypts with key B (AES-XTS-256)" \
	xts -o 0x1000 -n 4096 -a aes-xts-256 -k "$kb" -t "$tb" -p SECRET-B
host_check "host: NO_ENCRYPT area is plaintext" \
	xts -o 0x2000 -n 4096 -a plain -p PLAINTXT
host_check "host: KeyID 6 area decrypts with key C" \
	xts -o 0x4000 -n 4096 -a aes-xts-128 -k "$kc" -t "$tc" -p SECRET-C
host_check "host: cleared KeyID 7 wrote plaintext" \
	xts -o 0x5000 -n 4096 -a plain -p CLEARED7
host_check "host: a wrong key does not decrypt" \
	sh -c "! \"$check\" -b $base -o 0 -n 4096 -a aes-xts-128 -k $kc -t $tc -p SECRET-A $img"
host_check "host: no secret plaintext anywhere in the NVDIMM file" \
	"$check" -A SECRET- "$img"

# 3. plain -cpu max is unchanged: no PCONFIG
vm_boot -q "$qemu" -c max,erms=off -a "$mod/mktme_test.ko:/mktme_test.ko" \
	-a "$bdir/pconfig-user" -e phase=plain "$here/scenarios/mktme.sh"
host_check "info mktme on plain -cpu max: disabled" sh -c \
	"printf 'info mktme\nquit\n' | timeout 60 '$qemu' -M pc -S -display none \
	-nic none -L /usr/share/seabios -L /usr/share/qemu -cpu max \
	-monitor stdio 2>&1 | grep -q 'TME-MK is disabled'"
vm_done

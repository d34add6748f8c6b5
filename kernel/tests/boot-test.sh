#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# boot-test.sh -- boot the patched kernel in QEMU and check the mktme keys.
#
# usage: kernel/tests/boot-test.sh [-k BZIMAGE] [-q QEMU] [-c CPU] [-s SMP]
#   -k BZIMAGE  kernel (default: the last line of kernel/build.sh)
#   -q QEMU     qemu-system-x86_64 (default: Debian's)
#   -c CPU      -cpu value (default: max, a machine without MKTME); a value
#               with mktme-keyid-bits runs the MKTME checks instead, one
#               with mktme-tdx-keyids too the checks of KeyIDs split
#               between MKTME and TDX
#   -s SMP      -smp value (default: 2,sockets=2: two packages)
#   -p          pmem checks instead (needs the MKTME -cpu): an fsdax
#               namespace on an emulated NVDIMM is bound to an mktme key,
#               and the backing file must hold the data encrypted; the
#               namespace's attributes refuse a root without CAP_SYS_ADMIN
#               (util-linux setpriv in the guest)
# Boots kernel/tests/scenarios/boot.sh with tests/vm/vm-run.sh (its
# initramfs and machine, 512M of RAM) and prints its TAP lines, then the
# host's checks.  BOOT_TEST_LOG=FILE keeps the serial log and the monitor
# answers.  Exit: 0 all passed, 1 a check failed or the guest did not
# finish, 77 QEMU, busybox-static or keyutils are missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kernel=""
qemu=/usr/bin/qemu-system-x86_64
cpu=max
smp=2,sockets=2
pmem=0
while getopts k:q:c:s:ph opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	q) qemu=$OPTARG ;;
	c) cpu=$OPTARG ;;
	s) smp=$OPTARG ;;
	p) pmem=1 ;;
	*) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"

skip() {
	echo "boot-test: SKIP: $*"
	exit 77
}
[ -x "$qemu" ] || skip "no $qemu (install qemu-system-x86)"
keyctl=$(command -v keyctl) || skip "no keyctl (install keyutils)"

if [ -z "$kernel" ]; then
	kernel=$("$here/../build.sh" | tail -n 1)
fi
mode=nomktme
case $cpu in
*mktme-tdx-keyids*) mode=tdx ;;
*mktme-keyid-bits*) mode=mktme ;;
esac
if [ $pmem -eq 1 ]; then
	[ $mode = mktme ] ||
		{ echo "boot-test: -p needs an MKTME -cpu without a TDX split" >&2; exit 2; }
	mode=pmem
fi

work=$(mktemp -d)
watcher=""
cleanup() {
	[ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

args=(-q "$qemu" -c "$cpu" -a "$keyctl" -e "mode=$mode" -l "$work/serial")
if [ $mode = pmem ]; then
	setpriv=$(command -v setpriv) || skip "no setpriv (install util-linux)"
	head -c 32 /dev/urandom >"$work/key32"
	args+=(-a "$work/key32:/key32" -d "$work/nvdimm.img:64M:0"
		-a "$setpriv:/usr/bin/setpriv")
fi
if [ $mode = tdx ]; then
	# KeyIDs 1..2^bits-1; the top tdx_private of them are TDX's
	bits=$(sed -n 's/.*mktme-keyid-bits=\([0-9]*\).*/\1/p' <<<"$cpu")
	tdx_private=$(sed -n 's/.*mktme-tdx-keyids=\([0-9]*\).*/\1/p' <<<"$cpu")
	tdx_shared=$(((1 << bits) - 1 - tdx_private))
	args+=(-e "tdx_shared=$tdx_shared" -e "tdx_private=$tdx_private")
fi

echo "# boot-test: $kernel on -cpu $cpu -smp $smp ($mode)"

# Answer the guest's "guest-monitor TAG" requests while it runs: the
# emulator's key table ("info mktme") into $work/mon-TAG.
: >"$work/serial"
(
	while :; do
		for tag in $(tr -d '\r' <"$work/serial" | sed -n 's/^guest-monitor //p'); do
			[ -e "$work/mon-$tag" ] && continue
			python3 "$top/tests/vm/hmp.py" "$work/mon" "info mktme" \
				>"$work/mon-$tag.tmp" 2>&1 || true
			mv "$work/mon-$tag.tmp" "$work/mon-$tag"
		done
		sleep 0.3
	done
) &
watcher=$!
export VM_KERNEL=$kernel VM_SMP=$smp VM_MEM=${VM_MEM:-512M}
export VM_TIMEOUT=${VM_TIMEOUT:-300}
vm_boot "${args[@]}" "$here/scenarios/boot.sh" \
	-- -monitor "unix:$work/mon,server=on,wait=off"
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
watcher=""
tr -d '\r' <"$work/serial" >"$work/log"
grep '^# ' "$work/log" || true

# mon_has DESC FILE REGEX: FILE (a monitor answer) must match REGEX.
mon_has() {
	grep -Eq "$2" "$1" 2>/dev/null || {
		grep keyid "$1" 2>/dev/null | head -n 8
		return 1
	}
}

if [ "$mode" = mktme ]; then
	keys=$work/mon-keys
	host_check "emulator: KeyID 1 holds a direct aes-xts-128 key" \
		mon_has "$keys" '^keyid 1: aes-xts-128, direct key'
	host_check "emulator: KeyID 2 holds a direct aes-xts-128 key" \
		mon_has "$keys" '^keyid 2: aes-xts-128, direct key'
	host_check "emulator: KeyID 3 holds a direct aes-xts-256 key" \
		mon_has "$keys" '^keyid 3: aes-xts-256, direct key'
	host_check "emulator: KeyID 4 holds a random key" \
		mon_has "$keys" '^keyid 4: aes-xts-128, random key'
	host_check "emulator: KeyID 5 is no-encrypt" \
		mon_has "$keys" '^keyid 5: no-encrypt'
	host_check "emulator: KeyID 1 is cleared once its key is destroyed" \
		sh -c "grep -q '^keyid 2:' '$work/mon-cleared' &&
			! grep -q '^keyid 1:' '$work/mon-cleared'"
fi
if [ "$mode" = tdx ]; then
	keys=$work/mon-keys
	host_check "emulator: KeyIDs $((tdx_shared + 1))-$(((1 << bits) - 1)) are private to TDX" \
		mon_has "$keys" "^TDX: KeyIDs $((tdx_shared + 1))-$(((1 << bits) - 1)) private"
	host_check "emulator: PCONFIG never ran on a private KeyID" \
		mon_has "$keys" "^TDX: .*, 0 PCONFIG on them refused"
	host_check "emulator: KeyID $tdx_shared, the last shared one, holds a key" \
		mon_has "$keys" "^keyid $tdx_shared: aes-xts-128, random key"
	host_check "emulator: exactly $tdx_shared KeyIDs are programmed" \
		mon_has "$keys" "^$tdx_shared KeyIDs programmed"
fi
if [ "$mode" = pmem ] &&
	! python3 -c 'import cryptography.hazmat.primitives.ciphers' 2>/dev/null; then
	vm_n=$((vm_n + 1))
	echo "ok $vm_n - host: the backing file holds AES-XTS ciphertext of the data # SKIP no python3-cryptography"
elif [ "$mode" = pmem ]; then
	host_check "host: the backing file holds AES-XTS ciphertext of the data" \
		python3 - "$work" <<'PY'
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
work = sys.argv[1]
log = open(work + "/log").read().split("\n")
data = int([l.split()[1] for l in log if l.startswith("guest-data-phys ")][0], 16)
ns = int([l.split()[1] for l in log if l.startswith("guest-ns-phys ")][0], 16)
key = open(work + "/key32", "rb").read()
img = open(work + "/nvdimm.img", "rb").read()
plain = b"pmemcrypt plain." * 128
phys = data + 512 * 2048
off = phys - ns
cipher = img[off:off + len(plain)]
assert cipher != plain, "the backing file holds plaintext"
assert img.find(b"pmemcrypt plain.") < 0, "plaintext found in the backing file"
out = b""
for i in range(0, len(cipher), 16):
	tweak = (phys + i).to_bytes(16, "little")
	d = Cipher(algorithms.AES(key), modes.XTS(tweak)).decryptor()
	out += d.update(cipher[i:i + 16]) + d.finalize()
assert out == plain, "decrypted: %r" % out[:32]
print("decrypted %d bytes at physical %#x (file offset %#x)" % (len(out), phys, off))
PY
fi
echo "1..$vm_n"
{
	cat "$work/log"
	for f in "$work"/mon-*; do
		[ -e "$f" ] && { echo "== $f"; cat "$f"; }
	done
} >"${BOOT_TEST_LOG:-/dev/null}" 2>/dev/null || true
vm_done

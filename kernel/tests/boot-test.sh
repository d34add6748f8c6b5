#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# boot-test.sh -- boot the patched kernel in QEMU and check the mktme keys.
#
# usage: kernel/tests/boot-test.sh [-k BZIMAGE] [-q QEMU] [-c CPU] [-s SMP]
#   -k BZIMAGE  kernel (default: the last line of kernel/build.sh)
#   -q QEMU     qemu-system-x86_64 (default: Debian's)
#   -c CPU      -cpu value (default: max, a machine without MKTME); a value
#               with mktme-keyid-bits runs the MKTME checks instead
#   -s SMP      -smp value (default: 2,sockets=2: two packages)
#   -p          pmem checks instead (needs the MKTME -cpu): an fsdax
#               namespace on an emulated NVDIMM is bound to an mktme key,
#               and the backing file must hold the data encrypted
# Boots a busybox initramfs whose /init is tests/guest.sh and prints its TAP
# lines.  Exit: 0 all passed, 1 a check failed or the guest did not finish,
# 77 QEMU, busybox-static or keyutils are missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
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
	*) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done

skip() {
	echo "boot-test: SKIP: $*"
	exit 77
}
[ -x "$qemu" ] || skip "no $qemu (install qemu-system-x86)"
[ -x /bin/busybox ] && /bin/busybox --list | grep -x ash >/dev/null ||
	skip "no static busybox (install busybox-static)"
command -v keyctl >/dev/null || skip "no keyctl (install keyutils)"

if [ -z "$kernel" ]; then
	kernel=$("$here/../build.sh" | tail -n 1)
fi
mode=nomktme
case $cpu in *mktme-keyid-bits*) mode=mktme ;; esac
machine=(-machine pc -m 512M)
if [ $pmem -eq 1 ]; then
	[ $mode = mktme ] || { echo "boot-test: -p needs an MKTME -cpu" >&2; exit 2; }
	mode=pmem
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,lib64,lib/x86_64-linux-gnu}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
progs=(keyctl)
if [ $mode = pmem ]; then
	for p in ndctl mkfs.ext4; do
		command -v $p >/dev/null || skip "no $p (install ndctl, e2fsprogs)"
	done
	progs+=(ndctl mkfs.ext4)
	head -c 32 /dev/urandom >"$work/key32"
	cp "$work/key32" "$root/key32"
	truncate -s 64M "$work/nvdimm.img"
	machine=(-machine pc,nvdimm=on -m 512M,slots=2,maxmem=2G
		-object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm.img,size=64M,align=2M"
		-device nvdimm,id=nv1,memdev=mem1)
fi
for p in "${progs[@]}"; do
	cp "$(command -v $p)" "$root/bin/"
	ldd "$(command -v $p)" | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
install -m 0755 "$here/guest.sh" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd"

echo "# boot-test: $kernel on -cpu $cpu -smp $smp ($mode)"

# Prints the emulator's key table ("info mktme") from its monitor socket.
info_mktme() {
	python3 - "$work/mon" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(0.5)
s.sendall(b"info mktme\n")
data, end = b"", time.time() + 2
while time.time() < end:
	try:
		d = s.recv(65536)
	except socket.timeout:
		continue
	if not d:
		break
	data += d
print(data.decode(errors="replace").replace("\r", ""))
PY
}

: >"$work/serial"
timeout 300 "$qemu" "${machine[@]}" -smp "$smp" -cpu "$cpu" \
	-nographic -no-reboot -nic none \
	-L /usr/share/seabios -L /usr/share/qemu \
	-monitor "unix:$work/mon,server=on,wait=off" \
	-kernel "$kernel" -initrd "$work/initrd" \
	-append "console=ttyS0 panic=-1 loglevel=4 erms=off mode=$mode" \
	>"$work/serial" 2>&1 &
qpid=$!
# Answer the guest's "guest-monitor TAG" requests while it runs.
while kill -0 $qpid 2>/dev/null; do
	for tag in $(tr -d '\r' <"$work/serial" | sed -n 's/^guest-monitor //p'); do
		[ -e "$work/mon-$tag" ] && continue
		info_mktme >"$work/mon-$tag" 2>&1 || true
	done
	sleep 0.3
done
rc=0
wait $qpid || rc=$?
tr -d '\r' <"$work/serial" >"$work/log"
grep -E '^(not )?ok [0-9]+|^# ' "$work/log" || true
if ! grep -q '^guest-done checks=[0-9]* failed=0$' "$work/log"; then
	echo "# boot-test: guest failed or did not finish (qemu status $rc); log tail:"
	tail -n 30 "$work/log" | sed 's/^/#   /'
	cp "$work/log" "${BOOT_TEST_LOG:-/dev/null}" 2>/dev/null || true
	exit 1
fi
n=$(sed -n 's/^guest-done checks=\([0-9]*\) .*/\1/p' "$work/log")
failed=0

# host_check DESC FILE REGEX: FILE (a monitor answer) must match REGEX.
host_check() {
	n=$((n + 1))
	if grep -Eq "$3" "$2" 2>/dev/null; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/#   /' "$2" 2>/dev/null | grep keyid | head -n 8
		failed=1
	fi
}

if [ "$mode" = mktme ]; then
	keys=$work/mon-keys
	host_check "emulator: KeyID 1 holds a direct aes-xts-128 key" "$keys" \
		'^keyid 1: aes-xts-128, direct key'
	host_check "emulator: KeyID 2 holds a direct aes-xts-128 key" "$keys" \
		'^keyid 2: aes-xts-128, direct key'
	host_check "emulator: KeyID 3 holds a direct aes-xts-256 key" "$keys" \
		'^keyid 3: aes-xts-256, direct key'
	host_check "emulator: KeyID 4 holds a random key" "$keys" \
		'^keyid 4: aes-xts-128, random key'
	host_check "emulator: KeyID 5 is no-encrypt" "$keys" '^keyid 5: no-encrypt'
	n=$((n + 1))
	if [ -e "$work/mon-cleared" ] && grep -q '^keyid 2:' "$work/mon-cleared" &&
		! grep -q '^keyid 1:' "$work/mon-cleared"; then
		echo "ok $n - emulator: KeyID 1 is cleared once its key is destroyed"
	else
		echo "not ok $n - emulator: KeyID 1 is cleared once its key is destroyed"
		failed=1
	fi
fi
if [ "$mode" = pmem ] &&
	! python3 -c 'import cryptography.hazmat.primitives.ciphers' 2>/dev/null; then
	n=$((n + 1))
	echo "ok $n - host: the backing file holds AES-XTS ciphertext of the data # SKIP no python3-cryptography"
elif [ "$mode" = pmem ]; then
	n=$((n + 1))
	if python3 - "$work" >"$work/decrypt" 2>&1 <<'PY'
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
	then
		echo "ok $n - host: the backing file holds AES-XTS ciphertext of the data"
		sed 's/^/# /' "$work/decrypt"
	else
		echo "not ok $n - host: the backing file holds AES-XTS ciphertext of the data"
		sed 's/^/#   /' "$work/decrypt"
		failed=1
	fi
fi
echo "1..$n"
{
	cat "$work/log"
	for f in "$work"/mon-*; do
		[ -e "$f" ] && { echo "== $f"; cat "$f"; }
	done
} >"${BOOT_TEST_LOG:-/dev/null}" 2>/dev/null || true
exit $failed

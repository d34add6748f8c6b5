#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_rotate.sh -- 'ndctl-crypt rotate-key' interrupted by the machine
# stopping mid-way, resumed after a reboot, on the emulated MKTME machine
# with the pmemcrypt kernel (vm-rotate.sh in the guest).
#
# usage: test_rotate.sh BUILD-DIR
# Three boots on one NVDIMM file; the key store and the master key travel
# as in test_boot.sh.  The two namespace keys are test vectors made here,
# so that the host can decrypt the NVDIMM file with them:
#   boot 1: key A imported, ext4 -o dax with a marker block and 4 MiB of
#           data; rotate-key --import B; once the kernel is part way the
#           guest prints the store and stops the machine at once
#           (isa-debug-exit);
#   host:   the marker is not in the file in plaintext;
#   boot 2: load-keys and enable-namespace refuse the namespace (exit 8),
#           rotate-key resumes and finishes, the data is intact;
#   host:   the marker's block (FIEMAP in the guest) decrypts with key B
#           (tools/mktme-check), not with key A; no plaintext;
#   boot 3: load-keys enables it with the new blob, the data is intact;
#           a rotation to key C whose rotate-key is killed (SIGKILL) part
#           way, resumed in the same boot (--no-enable), data intact;
#   host:   the marker's block decrypts with key C, not with key B.
#
# NDCTL_CRYPT_ROTATE_SIZE: namespace size (default 32M, NVDIMM twice that;
# ~8 s of re-encryption here): the kernel must still be re-encrypting when
# the guest sees rotate-key's line at 25% and stops the machine.  VM_SMP (default here 2): vCPUs.  NDCTL_CRYPT_KEEP=1 keeps
# the work directory (serial logs, NVDIMM file).
# Exit 77 when the kernel source or the emulator is missing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test_rotate.sh BUILD-DIR}" && pwd)
ns_size=${NDCTL_CRYPT_ROTATE_SIZE:-32M}
export VM_SMP=${VM_SMP:-2}
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
kernel=$VM_KERNEL
work=$(mktemp -d)
if [ -n "${NDCTL_CRYPT_KEEP:-}" ]; then
	echo "# keeping $work (serial logs, NVDIMM file)"
else
	trap 'rm -rf "$work"' EXIT
fi
img=$work/nvdimm.img
dimm_mb=$((2 * $(numfmt --from=iec "$ns_size") / 1048576))
mark=PMEMCRYPT-MARK-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
head -c 32 /dev/urandom >"$work/master.key"
# key test vectors: 64 bytes (data key, tweak key), hex, mode 0600 (a key
# file others may read is refused)
for k in A B C; do
	(umask 077 && head -c 64 /dev/urandom | od -An -tx1 |
		tr -d ' \n' >"$work/key$k.hex")
done
# the marker block: its text on every line, 4096 bytes
block=""
while [ ${#block} -lt 4096 ]; do block+="$mark"$'\n'; done
printf '%s' "${block:0:4096}" >"$work/marker.bin"

# boot PHASE ARGS...: one boot of vm-rotate.sh; ARGS go to vm-run.sh
boot_args() {
	local phase=$1
	shift
	printf '%s\0' -k "$kernel" -t 240 -l "$work/serial$phase.log" \
		-a "$bdir/ndctl-plugin/ndctl-crypt:/bin/ndctl-crypt" \
		-a "$(command -v keyctl):/bin/keyctl" \
		-a "$filefrag:/sbin/filefrag" \
		-a "$work/master.key:/etc/pmemcrypt-master.key" \
		-a "$work/keyA.hex:/keyA.hex" -a "$work/keyB.hex:/keyB.hex" \
		-a "$work/keyC.hex:/keyC.hex" \
		-a "$work/marker.bin:/marker.bin" \
		-e phase="$phase" -e mark="$mark" -e ns_size="$ns_size" \
		-d "$img:${dimm_mb}M" "$@"
}

boot() {
	local args
	mapfile -d '' args < <(boot_args "$@")
	vm_boot "${args[@]}" "$here/vm-rotate.sh"
}

# boot_stopped PHASE ARGS...: a boot the guest ends by stopping the
# machine: vm-run.sh then fails (no end marker, QEMU exit 3), which is
# what is expected; its TAP lines are counted as vm_boot does.
boot_stopped() {
	local args out rc=0 phase=$1
	mapfile -d '' args < <(boot_args "$@")
	out=$("$top/tests/vm/vm-run.sh" "${args[@]}" "$here/vm-rotate.sh" -- \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 2>&1) || rc=$?
	if [ $rc -eq 77 ]; then
		echo "$out" | grep -i skip || echo "SKIP: the VM cannot run here"
		exit 77
	fi
	vm_renumber < <(grep -v '^# vm-run: FAIL: qemu exited with 3' <<<"$out")
	echo "$out" >"$work/boot$phase.out"
}

# serial_value PHASE NAME: the value the guest printed as NAME=value
serial_value() {
	tr -d '\r' <"$work/serial$1.log" | sed -n "s/^$2=\([^ ]*\).*/\1/p" | tail -1
}

# take_store PHASE FILE: the store boot PHASE printed, as a tar.gz
take_store() {
	tr -d '\r' <"$work/serial$1.log" |
		sed -n '/^STORE-BEGIN$/,/^STORE-END$/p' | sed '1d;$d' |
		base64 -d >"$2" || true
}

# mktme_check KEY-NAME ARGS...: tools/mktme-check with key KEY-NAME
# shellcheck disable=SC2317 # called through host_check
mktme_check() {
	vm_mktme_check "$check_tool" "$work/key$1.hex" "${@:2}"
}

echo "# namespace $ns_size on a ${dimm_mb}M NVDIMM, $VM_SMP vCPUs"
boot_stopped 1
host_check "boot 1 stopped the machine while the kernel re-encrypted" sh -c \
	"! grep -q VM-SCENARIO-END '$work/serial1.log' &&
	 grep -q 'qemu exited with 3' '$work/boot1.out'"
echo "# boot 1: kernel progress seen $(serial_value 1 REKEY-SEEN), at the stop $(tr -d '\r' <"$work/serial1.log" | sed -n 's/^REKEY-STOP=//p')"
take_store 1 "$work/store1.tgz"
host_check "boot 1 printed the store: the current and the new key's blob" \
	sh -c "tar -tzf '$work/store1.tgz' | grep -q 'crypt/[0-9a-f-]*\.blob$' &&
	       tar -tzf '$work/store1.tgz' | grep -q 'crypt/[0-9a-f-]*\.next\.blob$'"
host_check "the marker is not in the NVDIMM file in plaintext" \
	"$check_tool" -A "$mark" "$img"
datasum=$(serial_value 1 DATA-SUM)
gpa=$(serial_value 1 MARK-GPA)
base=$(tr -d '\r' <"$work/serial1.log" | sed -n 's/.*REGION-BASE=\([0-9]*\).*/\1/p' | tail -1)
host_check "boot 1 printed the data's sum and the marker's address" \
	test -n "$datasum" -a -n "$gpa" -a -n "$base"
off=$((${gpa:-0} - ${base:-0}))

boot 2 -a "$work/store1.tgz:/store.tgz" -e datasum="$datasum"
take_store 2 "$work/store2.tgz"
host_check "boot 2 printed the store: one blob, no new key's blob" \
	sh -c "tar -tzf '$work/store2.tgz' | grep -q 'crypt/[0-9a-f-]*\.blob$' &&
	       ! tar -tzf '$work/store2.tgz' | grep -q 'next'"
host_check "the marker is still not in plaintext" "$check_tool" -A "$mark" "$img"
host_check "the marker's block (offset $off) decrypts with key B" \
	mktme_check B -b "$base" -o "$off" -n 4096 -e "$work/marker.bin" "$img"
host_check "and not with key A" vm_exit_is 1 \
	mktme_check A -b "$base" -o "$off" -n 4096 -e "$work/marker.bin" "$img"

boot 3 -a "$work/store2.tgz:/store.tgz" -e datasum="$datasum"
host_check "after the rotation to key C: the marker's block decrypts with C" \
	mktme_check C -b "$base" -o "$off" -n 4096 -e "$work/marker.bin" "$img"
host_check "and not with key B" vm_exit_is 1 \
	mktme_check B -b "$base" -o "$off" -n 4096 -e "$work/marker.bin" "$img"
host_check "no plaintext marker" "$check_tool" -A "$mark" "$img"
echo "1..$vm_n"
vm_done

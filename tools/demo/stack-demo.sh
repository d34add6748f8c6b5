#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# stack-demo.sh -- 'make demo': the whole stack on the emulated TME-MK
# machine.  Builds the emulator and the kernel (once; cached), boots twice
# on one NVDIMM file and one TPM (tools/demo/vm-stack.sh in the guest):
# a master key made by the TPM, a namespace key sealed by it with
# ndctl-crypt, the namespace bound to an MKTME KeyID, ext4
# mounted -o dax, a file written through mmap(MAP_SYNC); after the reboot
# the TPM unseals the master key at boot, load-keys the namespace key, and
# the file is read back.  Between the boots
# the host looks at the NVDIMM image: ciphertext only, which the namespace
# key decrypts to the file's bytes.
#
# usage: stack-demo.sh BUILD-DIR
# The work folder (NVDIMM image, serial logs, keys) is BUILD-DIR/demo/stack.
# Exits non-zero when any step fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"
bdir=$(cd "${1:?usage: stack-demo.sh BUILD-DIR}" && pwd)
ndctl_crypt=$bdir/ndctl-plugin/ndctl-crypt
check_tool=$bdir/tools/mktme-check/mktme-check
dax_mmap=$bdir/tests/vm/dax-mmap
for f in "$ndctl_crypt" "$check_tool" "$dax_mmap"; do
	[ -x "$f" ] || { echo "stack-demo: missing $f (run make)" >&2; exit 1; }
done
work=$bdir/demo/stack
rm -rf "$work"
mkdir -p "$work"
img=$work/nvdimm.img
tag=PMEMDEMO
failed=0
n=0

say() { printf '%s\n' "$*"; }
title() { printf '\n== %s\n' "$*"; }
ok() {
	n=$((n + 1))
	say "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	say "not ok $n - $*"
	failed=1
}
# host_step DESC CMD...: a check made on the host
host_step() {
	local d=$1
	shift
	if "$@" >"$work/step.out" 2>&1; then ok "$d"; else
		not_ok "$d"
		sed 's/^/#   /' "$work/step.out" | tail -n 10
	fi
}

# build LABEL CMD...: runs a build script that prints its result's path
# last, showing the time it takes; the path in $built
build() {
	local label=$1 start pid rc=0 t
	shift
	start=$(date +%s)
	"$@" >"$work/build.out" 2>"$work/build.err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		t=$(($(date +%s) - start))
		if [ -t 1 ]; then
			printf '\r   %s: %dm%02ds ' "$label" $((t / 60)) $((t % 60))
		elif [ $t -gt 0 ] && [ $((t % 30)) -eq 0 ]; then
			printf '   %s: %dm%02ds\n' "$label" $((t / 60)) $((t % 60))
		fi
		sleep 1
	done
	wait "$pid" || rc=$?
	[ -t 1 ] && printf '\r'
	t=$(($(date +%s) - start))
	if [ $rc -ne 0 ]; then
		tail -n 20 "$work/build.err"
		not_ok "$label (exit $rc; see above)"
		exit 1
	fi
	built=$(tail -n 1 "$work/build.out")
	if [ $t -lt 5 ]; then
		ok "$label: cached ($built)"
	else
		ok "$label: built in ${t}s ($built)"
	fi
}

# boot PHASE ARGS...: one boot of vm-stack.sh; shows its narrative and
# checks in order, from the serial log
boot() {
	local phase=$1 rc=0
	shift
	"$top/tests/vm/vm-run.sh" -k "$kernel" -q "$qemu" -t 300 -T "$work/tpm" \
		-l "$work/serial$phase.log" \
		-a "$ndctl_crypt:/bin/ndctl-crypt" \
		-a "$(command -v keyctl):/bin/keyctl" \
		-a "$(command -v filefrag):/sbin/filefrag" \
		-a "$dax_mmap:/bin/dax-mmap" \
		-a "$work/ns.key:/ns.key" \
		-e phase="$phase" -e tag="$tag" -d "$img:64M" "$@" \
		"$here/vm-stack.sh" >"$work/boot$phase.out" 2>&1 || rc=$?
	while IFS= read -r line; do
		case $line in
		"DEMO: "*) say "   ${line#DEMO: }" ;;
		"ok "[0-9]*) ok "${line#* - }" ;;
		"not ok "[0-9]*) not_ok "${line#* - }" ;;
		"#   "*) say "$line" ;;
		esac
	done < <(tr -d '\r' <"$work/serial$phase.log")
	if [ $rc -ne 0 ]; then
		grep -v '^ok ' "$work/boot$phase.out" | tail -n 15
		not_ok "boot $phase (vm-run.sh exit $rc)"
	fi
}


title "pmemcrypt: an encrypted persistent memory namespace, end to end"
say "The emulated machine: QEMU with Intel TME-MK (per-page KeyIDs), a TPM"
say "2.0, an NVDIMM backed by $img, and Linux 6.1 with the"
say "pmemcrypt series (mktme keys, namespaces bound to KeyIDs, DAX mappings"
say "that carry them)."

title "Build (once; later runs use the cache)"
build "the emulator (QEMU with TME-MK; about 4 minutes on 2 cores)" \
	"$top/tools/qemu/build.sh"
qemu=$built
build "the kernel (Linux 6.1 and the pmemcrypt series; about 8 minutes)" \
	"$top/kernel/build.sh"
kernel=$built

(umask 077 && head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/ns.key")
title "The machine's TPM 2.0 (swtpm), provisioned as a new machine's is"
vm_tpm_provision "$work/tpm"
ok "a storage key persistent at 0x81000001 (tpm2-tools over 127.0.0.1)"
title "Boot 1: key, namespace, file system, a file written through DAX"
boot 1
tr -d '\r' <"$work/serial1.log" | sed -n '/^STORE-BEGIN$/,/^STORE-END$/p' |
	sed '1d;$d' | base64 -d >"$work/store.tgz" 2>/dev/null || true
serial=$(tr -d '\r' <"$work/serial1.log")
gpa=$(sed -n 's/^FILE-GPA=\([0-9]*\).*/\1/p' <<<"$serial" | tail -n 1)
base=$(sed -n 's/.*REGION-BASE=\([0-9]*\).*/\1/p' <<<"$serial" | tail -n 1)
off=$((${gpa:-0} - ${base:-0}))

title "On the host: the NVDIMM image, as a stolen DIMM would show it"
host_step "the file's text (${tag}00000000...) is nowhere in the image" \
	"$check_tool" -A "$tag" "$img"
say "   its first bytes, at image offset $off:"
od -An -tx1 -v -j "$off" -N 32 "$img" | sed 's/^/     /'
vm_mktme_check "$check_tool" "$work/ns.key" -b "$base" -o "$off" -n 4096 \
	-d "$work/plain.bin" "$img" >/dev/null 2>&1 || true
say "   the same bytes decrypted with the namespace key (AES-XTS, the"
say "   tweak is the guest-physical address):"
od -An -c -v -N 32 "$work/plain.bin" | sed 's/^/     /'
host_step "the namespace key decrypts the file's first 4 KiB exactly" \
	vm_mktme_check "$check_tool" "$work/ns.key" -b "$base" -o "$off" -n 4096 -p "$tag" "$img"
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/other.key"
host_step "another key decrypts it to noise" sh -c \
	"! '$check_tool' -a aes-xts-256 -k $(cut -c1-64 "$work/other.key") -t $(cut -c65-128 "$work/other.key") -b $base -o $off -n 4096 -p $tag '$img'"

title "Boot 2: the key unsealed at boot, the file read back"
boot 2 -a "$work/store.tgz:/store.tgz"

title "Result"
if [ $failed -ne 0 ]; then
	say "FAILED (serial logs and the NVDIMM image are in $work)"
	exit 1
fi
say "all $n steps passed; the NVDIMM image and serial logs are in $work"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vm-run.sh -- boot a scenario on the emulated TME-MK machine, report TAP.
#
# usage: vm-run.sh [options] SCENARIO [-- QEMU-ARGS...]
#   -k KERNEL     kernel image (env VM_KERNEL; default: Debian's, kernel.sh)
#   -M MODROOT    tree holding lib/modules/<kver> (env VM_MODULES; default:
#                 the Debian kernel's when -k is not given, none otherwise)
#   -a SRC[:DEST] add a file to the initramfs; ELF files bring their
#                 libraries; DEST defaults to /bin/<name> (env VM_EXTRA:
#                 space-separated list of the same)
#   -d IMG:SIZE[:LABEL]  add an NVDIMM backed by IMG (created, sparse, when
#                 missing); SIZE for truncate (e.g. 64M); LABEL is the
#                 label-size (default 128K, 0 for a label-less DIMM)
#   -c CPU        -cpu value (env VM_CPU; default: TME-MK Icelake-like
#                 max,vendor=GenuineIntel,family=6,model=106,phys-bits=46,
#                 mktme-keyid-bits=6,erms=off)
#   -e KEY=VALUE  kernel parameter, seen by the scenario as env variable
#   -q QEMU       qemu-system-x86_64 (env VM_QEMU; default tools/qemu/build.sh)
#   -l LOG        keep the serial log there (default: a temp file)
#   -t SECONDS    timeout (env VM_TIMEOUT, default 600)
#   -T DIR        a TPM 2.0 (tpm-tis) emulated by swtpm, its state in DIR
#                 (made when missing, kept: a later boot with the same DIR
#                 finds the same TPM)
# Environment also: VM_SMP (vCPUs, default 1), VM_MEM (RAM, default 2G).
# The scenario (a busybox sh script) prints TAP lines "ok N - ..." and
# "not ok N - ..."; they are printed here, the rest stays in the log.
# Exit: 0 when the scenario ended with status 0 and no "not ok", 1 on
# failure, 77 when the VM cannot run here (reason printed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

kernel=${VM_KERNEL:-}
modroot=${VM_MODULES:-}
cpu=${VM_CPU:-max,vendor=GenuineIntel,family=6,model=106,phys-bits=46,mktme-keyid-bits=6,erms=off}
qemu=${VM_QEMU:-}
timeout_s=${VM_TIMEOUT:-600}
logf=""
tpmdir=""
extra=()
dimms=()
params=()
# shellcheck disable=SC2206
[ -z "${VM_EXTRA:-}" ] || extra=($VM_EXTRA)

usage() {
	sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

skip() {
	echo "vm-run: SKIP: $*"
	exit 77
}

while getopts "k:M:a:d:c:e:q:l:t:T:h" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	M) modroot=$OPTARG ;;
	a) extra+=("$OPTARG") ;;
	d) dimms+=("$OPTARG") ;;
	c) cpu=$OPTARG ;;
	e) params+=("$OPTARG") ;;
	q) qemu=$OPTARG ;;
	l) logf=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	T) tpmdir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
scenario=$1
shift
[ "${1:-}" != "--" ] || shift
[ -r "$scenario" ] || { echo "vm-run: no scenario $scenario" >&2; exit 2; }

if [ -z "$qemu" ]; then
	rc=0
	qemu=$("$top/tools/qemu/build.sh" | tail -n 1) || rc=$?
	[ $rc -ne 77 ] || skip "the emulator cannot be built here"
	[ $rc -eq 0 ] || { echo "vm-run: tools/qemu/build.sh failed" >&2; exit 1; }
fi
[ -x "$qemu" ] || skip "no qemu at $qemu"

if [ -z "$kernel" ]; then
	rc=0
	kdir=$("$here/kernel.sh" | tail -n 1) || rc=$?
	[ $rc -ne 77 ] || skip "no Debian kernel (apt-get download failed)"
	[ $rc -eq 0 ] || { echo "vm-run: kernel.sh failed" >&2; exit 1; }
	kernel=$kdir/vmlinuz
	[ -n "$modroot" ] || modroot=$kdir
fi
[ -r "$kernel" ] || skip "kernel $kernel not readable"

work=$(mktemp -d)
swtpm_pid=""
trap '[ -z "$swtpm_pid" ] || kill "$swtpm_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
[ -n "$logf" ] || logf=$work/serial.log
: >"$logf"

mkargs=(-o "$work/initrd.gz" -s "$scenario")
[ -z "$modroot" ] || mkargs+=(-m "$modroot")
for e in "${extra[@]}"; do
	mkargs+=(-a "$e")
done
rc=0
"$here/mkinitramfs.sh" "${mkargs[@]}" || rc=$?
[ $rc -ne 77 ] || skip "initramfs tools missing"
[ $rc -eq 0 ] || exit 1

# shellcheck disable=SC2054 # commas belong to QEMU options
qargs=(-M pc,nvdimm=on -cpu "$cpu" -m "${VM_MEM:-2G},slots=4,maxmem=8G"
	-smp "${VM_SMP:-1}"
	-nic none -display none -no-reboot -monitor none
	-L /usr/share/seabios -L /usr/share/qemu
	-serial "file:$logf" -kernel "$kernel" -initrd "$work/initrd.gz")
i=0
for d in "${dimms[@]}"; do
	IFS=: read -r img size label <<<"$d"
	label=${label:-128K}
	[ -e "$img" ] || truncate -s "$size" "$img"
	i=$((i + 1))
	qargs+=(-object "memory-backend-file,id=mem$i,share=on,mem-path=$img,size=$size,align=2M")
	if [ "$label" = 0 ]; then
		qargs+=(-device "nvdimm,id=nvdimm$i,memdev=mem$i")
	else
		qargs+=(-device "nvdimm,id=nvdimm$i,memdev=mem$i,label-size=$label")
	fi
done
if [ -n "$tpmdir" ]; then
	command -v swtpm >/dev/null || skip "swtpm not found (tools/qemu/packages.txt)"
	mkdir -p "$tpmdir"
	swtpm socket --tpm2 --tpmstate dir="$tpmdir" --terminate \
		--ctrl type=unixio,path="$work/swtpm.sock" \
		--log file="$work/swtpm.log" &
	swtpm_pid=$!
	for _ in $(seq 50); do
		[ -S "$work/swtpm.sock" ] && break
		sleep 0.1
	done
	# shellcheck disable=SC2054 # commas belong to QEMU options
	qargs+=(-chardev "socket,id=chrtpm,path=$work/swtpm.sock"
		-tpmdev emulator,id=tpm0,chardev=chrtpm
		-device tpm-tis,tpmdev=tpm0)
fi
append="console=ttyS0 panic=-1 oops=panic loglevel=4 nokaslr ${params[*]}"

start=$(date +%s)
rc=0
timeout "$timeout_s" "$qemu" "${qargs[@]}" -append "$append" "$@" \
	>"$work/qemu.out" 2>&1 || rc=$?
secs=$(($(date +%s) - start))
tr -d '\r' <"$logf" >"$work/serial.txt"
grep -E '^(not )?ok [0-9]+' "$work/serial.txt" || true

end=$(sed -n 's/^VM-SCENARIO-END rc=\([0-9]*\).*/\1/p' "$work/serial.txt" | tail -1)
fail=""
[ $rc -ne 124 ] || fail="timeout after ${timeout_s}s"
[ -n "$fail" ] || [ $rc -eq 0 ] || fail="qemu exited with $rc: $(head -c 500 "$work/qemu.out")"
[ -n "$fail" ] || [ -n "$end" ] || fail="no end marker (kernel panic or scenario crash?)"
[ -n "$fail" ] || [ "$end" -eq 0 ] || fail="scenario exited with $end"
if [ -z "$fail" ] && grep -qE '^not ok [0-9]+' "$work/serial.txt"; then
	fail="a scenario test failed"
fi
echo "# vm-run: $(basename "$scenario") ${params[*]}: ${secs}s"
if [ -n "$fail" ]; then
	echo "# vm-run: FAIL: $fail; last serial lines:"
	tail -n 40 "$work/serial.txt" | sed 's/^/#   /'
	exit 1
fi
exit 0

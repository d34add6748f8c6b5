# SPDX-License-Identifier: BSD-3-Clause
# lib.sh -- host-side helpers of the VM tests (sourced by test-*.sh).
#
# vm_boot ARGS...   run vm-run.sh ARGS, renumber its TAP lines into one
#                   sequence across boots; exit 77 when the VM cannot run
# vm_renumber      TAP lines on stdin into that sequence, the rest as is
# host_check DESC CMD...  a host-side TAP check
# vm_done           exit 1 if anything failed
# vm_project_kernel export VM_KERNEL: as set, or the kernel of the series
#                   (kernel/build.sh); exit 77 when it cannot be built here
# vm_mktme_check TOOL HEXFILE ARGS...  tools/mktme-check (TOOL) with the
#                   AES-XTS-256 key in HEXFILE (128 hex digits: data key,
#                   tweak key)
# vm_exit_is WANT CMD...  CMD exits with WANT (a refusal, not an error)
# vm_tpm_provision DIR  a new TPM 2.0 state in DIR (for vm-run.sh -T) with
#                   a storage primary key persistent at 0x81000001, as a
#                   machine's TPM is provisioned; exit 77 without swtpm or
#                   tpm2-tools
# shellcheck shell=bash

vm_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vm_n=0
vm_failed=0

vm_renumber() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]*)
			vm_n=$((vm_n + 1))
			echo "ok $vm_n - ${line#* - }"
			;;
		"not ok "[0-9]*)
			vm_n=$((vm_n + 1))
			echo "not ok $vm_n - ${line#* - }"
			vm_failed=1
			;;
		*) echo "$line" ;;
		esac
	done
}

vm_boot() {
	local out rc=0
	out=$("$vm_here/vm-run.sh" "$@" 2>&1) || rc=$?
	if [ $rc -eq 77 ]; then
		echo "$out" | grep -i skip || echo "SKIP: the VM cannot run here"
		exit 77
	fi
	vm_renumber <<<"$out"
	if [ $rc -ne 0 ]; then
		vm_n=$((vm_n + 1))
		echo "not ok $vm_n - boot: vm-run.sh $* (exit $rc)"
		vm_failed=1
	fi
	return 0
}

host_check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	vm_n=$((vm_n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $vm_n - $desc"
	else
		echo "not ok $vm_n - $desc"
		echo "$out" | sed 's/^/#   /' | tail -n 20
		vm_failed=1
	fi
}

vm_done() {
	exit $vm_failed
}

vm_project_kernel() {
	local rc=0

	[ -z "${VM_KERNEL:-}" ] || return 0
	VM_KERNEL=$("$vm_here/../../kernel/build.sh" | tail -n 1) || rc=$?
	if [ $rc -eq 77 ]; then
		echo "SKIP: the kernel cannot be built here"
		exit 77
	fi
	[ $rc -eq 0 ] || { echo "not ok 1 - kernel/build.sh failed ($rc)"; exit 1; }
	export VM_KERNEL
}

vm_tpm_provision() {
	local dir=$1 port pid rc=0 tcti
	if ! command -v swtpm >/dev/null ||
		! command -v tpm2_createprimary >/dev/null; then
		echo "SKIP: swtpm or tpm2-tools missing (tools/qemu/packages.txt)"
		exit 77
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	# a TPM on 127.0.0.1 only, for the time it takes
	port=$((20000 + RANDOM % 20000))
	swtpm socket --tpm2 --tpmstate dir="$dir" \
		--server type=tcp,port="$port",bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
		--flags not-need-init,startup-clear &
	pid=$!
	tcti="swtpm:host=127.0.0.1,port=$port"
	for _ in $(seq 50); do
		tpm2_getcap -T "$tcti" properties-fixed >/dev/null 2>&1 && break
		sleep 0.1
	done
	tpm2_createprimary -Q -T "$tcti" -C o -g sha256 -G rsa \
		-c "$dir/primary.ctx" >/dev/null 2>&1 &&
		tpm2_evictcontrol -Q -T "$tcti" -C o -c "$dir/primary.ctx" \
			0x81000001 >/dev/null 2>&1 || rc=$?
	tpm2_shutdown -Q -T "$tcti" >/dev/null 2>&1 || true
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	rm -f "$dir/primary.ctx"
	[ $rc -eq 0 ] || { echo "not ok - provisioning the TPM in $dir failed"; exit 1; }
}

vm_mktme_check() {
	local tool=$1 hex
	hex=$(cat "$2")
	shift 2
	"$tool" -a aes-xts-256 -k "${hex:0:64}" -t "${hex:64:64}" "$@"
}

vm_exit_is() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" -eq "$want" ]
}

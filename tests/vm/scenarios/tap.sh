# SPDX-License-Identifier: BSD-3-Clause
# tap.sh -- TAP helpers for guest scenarios (sourced; busybox sh).
#
# check DESC CMD...   runs CMD, prints "ok N - DESC" or "not ok N - DESC"
# skip_check DESC WHY prints "ok N - DESC # SKIP WHY"
# tap_done            exits 1 when a check failed, 0 otherwise
# exit_is WANT CMD... runs CMD, succeeds if it exits with WANT
# region_of SIZE      prints the number of the NVDIMM region of SIZE bytes
#                     (region numbers need not follow QEMU's -device order)
# shellcheck shell=sh

tap_n=0
tap_failed=0

check() {
	desc=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok $tap_n - $desc"
	else
		echo "not ok $tap_n - $desc"
		sed 's/^/#   /' /tmp/check.out | tail -n 15
		tap_failed=1
	fi
}

skip_check() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

tap_done() {
	exit $tap_failed
}

region_of() {
	for r in /sys/bus/nd/devices/region*; do
		if [ "$(cat "$r/size")" = "$1" ]; then
			echo "${r##*/region}"
			return 0
		fi
	done
	echo "no region of $1 bytes" >&2
	return 1
}

exit_is() {
	want=$1
	shift
	"$@"
	[ $? -eq "$want" ]
}

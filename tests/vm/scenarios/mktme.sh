#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# mktme.sh -- guest side of test-mktme: the emulated TME-MK CPU.
#
# phase=mktme: Linux detects the KeyIDs; /mktme_test.ko runs PCONFIG and
#              KeyID-alias checks on the label-less NVDIMM; PCONFIG at CPL 3
#              raises SIGILL.  Prints "MKTME-BASE <addr>" for the host.
# phase=plain: on plain -cpu max, no TME, PCONFIG raises #UD in the kernel
#              and SIGILL in user space.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

# Turn the module's "mktme_test: ok - ..." log lines into TAP
module_results() {
	dmesg | sed -n 's/^.*mktme_test: \(ok\|not ok\) - /\1 - /p' >/tmp/mod.tap
	while read -r line; do
		tap_n=$((tap_n + 1))
		case $line in
		"not ok - "*)
			echo "not ok $tap_n - ${line#not ok - }"
			tap_failed=1
			;;
		*) echo "ok $tap_n - ${line#ok - }" ;;
		esac
	done </tmp/mod.tap
	check "test module finished without failures" \
		sh -c 'dmesg | grep -q "mktme_test: done failures=0"'
}

if [ "${phase:-mktme}" = plain ]; then
	check "no tme/pconfig flag in /proc/cpuinfo" \
		sh -c '! grep -qwE "tme|pconfig" /proc/cpuinfo'
	check "Linux detects no TME" sh -c '! dmesg | grep -q "x86/tme"'
	check "insmod mktme_test.ko mode=ud" insmod /mktme_test.ko mode=ud
	module_results
	check "PCONFIG at CPL 3 raises SIGILL" pconfig-user
	tap_done
fi

check "Linux 6.1 detect_tme(): 63 KeyIDs" \
	sh -c 'dmesg | grep -q "x86/mktme: 63 KeyIDs available"'
check "tme and pconfig flags in /proc/cpuinfo" \
	sh -c 'grep -qw tme /proc/cpuinfo && grep -qw pconfig /proc/cpuinfo'
modprobe nfit
check "NVDIMM range in /proc/iomem" \
	sh -c 'grep -q "Persistent Memory" /proc/iomem'
range=$(grep 'Persistent Memory' /proc/iomem | head -1 | sed 's/^ *//; s/ .*//')
start=0x${range%-*}
end=0x${range#*-}
size=$((end - start + 1))
echo "MKTME-BASE $start"
check "insmod mktme_test.ko base=$start size=$size" \
	insmod /mktme_test.ko base="$start" size="$size"
module_results
check "PCONFIG at CPL 3 raises SIGILL" pconfig-user
# the keys stay programmed: the host may query the monitor (hold=)
rmmod mktme_test
tap_done

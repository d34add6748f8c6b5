#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# init.sh -- /init of the VM test initramfs: mount, run /scenario.sh, power off.
#
# Unknown key=value kernel parameters (phase=2, ...) arrive as environment
# variables; hold=N keeps the VM up N seconds after the scenario.  The scenario prints TAP lines on the console; its exit status
# is reported as "VM-SCENARIO-END rc=N", the line the host waits for.

/bin/busybox --install -s /bin
# the kernel runs /sbin/modprobe for crypto and fs modules
[ -e /sbin/modprobe ] || ln -s /bin/busybox /sbin/modprobe
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /mnt
ln -sf /proc/self/fd /dev/fd

echo "VM-SCENARIO-BEGIN phase=${phase:-1}"
if [ -x /scenario.sh ]; then
	/bin/sh /scenario.sh
	rc=$?
else
	echo "no /scenario.sh in the initramfs"
	rc=99
fi
sync
echo "VM-SCENARIO-END rc=$rc"
# hold=N: stay up N seconds for the host (e.g. monitor commands)
if [ -n "${hold:-}" ]; then
	echo "VM-HOLD"
	sleep "$hold"
fi
poweroff -f

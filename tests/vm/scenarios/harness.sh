#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# harness.sh -- guest side of test-harness: NVDIMM namespaces and DAX.
#
# phase=1: label the DIMM, create an fsdax and a devdax namespace, mkfs.ext4,
#          mount -o dax, write through a MAP_SYNC mapping and through the
#          device-dax mapping.
# phase=2: (next boot, same DIMM file) the namespaces and data survived.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

modprobe -a nfit nd_pmem dax_pmem device_dax crc32c_generic ext4 2>/dev/null

has_dax_always() {
	grep ' /mnt ext4 ' /proc/mounts | grep -q 'dax=always'
}

if [ "${phase:-1}" = 1 ]; then
	check "nfit found the NVDIMM region" sh -c 'ndctl list -R | grep -q region'
	check "label area initialised" sh -c \
		'ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all'
	check "ndctl create-namespace fsdax" \
		ndctl create-namespace -m fsdax -M mem -s 96M -n fs0
	check "ndctl create-namespace devdax" \
		ndctl create-namespace -m devdax -M mem -s 64M -n dev0
	check "/dev/pmem0 present" test -b /dev/pmem0
	check "device-dax present" sh -c 'ls /dev/dax*.*'
	check "mkfs.ext4" mkfs.ext4 -q -F -b 4096 /dev/pmem0
	check "mount -o dax" mount -t ext4 -o dax /dev/pmem0 /mnt
	check "dax=always in /proc/mounts" has_dax_always
	check "statx reports STATX_ATTR_DAX" sh -c \
		': >/mnt/probe && dax-mmap statx /mnt/probe -'
	check "mmap MAP_SYNC accepted, write through it" \
		dax-mmap write /mnt/data FSDAX001
	check "device-dax write through mmap" \
		sh -c 'dax-mmap devwrite $(ls /dev/dax*.* | head -1) DEVDAX01'
	check "umount" umount /mnt
else
	check "fsdax namespace fs0 survived the reboot" sh -c \
		'ndctl list -N | grep -q "\"name\":\"fs0\""'
	check "devdax namespace dev0 survived the reboot" sh -c \
		'ndctl list -N | grep -q "\"name\":\"dev0\""'
	check "mount -o dax again" mount -t ext4 -o dax /dev/pmem0 /mnt
	check "dax=always in /proc/mounts" has_dax_always
	check "file data written through MAP_SYNC persisted" \
		dax-mmap verify /mnt/data FSDAX001
	check "device-dax data persisted" \
		sh -c 'dax-mmap devverify $(ls /dev/dax*.* | head -1) DEVDAX01'
	check "umount" umount /mnt
fi
tap_done

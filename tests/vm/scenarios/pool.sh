#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pool.sh -- guest side of test-pool: libpmemcrypt pools on real DAX.
#
# phase=1: an fsdax and a devdax namespace; a pool on the device-dax and a
#          pool in a file on ext4 mounted -o dax (MAP_SYNC, cache-line
#          flushes); a record written to each; a plaintext control file.
# phase=2: (next boot, same DIMM file) both records read back with the key,
#          a wrong key is refused, pmemcrypt check passes; then both
#          pools are shredded and no key opens them.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

modprobe -a nfit nd_pmem dax_pmem device_dax crc32c_generic ext4 2>/dev/null

# Marker texts come from the host as kernel parameters.
dax_mark=${dax_mark:?}
fs_mark=${fs_mark:?}
control_mark=${control_mark:?}

daxdev() {
	ls /dev/dax*.* | head -1
}

# dump_has POOL OFFSET TEXT: the decrypted bytes at OFFSET hold TEXT.
dump_has() {
	pmemcrypt dump --key-file /key --offset "$2" --length 64 "$1" |
		grep -q "$3"
}

if [ "${phase:-1}" = 1 ]; then
	check "label area initialised" sh -c \
		'ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all'
	check "fsdax namespace" ndctl create-namespace -m fsdax -M mem -s 64M -n fs0
	check "devdax namespace" ndctl create-namespace -m devdax -M mem -s 32M -n dev0
	dax=$(daxdev)
	check "pmemcrypt create on device-dax ($dax)" \
		pmemcrypt create --no-progress --key-file /key "$dax"
	check "pmemcrypt info on device-dax" sh -c \
		"pmemcrypt info $dax | grep -q aes-256-xts"
	check "record written to the device-dax pool" \
		pool_helper write "$dax" /key 8192 "$dax_mark"
	check "mkfs.ext4 and mount -o dax" sh -c \
		'mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount -t ext4 -o dax /dev/pmem0 /mnt'
	check "dax=always" sh -c "grep ' /mnt ' /proc/mounts | grep -q dax=always"
	check "pmemcrypt create in a DAX file" \
		pmemcrypt create --no-progress --size 16M --key-file /key /mnt/pool
	check "record written to the file pool" \
		pool_helper write /mnt/pool /key 100000 "$fs_mark"
	check "plaintext control file written" sh -c \
		"echo $control_mark >/mnt/control && sync"
	check "umount" umount /mnt
else
	dax=$(daxdev)
	check "device-dax record intact after reboot" dump_has "$dax" 8192 "$dax_mark"
	check "wrong key refused on device-dax (exit 2)" sh -c \
		"pmemcrypt dump --key-file /badkey $dax >/dev/null 2>&1; test \$? -eq 2"
	check "pmemcrypt check on device-dax" sh -c \
		"pmemcrypt check --no-progress --key-file /key $dax >/dev/null"
	check "mount -o dax again" mount -t ext4 -o dax /dev/pmem0 /mnt
	check "file pool record intact after reboot" \
		dump_has /mnt/pool 100000 "$fs_mark"
	check "wrong key refused on the file pool (exit 2)" sh -c \
		"pmemcrypt dump --key-file /badkey /mnt/pool >/dev/null 2>&1; test \$? -eq 2"
	for p in "$dax" /mnt/pool; do
		check "pmemcrypt shred $p" sh -c \
			"pmemcrypt shred --yes $p | grep -q shredded"
		check "$p: the key no longer opens it (exit 3)" sh -c \
			"pmemcrypt dump --key-file /key --length 1 $p >/dev/null 2>&1; test \$? -eq 3"
		check "$p: info says it was shredded" sh -c \
			"pmemcrypt info $p 2>&1 | grep -q 'a shredded one'"
	done
	check "umount" umount /mnt
fi
tap_done

#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pool-hw.sh -- guest side of test-pool-hw: libpmemcrypt's hardware engine
# on namespaces bound to an mktme key (the project's kernel).
#
# Two label-less NVDIMMs told apart by size: fs_size bytes (fsdax, ext4
# -o dax) and dev_size bytes (devdax).  /mktme-key holds the 64-byte
# AES-XTS-256 key bound to both namespaces, /key the pool's raw key.  Pools
# are created with --engine auto in a DAX file and on the device-dax:
# info must say hardware; a record is written to each and read back after
# the pool is closed and reopened (and, for the file, after a remount).
# The guest prints the guest-physical layout ("POOLHW NAME-base ADDR",
# "POOLHW NAME-data ADDR") for the host to decrypt the images.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

nd=/sys/bus/nd/devices

fs_region=$(region_of "${fs_size:?}")
dev_region=$(region_of "${dev_size:?}")
fs_ns=namespace$fs_region.0
dev_ns=namespace$dev_region.0
pmem=/dev/pmem$fs_region
fs_mark=${fs_mark:?}
dax_mark=${dax_mark:?}

# bind NS SERIAL: disable NS and bind it to the mktme key SERIAL.
bind() {
	ndctl disable-namespace "$1" &&
		echo "$2" >"$nd/$1/mktme_key" &&
		grep "^$2 " "$nd/$1/mktme_key"
}

# layout NAME NS: region base (offset 0 of the DIMM file) and data start.
layout() {
	region=$(basename "$(readlink -f "$nd/$2/..")")
	holder=$(cat "$nd/$2/holder")
	echo "POOLHW $1-base $(cat "$nd/$region/resource")"
	echo "POOLHW $1-data $(cat "$nd/$holder/resource")"
}

# is_hw POOL: pmemcrypt info reports the hardware engine.
is_hw() {
	pmemcrypt info "$1" | tee /tmp/info | grep -q '"engine":"hardware"' ||
		{ cat /tmp/info; return 1; }
}

# dump_has POOL OFFSET TEXT: the record reads back (the pool reopened).
dump_has() {
	pmemcrypt dump --key-file /key --offset "$2" --length 64 "$1" |
		grep -q "$3"
}

keyctl padd logon pool-hw:a @u </mktme-key >/dev/null
ka=$(keyctl add mktme pool-hw-a \
	"type=user algorithm=aes-xts-256 source=logon:pool-hw:a" @u)
check "mktme key added: $ka" grep -q "pool-hw-a: keyid" /proc/keys

check "fsdax namespace $fs_ns" \
	ndctl create-namespace -f -e $fs_ns -m fsdax --map=mem
check "bind $fs_ns to the key" bind $fs_ns "$ka"
check "enable $fs_ns" ndctl enable-namespace $fs_ns
layout fs $fs_ns
check "mkfs.ext4 and mount -o dax" sh -c \
	"mkfs.ext4 -q -F -b 4096 -E nodiscard $pmem && mount -t ext4 -o dax $pmem /mnt"
check "dax=always" sh -c "grep ' /mnt ' /proc/mounts | grep -q dax=always"
check "pmemcrypt create --engine auto in a DAX file" \
	pmemcrypt create --no-progress --engine auto --size 16M \
	--key-file /key /mnt/pool
check "info of the file pool says hardware" is_hw /mnt/pool
check "record written to the file pool" \
	pool_helper write /mnt/pool /key 100000 "$fs_mark"
check "file pool record read back after reopen" \
	dump_has /mnt/pool 100000 "$fs_mark"
check "pmemcrypt check on the file pool" sh -c \
	"pmemcrypt check --no-progress --key-file /key /mnt/pool >/dev/null"
check "remount: the record reads back" sh -c \
	"umount /mnt && mount -t ext4 -o dax $pmem /mnt &&
	 pmemcrypt dump --key-file /key --offset 100000 --length 64 /mnt/pool |
	 grep -q $fs_mark"
check "umount" umount /mnt

check "devdax namespace $dev_ns" \
	ndctl create-namespace -f -e $dev_ns -m devdax --map=mem
check "bind $dev_ns to the key" bind $dev_ns "$ka"
check "enable $dev_ns" ndctl enable-namespace $dev_ns
dax=$(ls -d /dev/dax$dev_region.* 2>/dev/null | head -n 1)
check "device-dax present: $dax" test -c "$dax"
layout dev $dev_ns
check "pmemcrypt create --engine auto on the device-dax" \
	pmemcrypt create --no-progress --engine auto --key-file /key "$dax"
check "info of the device-dax pool says hardware" is_hw "$dax"
check "record written to the device-dax pool" \
	pool_helper write "$dax" /key 8192 "$dax_mark"
check "device-dax record read back after reopen" \
	dump_has "$dax" 8192 "$dax_mark"
check "a wrong key is refused (exit 2)" sh -c \
	"(umask 077; head -c 32 /dev/zero >/tmp/zero); pmemcrypt dump --key-file /tmp/zero $dax >/dev/null 2>&1; test \$? -eq 2"
tap_done

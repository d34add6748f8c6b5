#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# dax-crypt.sh -- guest side of test-dax-crypt: ext4 or xfs, and device-dax
# data on namespaces bound to an mktme key.
#
# Two label-less NVDIMMs of different sizes, told apart by size (the
# region numbers need not follow the command line): fs_size bytes for the
# fsdax namespace (file system fs), dev_size bytes for the devdax one.  /key-a and
# /key-b hold 64-byte AES-XTS-256 keys (data key, then tweak key); key A is
# the right one.  Kernel parameters (environment):
#   phase=write     create both namespaces, bind key A, enable, mkfs,
#                   mount, write one file with write() and one through a
#                   shared mapping, write through the device-dax mapping;
#                   print where the data sits ("DAXCRYPT ..." lines)
#   phase=read      (a later boot) bind key A again, enable, mount: the
#                   data reads back
#   phase=wrongkey  bind key B: the namespace is not enabled and does not
#                   mount; nothing is written (the host compares the image
#                   hashes)
#   fs              ext4 or xfs (xfs needs fs_size of 300 MiB or more)
#   fs_size, dev_size     the NVDIMMs' sizes in bytes
#   tag_w, tag_m, tag_d   8-character markers of the write() file, the
#                   mapped file and the device-dax data
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

nd=/sys/bus/nd/devices

fs_region=$(region_of "${fs_size:?}")
dev_region=$(region_of "${dev_size:?}")
fs_ns=namespace$fs_region.0
dev_ns=namespace$dev_region.0
pmem=/dev/pmem$fs_region
w_size=200704 # 196 KiB, through write()
m_size=2097152 # 2 MiB, through a mapping
d_size=2097152 # 2 MiB at the start of the device-dax
tag_w=${tag_w:?}
tag_m=${tag_m:?}
tag_d=${tag_d:?}
fs=${fs:?}

say() {
	echo "DAXCRYPT $*"
}

# add_key NAME FILE: a logon key with FILE's bytes and an aes-xts-256
# mktme key using it; prints the mktme key's serial.
add_key() {
	keyctl padd logon "daxcrypt:$1" @u <"$2" >/dev/null &&
		keyctl add mktme "daxcrypt-$1" \
			"type=user algorithm=aes-xts-256 source=logon:daxcrypt:$1" @u
}

# bind NS SERIAL: disable NS (enabled at boot, or by create-namespace) and
# bind it to SERIAL; the attribute then names the key.
bind() {
	ndctl disable-namespace "$1" &&
		echo "$2" >"$nd/$1/mktme_key" &&
		grep "^$2 " "$nd/$1/mktme_key"
}

# unbind NS: disable and unbind.
unbind() {
	ndctl disable-namespace "$1" && echo none >"$nd/$1/mktme_key" &&
		grep -x none "$nd/$1/mktme_key"
}

mounted() {
	grep -q " /mnt $fs " /proc/mounts
}

# mkfs_dev DEV: a file system of type fs on DEV (xfs: without reflink,
# which DAX does not take).
mkfs_dev() {
	case $fs in
	ext4) mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,nodiscard "$1" ;;
	xfs) mkfs.xfs -q -f -b size=4096 -m reflink=0 -K "$1" ;;
	*) echo "unknown file system $fs"; return 1 ;;
	esac
}

# on_fs CMD...: run CMD if the file system is mounted on /mnt.
on_fs() {
	mounted || { echo "nothing mounted on /mnt"; return 1; }
	"$@"
}

# refused NS DEV TEXT: NS is not enabled (no DEV, a glob) and the kernel
# logged TEXT about it.
refused() {
	! ls $2 >/dev/null 2>&1 && dmesg | grep -q "$1.*$3"
}

daxdev() {
	ls -d /dev/dax$dev_region.* 2>/dev/null | head -n 1
}

# Print where the data of FILE (marker TAG, SIZE bytes) sits: each FIEMAP
# extent as "DAXCRYPT extent TAG SIZE LOGICAL PHYSICAL LENGTH", PHYSICAL
# being the byte offset in the pmem block device.
locate() {
	dax-crypt extents "$1" >/tmp/extents || return 1
	cat /tmp/extents
	while read -r _ logical physical length; do
		say extent "$2" "$3" "$logical" "$physical" "$length"
	done </tmp/extents
}

# Print the guest-physical layout: region base (= offset 0 of the DIMM's
# backing file) and the start of the data (pmem sector 0, device-dax
# offset 0) for NS as "DAXCRYPT NAME-base ADDR NAME-data ADDR".
layout() {
	region=$(basename "$(readlink -f "$nd/$2/..")")
	holder=$(cat "$nd/$2/holder")
	base=$(cat "$nd/$region/resource") &&
		data=$(cat "$nd/$holder/resource") || return 1
	say "$1-base" "$base"
	say "$1-data" "$data"
	grep -i "namespace\|pmem\|dax\|persistent" /proc/iomem
}

# keyid_logged NS: the enable of NS's claim logged its KeyID.
keyid_logged() {
	dmesg | grep -q "$(cat "$nd/$1/holder"): encrypted through MKTME KeyID"
}

ka=$(add_key a /key-a)
check "mktme key A (aes-xts-256 from a logon key) added: $ka" \
	grep -q "daxcrypt-a: keyid [0-9]* aes-xts-256" /proc/keys
check "the key reads back keyid, type, algorithm, source" sh -c \
	"keyctl print $ka | grep -q '^keyid=[0-9]* type=user algorithm=aes-xts-256 source=logon:daxcrypt:a$'"

case ${phase:?} in
write)
	check "fsdax namespace on the first NVDIMM" \
		ndctl create-namespace -f -e $fs_ns -m fsdax --map=mem
	check "bind key A to $fs_ns" bind $fs_ns "$ka"
	check "enable $fs_ns" ndctl enable-namespace $fs_ns
	check "$fs_ns is mapped through the KeyID" keyid_logged $fs_ns
	check "guest-physical layout of $fs_ns" layout fs $fs_ns
	layout fs $fs_ns | grep DAXCRYPT
	check "mkfs.$fs on the encrypted $pmem" mkfs_dev $pmem
	check "mount -t $fs -o dax" mount -t $fs -o dax $pmem /mnt
	check "dax=always in /proc/mounts" sh -c \
		"grep ' /mnt $fs ' /proc/mounts | grep -q dax=always"
	check "write() a file ($tag_w)" on_fs dax-crypt write /mnt/written $tag_w $w_size
	check "write a file through mmap(MAP_SYNC) ($tag_m)" \
		on_fs dax-crypt mmap /mnt/mapped $tag_m $m_size sync
	check "statx reports STATX_ATTR_DAX" on_fs dax-crypt statx /mnt/mapped
	check "mprotect() read-only and back keeps the mapped data" \
		on_fs dax-crypt mprotect /mnt/mapped $tag_m $m_size
	check "a MAP_PRIVATE write copies the data, the file is unchanged" \
		on_fs dax-crypt private /mnt/mapped $tag_m $m_size
	check "the files read back" sh -c \
		"dax-crypt verify /mnt/written $tag_w $w_size &&
		 dax-crypt verify /mnt/mapped $tag_m $m_size"
	check "extents of the write() file" locate /mnt/written $tag_w $w_size
	locate /mnt/written $tag_w $w_size | grep DAXCRYPT
	check "extents of the mapped file" locate /mnt/mapped $tag_m $m_size
	locate /mnt/mapped $tag_m $m_size | grep DAXCRYPT
	check "umount, mount again: the files read back" sh -c \
		"umount /mnt && mount -t $fs -o dax $pmem /mnt &&
		 dax-crypt verify /mnt/written $tag_w $w_size &&
		 dax-crypt verify /mnt/mapped $tag_m $m_size"
	check "umount" umount /mnt

	check "devdax namespace on the second NVDIMM" \
		ndctl create-namespace -f -e $dev_ns -m devdax --map=mem
	check "bind key A to $dev_ns" bind $dev_ns "$ka"
	check "enable $dev_ns" ndctl enable-namespace $dev_ns
	check "$dev_ns is mapped through the KeyID" keyid_logged $dev_ns
	dax=$(daxdev)
	check "device-dax present: $dax" test -c "$dax"
	check "guest-physical layout of $dev_ns" layout dev $dev_ns
	layout dev $dev_ns | grep DAXCRYPT
	check "write through the device-dax mapping ($tag_d)" \
		dax-crypt devwrite "$dax" $tag_d $d_size
	check "the device-dax mapping reads back" \
		dax-crypt devverify "$dax" $tag_d $d_size
	;;
read)
	check "$fs_ns stayed disabled at boot, without its key (ENOKEY)" \
		refused $fs_ns "$pmem" "holds data encrypted with an mktme key"
	check "$dev_ns stayed disabled at boot, without its key (ENOKEY)" \
		refused $dev_ns "/dev/dax$dev_region.*" "holds data encrypted with an mktme key"
	check "bind key A to $fs_ns" bind $fs_ns "$ka"
	check "enable $fs_ns" ndctl enable-namespace $fs_ns
	check "$fs_ns is mapped through the KeyID" keyid_logged $fs_ns
	check "mount -t $fs -o dax" mount -t $fs -o dax $pmem /mnt
	check "the write() file reads back" \
		dax-crypt verify /mnt/written $tag_w $w_size
	check "the mapped file reads back" \
		dax-crypt verify /mnt/mapped $tag_m $m_size
	check "umount" umount /mnt
	check "bind key A to $dev_ns" bind $dev_ns "$ka"
	check "enable $dev_ns" ndctl enable-namespace $dev_ns
	check "$dev_ns is mapped through the KeyID" keyid_logged $dev_ns
	check "the device-dax data reads back" \
		dax-crypt devverify "$(daxdev)" $tag_d $d_size
	;;
wrongkey)
	kb=$(add_key b /key-b)
	check "mktme key B added: $kb" keyctl print "$kb"
	check "bind key B to $fs_ns" bind $fs_ns "$kb"
	check "enabling $fs_ns with key B fails" \
		sh -c "! ndctl enable-namespace $fs_ns"
	check "the key check refused key B (EKEYREJECTED)" \
		refused $fs_ns "$pmem" "not the key its data is encrypted with"
	check "mount -o dax fails" sh -c "! mount -t $fs -o dax $pmem /mnt"
	check "nothing is mounted" sh -c '! grep -q " /mnt " /proc/mounts'
	check "$fs did not mount or replay its log" sh -c \
		"! dmesg | grep -E '(EXT4-fs|XFS) \(${pmem#/dev/}\)'"
	check "disable, unbind" unbind $fs_ns
	;;
*)
	check "known phase '$phase'" false
	;;
esac
check "no PCONFIG failure was logged" sh -c '! dmesg | grep -q "PCONFIG on KeyID"'
dmesg | grep -E "mktme|pmem|dax|EXT4|XFS|nd_|namespace" |
	grep -vE "Subtest|\] +(# |ok )|[Cc]ommand line" | sed 's/^/# dmesg: /'
tap_done

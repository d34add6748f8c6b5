#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# tamper.sh -- guest side of test-tamper: an encrypted namespace whose
# media is rewritten by someone without the key, and what a key change
# leaves on the media.
#
# Two label-less NVDIMMs told apart by size: the guard (guard_size bytes,
# random bytes from the host, a raw namespace never written here; its first
# 4 KiB are the host's mailbox) and, right after it in guest-physical
# memory, the test namespace (ns_size bytes, fsdax).  /key-a, /key-b and
# /key-c hold 32-byte AES-XTS-128 keys.  Kernel parameters (environment):
#   phase=keychange  create the namespace, bind key A, enable (marked),
#                    write 4 MiB at the end of its data, change the key to
#                    B (mktme_rekey), enable with B: the data reads back
#   phase=crafted    bind B; ask the host to rewrite the info block (its
#                    data offset and end truncation wrap around 2^64) and
#                    wait for its answer in the mailbox; a key change to C
#                    is refused with EINVAL and changes nothing
#   phase=wiped      (the host zeroed the key check line) neither key C
#                    nor B, the right one, enables the namespace
# "TAMPER NAME VALUE" lines tell the host the layout; "tamper-request TAG"
# asks it for TAG, and "TAMPER-DONE TAG" in the mailbox is its answer.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

nd=/sys/bus/nd/devices
ns_region=$(region_of "${ns_size:?}")
guard_region=$(region_of "${guard_size:?}")
ns=namespace$ns_region.0
sysns=$nd/$ns
pmem=/dev/pmem$ns_region
mailbox=/dev/pmem$guard_region

say() {
	echo "TAMPER $*"
}

# add_key NAME: a logon key with /key-NAME's bytes and an aes-xts-128
# mktme key using it; prints the mktme key's serial.
add_key() {
	keyctl padd logon "tamper:$1" @u <"/key-$1" >/dev/null &&
		keyctl add mktme "tamper-$1" \
			"type=user algorithm=aes-xts-128 source=logon:tamper:$1" @u
}

# bind SERIAL: disable the namespace and bind it to SERIAL.
bind() {
	ndctl disable-namespace $ns >/dev/null 2>&1
	echo "$1" >"$sysns/mktme_key" && grep -q "^$1 " "$sysns/mktme_key"
}

# refused_with TEXT CMD...: CMD fails, printing TEXT (strerror).
refused_with() {
	text=$1
	shift
	! "$@" >/tmp/refused.out 2>&1 && grep -q "$text" /tmp/refused.out
}

logged() {
	dmesg | grep -q "$1"
}

# The sum of the LEN MiB at the end of the namespace's data, read past
# the page cache.
tail_sum() {
	blocks=$(($(cat /sys/block/${pmem#/dev/}/size) / 2048))
	dd if=$pmem bs=1M skip=$((blocks - $1)) count="$1" iflag=direct \
		2>/dev/null | sha256sum | cut -d' ' -f1
}

# answered TAG: waits (60 s at most) for the host's answer to
# "tamper-request TAG" in the mailbox, read past the page cache.
answered() {
	i=0
	while [ $i -lt 600 ]; do
		dd if="$mailbox" bs=4096 count=1 iflag=direct 2>/dev/null |
			grep -q "TAMPER-DONE $1" && return 0
		usleep 100000
		i=$((i + 1))
	done
	return 1
}

# layout: base and size of both regions, the start of the namespace's data.
layout() {
	say guard "$(cat $nd/region$guard_region/resource)" \
		"$(cat $nd/region$guard_region/size)" &&
		say ns "$(cat $nd/region$ns_region/resource)" \
			"$(cat $nd/region$ns_region/size)" &&
		say data "$(cat $nd/"$(cat "$sysns/holder")"/resource)"
}

ka=$(add_key a)
kb=$(add_key b)
kc=$(add_key c)
check "mktme keys A, B and C added" test -n "$ka" -a -n "$kb" -a -n "$kc"

# enable_refused TEXT: enabling the namespace fails, no block device
# appears, and the kernel logged TEXT about it.
enable_refused() {
	! ndctl enable-namespace $ns >/dev/null 2>&1 && [ ! -e $pmem ] &&
		dmesg | grep -q "$ns.*$1"
}

case ${phase:?} in
keychange)
	check "fsdax namespace $ns (--map=mem)" \
		ndctl create-namespace -f -e $ns -m fsdax --map=mem
	check "bind key A" bind "$ka"
	check "enable: the namespace is marked encrypted" sh -c \
		"ndctl enable-namespace $ns && dmesg | grep -q '$ns marked as encrypted'"
	check "layout printed" layout
	layout | grep TAMPER
	check "4 MiB written at the end of its data" sh -c \
		"head -c 4194304 /dev/urandom >/tmp/data &&
		 blocks=\$((\$(cat /sys/block/${pmem#/dev/}/size) / 2048)) &&
		 dd if=/tmp/data of=$pmem bs=1M seek=\$((blocks - 4)) oflag=direct conv=fsync 2>/dev/null"
	sum=$(sha256sum </tmp/data | cut -d' ' -f1)
	check "the data reads back" [ "$(tail_sum 4)" = "$sum" ]
	check "disable" ndctl disable-namespace $ns
	check "change the key to B" sh -c "echo $kb >$sysns/mktme_rekey"
	check "the namespace is bound to B, no change is recorded" sh -c \
		"grep -q '^$kb ' $sysns/mktme_key && grep -qx none $sysns/mktme_rekey"
	check "enable with key B" ndctl enable-namespace $ns
	check "the data reads back through key B" [ "$(tail_sum 4)" = "$sum" ]
	check "disable" ndctl disable-namespace $ns
	;;
crafted)
	check "$ns stayed disabled at boot, without its key (ENOKEY)" sh -c \
		"[ ! -e $pmem ] && dmesg | grep -q '$ns holds data encrypted with an mktme key'"
	check "bind key B, the namespace's key" bind "$kb"
	echo "tamper-request craft"
	check "the host rewrote the info block (data offset wraps around)" \
		answered craft
	check "a key change to C is refused with EINVAL" \
		refused_with "Invalid argument" sh -c "echo $kc >$sysns/mktme_rekey"
	check "the info block was checked as an enable checks it" \
		logged "pfn array size exceeds capacity of $ns"
	check "the refusal is logged" \
		logged "$ns: mktme_rekey: not an encrypted fsdax or devdax namespace with a valid info block"
	check "no key change is recorded, the namespace is still bound to B" \
		sh -c "grep -qx none $sysns/mktme_rekey && grep -q '^$kb ' $sysns/mktme_key"
	;;
wiped)
	check "$ns stayed disabled at boot, without its key (ENOKEY)" sh -c \
		"[ ! -e $pmem ] && dmesg | grep -q '$ns holds data encrypted with an mktme key'"
	check "bind key C, a wrong key" bind "$kc"
	check "enabling with key C is refused (EKEYREJECTED)" \
		enable_refused "the bound mktme key is not the key its data is encrypted with"
	check "bind key B, the right key" bind "$kb"
	dmesg -c >/dev/null
	check "enabling with key B is refused too: the check line is gone" \
		enable_refused "the bound mktme key is not the key its data is encrypted with"
	;;
*)
	check "known phase '$phase'" false
	;;
esac
check "no PCONFIG failure was logged" sh -c '! dmesg | grep -q "PCONFIG on KeyID"'
dmesg | grep -E "mktme|pmem|pfn|dax|nd_|namespace" |
	grep -vE "Subtest|\] +(# |ok )|[Cc]ommand line" | sed 's/^/# dmesg: /'
tap_done

#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# boot.sh -- guest side of the kernel boot tests (kernel/tests/boot-test.sh):
# MKTME enumeration, the mktme key type and its KUnit suite, and an fsdax
# namespace bound to a key, printing TAP.
#
# The kernel parameter mode=nomktme|mktme|tdx|pmem (an environment variable
# here) says which machine this is; tdx is the MKTME machine whose KeyIDs
# tdx_shared+1.. are private to TDX (tdx_shared, tdx_private).
# "guest-monitor TAG" lines ask the host to query the emulator ("info
# mktme") within 3 seconds.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >/etc/passwd
echo 'nogroup:x:65534:' >/etc/group

# refuses DESC TEXT CMD...: CMD must fail and print TEXT (strerror).
refuses() {
	desc=$1
	text=$2
	shift 2
	tap_n=$((tap_n + 1))
	if "$@" >/tmp/out 2>&1; then
		echo "not ok $tap_n - $desc (succeeded)"
		tap_failed=1
	elif grep -q "$text" /tmp/out; then
		echo "ok $tap_n - $desc"
	else
		echo "not ok $tap_n - $desc (wrong error)"
		sed 's/^/#   /' /tmp/out | tail -n 5
		tap_failed=1
	fi
}

logged() {
	dmesg | grep -q "$1"
}

# prints DESC, expecting the key's read-back to be TEXT.
reads() {
	[ "$(keyctl print "$1")" = "$2" ] || {
		echo "got: $(keyctl print "$1")"
		return 1
	}
}

# Lets the host read the emulator's key table ("info mktme") now.
monitor() {
	echo "guest-monitor $1"
	sleep 3
}

as_nobody() {
	su -s /bin/sh -c "$*" nobody
}

# Runs CMD... as root without CAP_SYS_ADMIN: util-linux setpriv (the
# host's, /usr/bin), which drops it from the bounding and inheritable
# sets (busybox's setpriv cannot).
no_sys_admin() {
	/usr/bin/setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin -- "$@"
}

# Fills the free KeyIDs with CPU-generated keys until adding one fails;
# prints how many were added.
fill_keyids() {
	i=0
	while keyctl add mktme "fill$i" "type=cpu algorithm=aes-xts-128" @u \
		>/dev/null 2>&1; do
		i=$((i + 1))
	done
	echo "$i"
}

mode=${mode:?}
echo "guest-start mode=$mode"
check "KUnit suite mktme_keys passed" \
	sh -c 'dmesg | grep -Eq "\] ok [0-9]+ mktme_keys\$"'
refuses "adding an mktme key without CAP_SYS_ADMIN fails with EPERM" \
	"Operation not permitted" \
	as_nobody keyctl add mktme k0 "type=no-encrypt" @u
check "the missing capability is logged" \
	logged "mktme: adding a key needs CAP_SYS_ADMIN"

case $mode in
nomktme)
	check "boot log says why there is no MKTME" logged "mktme: no MKTME ("
	refuses "a cpu key fails with ENODEV" "No such device" \
		keyctl add mktme k1 "type=cpu algorithm=aes-xts-128" @u
	refuses "a user key fails with ENODEV" "No such device" \
		keyctl add mktme k2 \
		"type=user algorithm=aes-xts-128 source=logon:pmem:k" @u
	check "the refusal is logged with its reason" \
		logged "mktme: no MKTME: "
	;;
mktme)
	check "boot log shows the KeyIDs" logged "mktme: KeyIDs 1-"
	algs=$(dmesg | sed -n 's/.*x86\/mktme: algorithms://p')
	echo "# algorithms:$algs"
	head -c 32 /dev/urandom >/tmp/k32
	head -c 64 /dev/urandom >/tmp/k64
	head -c 16 /dev/urandom >/tmp/h16
	cat /tmp/h16 /tmp/h16 >/tmp/eq32
	keyctl padd logon pmem:k32 @u </tmp/k32 >/dev/null
	keyctl padd logon pmem:k64 @u </tmp/k64 >/dev/null
	keyctl padd logon pmem:eq32 @u </tmp/eq32 >/dev/null
	keyctl padd user kek @u </tmp/k32 >/dev/null

	m1=$(keyctl add mktme m1 \
		"type=user algorithm=aes-xts-128 source=logon:pmem:k32" @u)
	check "a user key from a logon key gets KeyID 1" reads "$m1" \
		"keyid=1 type=user algorithm=aes-xts-128 source=logon:pmem:k32"
	check "/proc/keys shows KeyID and algorithm" \
		grep -q "m1: keyid 1 aes-xts-128" /proc/keys
	refuses "a 64-byte source for aes-xts-128 fails with EINVAL" \
		"Invalid argument" keyctl add mktme bad \
		"type=user algorithm=aes-xts-128 source=logon:pmem:k64" @u
	check "the wrong size is logged" logged "aes-xts-128 needs a 32-byte"
	refuses "equal data and tweak keys fail with EINVAL" \
		"Invalid argument" keyctl add mktme bad \
		"type=user algorithm=aes-xts-128 source=logon:pmem:eq32" @u
	refuses "a missing source key fails with ENOKEY" \
		"Required key not available" keyctl add mktme bad \
		"type=user algorithm=aes-xts-128 source=logon:pmem:none" @u
	refuses "a payload without source fails with EINVAL" \
		"Invalid argument" keyctl add mktme bad \
		"type=user algorithm=aes-xts-128" @u
	check "the malformed payload is logged" \
		logged "mktme: type=user needs algorithm= and source="
	keyctl add encrypted pmem-enc32 "new default user:kek 32" @u >/dev/null
	keyctl add encrypted pmem-enc64 "new default user:kek 64" @u >/dev/null
	m2=$(keyctl add mktme m2 \
		"type=user algorithm=aes-xts-128 source=encrypted:pmem-enc32" @u)
	check "a user key from an encrypted key gets KeyID 2" reads "$m2" \
		"keyid=2 type=user algorithm=aes-xts-128 source=encrypted:pmem-enc32"
	case $algs in
	*aes-xts-256*)
		m3=$(keyctl add mktme m3 \
			"type=user algorithm=aes-xts-256 source=encrypted:pmem-enc64" @u)
		check "an aes-xts-256 key gets KeyID 3" reads "$m3" \
			"keyid=3 type=user algorithm=aes-xts-256 source=encrypted:pmem-enc64"
		;;
	*)
		refuses "aes-xts-256 fails with EOPNOTSUPP when not enabled" \
			"Operation not supported" keyctl add mktme m3 \
			"type=user algorithm=aes-xts-256 source=encrypted:pmem-enc64" @u
		keyctl add mktme m3 "type=no-encrypt" @u >/dev/null
		;;
	esac
	m4=$(keyctl add mktme m4 "type=cpu algorithm=aes-xts-128" @u)
	check "a CPU-generated key gets KeyID 4" reads "$m4" \
		"keyid=4 type=cpu algorithm=aes-xts-128"
	m5=$(keyctl add mktme m5 "type=no-encrypt" @u)
	check "a no-encrypt key gets KeyID 5" reads "$m5" \
		"keyid=5 type=no-encrypt"
	nr=$(dmesg | sed -n 's/.*mktme: KeyIDs 1-\([0-9]*\) .*/\1/p')
	i=6
	while [ "$i" -le "$nr" ]; do
		keyctl add mktme "fill$i" "type=cpu algorithm=aes-xts-128" @u \
			>/dev/null || break
		i=$((i + 1))
	done
	check "all $nr KeyIDs can be programmed" [ "$i" -gt "$nr" ]
	refuses "one key more fails with ENOSPC" "No space left on device" \
		keyctl add mktme over "type=cpu algorithm=aes-xts-128" @u
	check "running out of KeyIDs is logged" \
		logged "mktme: all $nr KeyIDs are in use"
	monitor keys
	keyctl unlink "$m1" @u >/dev/null
	sleep 1
	monitor cleared
	m6=$(keyctl add mktme m6 "type=cpu algorithm=aes-xts-128" @u)
	check "a destroyed key's KeyID is cleared and reused" reads "$m6" \
		"keyid=1 type=cpu algorithm=aes-xts-128"
	check "no PCONFIG failure was logged" sh -c '! dmesg | grep -q "PCONFIG on KeyID"'
	;;
tdx)
	shared=${tdx_shared:?}
	check "boot log shows the KeyIDs private to TDX" \
		logged "x86/mktme: $shared KeyIDs shared, ${tdx_private:?} private to TDX"
	check "the mktme key type uses KeyIDs 1-$shared only" \
		logged "mktme: KeyIDs 1-$shared at physical address bit"
	n=$(fill_keyids)
	check "exactly the $shared shared KeyIDs can be programmed ($n)" \
		[ "$n" -eq "$shared" ]
	refuses "one key more fails with ENOSPC" "No space left on device" \
		keyctl add mktme over "type=cpu algorithm=aes-xts-128" @u
	check "running out of KeyIDs is logged" \
		logged "mktme: all $shared KeyIDs are in use"
	check "no PCONFIG failure was logged" sh -c '! dmesg | grep -q "PCONFIG on KeyID"'
	monitor keys
	;;
pmem)
	# An fsdax namespace bound to a key from /key32 (written by the host)
	ns=/sys/bus/nd/devices/namespace0.0
	keyctl padd logon pmem:k32 @u </key32 >/dev/null
	m=$(keyctl add mktme pmem0 \
		"type=user algorithm=aes-xts-128 source=logon:pmem:k32" @u)
	check "an fsdax namespace can be created" \
		ndctl create-namespace -f -e namespace0.0 -m fsdax --map=mem
	check "a namespace has an mktme_key attribute reading none" \
		grep -qx none $ns/mktme_key
	refuses "binding an enabled namespace fails with EBUSY" \
		"Device or resource busy" sh -c "echo $m > $ns/mktme_key"
	check "the namespace can be disabled" \
		ndctl disable-namespace namespace0.0
	# shellcheck disable=SC2016 # expanded by the inner shell
	check "setpriv runs root without CAP_SYS_ADMIN (CapEff bit 21)" \
		no_sys_admin sh -c '[ "$(id -u)" = 0 ] &&
		eff=$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status) &&
		[ $((0x$eff & 0x200000)) -eq 0 ]'
	refuses "writing mktme_key without CAP_SYS_ADMIN fails with EPERM" \
		"Operation not permitted" \
		no_sys_admin sh -c "echo none > $ns/mktme_key"
	refuses "writing mktme_rekey without CAP_SYS_ADMIN fails with EPERM" \
		"Operation not permitted" \
		no_sys_admin sh -c "echo $m > $ns/mktme_rekey"
	check "the refusals are logged" sh -c \
		"dmesg | grep -q 'mktme_key: needs CAP_SYS_ADMIN' &&
		 dmesg | grep -q 'mktme_rekey: needs CAP_SYS_ADMIN'"
	refuses "binding a key of another type fails with EINVAL" \
		"Invalid argument" sh -c "echo $(keyctl search @u logon pmem:k32) > $ns/mktme_key"
	refuses "binding a missing key fails with ENOKEY" \
		"Required key not available" sh -c "echo 12345 > $ns/mktme_key"
	check "a disabled namespace can be bound" sh -c "echo $m > $ns/mktme_key"
	check "the attribute shows serial, description and KeyID" \
		grep -qx "$m pmem0 1" $ns/mktme_key
	refuses "revoking a bound key fails with EPERM" \
		"Operation not permitted" keyctl revoke "$m"
	refuses "invalidating a bound key fails with EPERM" \
		"Operation not permitted" keyctl invalidate "$m"
	check "the bound namespace can be enabled" \
		ndctl enable-namespace namespace0.0
	check "the first enable marks the namespace encrypted" \
		logged "namespace0.0 marked as encrypted"
	check "the enable is logged with the KeyID" \
		logged "encrypted through MKTME KeyID 1\$"
	echo "guest-data-phys $(cat "/sys/bus/nd/devices/$(cat $ns/holder)/resource")"
	echo "guest-ns-phys $(cat $ns/resource)"
	i=0
	while [ $i -lt 128 ]; do
		printf 'pmemcrypt plain.'
		i=$((i + 1))
	done >/tmp/plain
	check "plaintext can be written to /dev/pmem0" \
		dd if=/tmp/plain of=/dev/pmem0 bs=2048 seek=512 conv=fsync
	check "it reads back as plaintext through the KeyID" sh -c \
		"dd if=/dev/pmem0 bs=2048 skip=512 count=1 2>/dev/null | cmp - /tmp/plain"
	check "ext4 with DAX works on the encrypted namespace" sh -c \
		"mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount -t ext4 -o dax /dev/pmem0 /mnt &&
		 grep ' /mnt ' /proc/mounts | grep -q dax=always &&
		 cp /tmp/plain /mnt/f && umount /mnt &&
		 mount -t ext4 -o dax /dev/pmem0 /mnt && cmp /mnt/f /tmp/plain && umount /mnt"
	check "ext4 without DAX works on the encrypted namespace" sh -c \
		"mount -t ext4 /dev/pmem0 /mnt && cmp /mnt/f /tmp/plain && umount /mnt"
	check "the plaintext is written again for the host check" \
		dd if=/tmp/plain of=/dev/pmem0 bs=2048 seek=512 conv=fsync
	refuses "unbinding an enabled namespace fails with EBUSY" \
		"Device or resource busy" sh -c "echo none > $ns/mktme_key"
	check "disable, unbind" sh -c \
		"ndctl disable-namespace namespace0.0 && echo none > $ns/mktme_key"
	check "an unbound key can be revoked again" keyctl revoke "$m"
	check "enabling the marked namespace without a key fails" \
		sh -c "! ndctl enable-namespace namespace0.0 && test ! -e /dev/pmem0"
	check "the refusal (ENOKEY) is logged" \
		logged "namespace0.0 holds data encrypted with an mktme key"
	head -c 32 /dev/urandom | keyctl padd logon pmem:other @u >/dev/null
	m3=$(keyctl add mktme pmem0c \
		"type=user algorithm=aes-xts-128 source=logon:pmem:other" @u)
	check "enabling it with another key fails" sh -c \
		"ndctl disable-namespace namespace0.0 && echo $m3 > $ns/mktme_key &&
		 ! ndctl enable-namespace namespace0.0 && test ! -e /dev/pmem0"
	check "the refusal (EKEYREJECTED) is logged" \
		logged "the bound mktme key is not the key its data is encrypted with"
	m2=$(keyctl add mktme pmem0b \
		"type=user algorithm=aes-xts-128 source=logon:pmem:k32" @u)
	check "bound to a new key with the same material, it reads plaintext" sh -c \
		"ndctl disable-namespace namespace0.0 && echo $m2 > $ns/mktme_key &&
		 ndctl enable-namespace namespace0.0 &&
		 dd if=/dev/pmem0 bs=2048 skip=512 count=1 2>/dev/null | cmp - /tmp/plain"
	check "no PCONFIG failure was logged" sh -c '! dmesg | grep -q "PCONFIG on KeyID"'
	;;
*)
	check "known mode '$mode'" false
	;;
esac
dmesg | grep -E "mktme|x86/tme|Subtest: mktme|ok [0-9]+ mktme|mktme_keys:" |
	sed 's/^/# dmesg: /'
tap_done

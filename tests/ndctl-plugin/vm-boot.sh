#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-boot.sh -- guest side of test_boot.sh: an encrypted namespace across
# reboots (busybox sh, pmemcrypt kernel, labelled NVDIMM).
#
# phase=1: fsdax namespace, master key, create-key, enable-namespace, ext4
#          mounted with $mount_opts, a file holding $mark; unmount; the key
#          store is printed (tar.gz, base64) for the host to carry over.
# phase=2: fresh keyring, store and master key back from the host; what the
#          boot unit does (master key, then 'ndctl-crypt load-keys'), an
#          fstab mount, the file read back; disable-namespace; a wrong
#          master key refused with everything rolled back; enabled again.
# phase=3: the store without the blob: load-keys leaves the namespace
#          disabled and says why.
# Kernel parameters: phase, mark, mount_opts ("dax" by default).
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
store=/etc/ndctl/crypt
mount_opts=${mount_opts:-dax}
mark=${mark:?}

# json_has NAME VALUE: 'ndctl-crypt list $ns' prints "NAME": VALUE
json_has() {
	ndctl-crypt list $ns | grep -q "\"$1\": $2"
}


# load_master FILE: the master key into root's user keyring, as the boot
# does before ndctl-crypt-load-keys.service (a TPM trusted key on a real
# machine, see ndctl-crypt-load-keys(1))
load_master() {
	keyctl padd user pmemcrypt-master @u <"$1" >/dev/null
}

# boot_state: how the kernel left the namespace at boot
boot_state() {
	if ndctl-crypt list $ns | grep -q '"state": "enabled"'; then
		echo enabled
	else
		echo disabled
	fi
}

modprobe -a nfit nd_pmem crc32c_generic ext4 2>/dev/null

case ${phase:-1} in
1)
	check "label area initialised (v1.2 labels record the mode)" sh -c \
		'ndctl disable-region all && ndctl init-labels -f -V 1.2 all && ndctl enable-region all'
	check "fsdax namespace" ndctl create-namespace -m fsdax -M mem -s 32M -n enc0
	uuid=$(ndctl-crypt list $ns | sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p')
	echo "NS-UUID=$uuid"
	check "master key loaded" load_master /etc/pmemcrypt-master.key
	check "create-key" ndctl-crypt create-key $ns
	check "enable-namespace" ndctl-crypt enable-namespace $ns
	check "list: enabled" json_has state '"enabled"'
	check "list: mode fsdax" json_has mode '"fsdax"'
	check "list: bound to pmemcrypt-mktme:$uuid" \
		json_has description "\"pmemcrypt-mktme:$uuid\""
	check "list: a KeyID" sh -c \
		"ndctl-crypt list $ns | grep -Eq '\"keyid\": [1-9]'"
	check "enable-namespace again: already enabled, exit 0" \
		ndctl-crypt enable-namespace $ns
	check "remove-key while in use: exit 7" exit_is 7 ndctl-crypt remove-key $ns
	check "mkfs.ext4" mkfs.ext4 -q -F -b 4096 /dev/pmem0
	check "mount -o $mount_opts" mount -t ext4 -o "$mount_opts" /dev/pmem0 /mnt
	if [ "$mount_opts" = dax ]; then
		check "dax=always" sh -c "grep ' /mnt ' /proc/mounts | grep -q dax=always"
	fi
	check "marker written" sh -c "echo $mark >/mnt/marker && sync"
	check "umount" umount /mnt
	check "disable-namespace while mounted: exit 7" sh -c \
		"mount -t ext4 /dev/pmem0 /mnt || exit 1; ndctl-crypt disable-namespace $ns; rc=\$?; umount /mnt; test \$rc -eq 7"
	check "still enabled with its key" json_has state '"enabled"'
	echo "STORE-BEGIN"
	tar -C / -cf - etc/ndctl/crypt | gzip | base64
	echo "STORE-END"
	;;
2)
	check "store restored (blob mode 0600)" sh -c \
		"tar -C / -xzf /store.tgz && ls -l $store/*.blob | grep -q '^-rw------- '"
	check "the kernel left the encrypted namespace disabled at boot" \
		test "$(boot_state)" = disabled
	check "and logged that it needs its key" sh -c \
		"dmesg | grep -q '$ns holds data encrypted with an mktme key'"
	check "keyring empty of pmemcrypt keys at boot" sh -c \
		"! keyctl show @u | grep -q pmemcrypt:"
	check "master key loaded" load_master /etc/pmemcrypt-master.key
	check "load-keys" ndctl-crypt load-keys
	check "list: enabled and bound" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"enabled\"' && ndctl-crypt list $ns | grep -q pmemcrypt-mktme:"
	echo "/dev/pmem0 /mnt ext4 $mount_opts 0 0" >/etc/fstab
	check "fstab mount (-o $mount_opts)" mount /mnt
	check "marker intact" grep -qx "$mark" /mnt/marker
	check "umount" umount /mnt
	check "load-keys again: exit 0, nothing to do" ndctl-crypt load-keys
	check "disable-namespace" ndctl-crypt disable-namespace $ns
	check "list: disabled, mode fsdax, unbound" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"disabled\"' && ndctl-crypt list $ns | grep -q '\"mode\": \"fsdax\"' && ! ndctl-crypt list $ns | grep -q keyid"
	check "mktme key dropped" sh -c "! keyctl show @u | grep -q pmemcrypt-mktme:"
	# a wrong master key: the sealed key does not load, nothing is left
	keyctl unlink "$(keyctl search @u encrypted "pmemcrypt:$(ls $store | sed 's/\.blob$//')")" @u >/dev/null
	keyctl unlink "$(keyctl search @u user pmemcrypt-master)" @u >/dev/null
	head -c 32 /dev/urandom | keyctl padd user pmemcrypt-master @u >/dev/null
	check "wrong master key: enable-namespace exit 6" \
		exit_is 6 ndctl-crypt enable-namespace $ns
	check "rolled back: disabled, unbound, no key left" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"disabled\"' && grep -qx none /sys/bus/nd/devices/$ns/mktme_key && ! keyctl show @u | grep -Eq 'pmemcrypt(-mktme)?:'"
	keyctl unlink "$(keyctl search @u user pmemcrypt-master)" @u >/dev/null
	check "right master key: enable-namespace" sh -c \
		"keyctl padd user pmemcrypt-master @u </etc/pmemcrypt-master.key >/dev/null && ndctl-crypt enable-namespace $ns"
	check "marker intact again" sh -c \
		"mount -t ext4 -o $mount_opts /dev/pmem0 /mnt && grep -qx $mark /mnt/marker && umount /mnt"
	;;
3)
	check "store restored, without the blob" sh -c \
		"tar -C / -xzf /store.tgz && test -d $store && ! ls $store/*.blob"
	check "the kernel left the encrypted namespace disabled at boot" \
		test "$(boot_state)" = disabled
	check "master key loaded" load_master /etc/pmemcrypt-master.key
	ndctl-crypt load-keys >/tmp/load.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/load.out
	check "load-keys without the blob: exit 5" test $rc -eq 5
	check "load-keys says why" grep -q "$ns.*has no sealed key" /tmp/load.out
	check "namespace still disabled" json_has state '"disabled"'
	check "no block device" test ! -e /dev/pmem0
	;;
esac
tap_done

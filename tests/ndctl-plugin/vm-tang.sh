#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-tang.sh -- guest side of test_tang.sh: a namespace sealed by a master
# key bound to a Tang server at 10.0.2.100 (the host's, forwarded by QEMU).
#
# phase=1: fsdax namespace, master key from a file, create-key, enable,
#          ext4 and $mark; bind-master tang; the key store printed.
# phase=2: the store back, no master key: load-keys unseals it through
#          Tang and enables the namespace; the marker read back.
# phase=3: the server is down: load-keys leaves the namespace disabled
#          and names the server.
# phase=4: the server's keys rotated: load-keys as in phase 2.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
store=/etc/ndctl/crypt
url=http://10.0.2.100
mark=${mark:?}

state_is() {
	ndctl-crypt list $ns | grep -q "\"state\": \"$1\""
}

modprobe -a nfit nd_pmem crc32c_generic ext4 2>/dev/null

case ${phase:-1} in
1)
	check "label area initialised" sh -c \
		'ndctl disable-region all && ndctl init-labels -f -V 1.2 all && ndctl enable-region all'
	check "fsdax namespace" ndctl create-namespace -m fsdax -M mem -s 32M -n enc0
	check "master key loaded" sh -c \
		'keyctl padd user pmemcrypt-master @u </etc/pmemcrypt-master.key >/dev/null'
	check "create-key" ndctl-crypt create-key $ns
	check "enable-namespace" ndctl-crypt enable-namespace $ns
	check "mkfs.ext4" mkfs.ext4 -q -F -b 4096 /dev/pmem0
	check "marker written through -o dax" sh -c \
		"mount -t ext4 -o dax /dev/pmem0 /mnt && echo $mark >/mnt/marker && umount /mnt"
	check "the Tang server answers through the forwarded port" \
		sh -c "curl -sf $url/adv >/dev/null"
	check "the host itself is out of reach (restrict=on)" sh -c \
		"! curl -s --max-time 5 http://10.0.2.2:${tang_port:?}/adv >/dev/null"
	check "bind-master tang" \
		ndctl-crypt bind-master tang "{\"url\":\"$url\"}" -y
	check "the JWE is stored, mode 0600" sh -c \
		"ls -l $store/pmemcrypt-master.master.jwe | grep -q '^-rw------- '"
	echo "STORE-BEGIN"
	tar -C / -cf - etc/ndctl/crypt | gzip | base64
	echo "STORE-END"
	;;
2 | 4)
	check "store restored" tar -C / -xzf /store.tgz
	check "no master key in the keyring at boot" sh -c \
		"! keyctl search @u user pmemcrypt-master >/dev/null 2>&1"
	check "the namespace is disabled at boot" state_is disabled
	ndctl-crypt load-keys >/tmp/load.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/load.out
	check "load-keys: exit 0" test $rc -eq 0
	check "the master key was unsealed through Tang" \
		grep -q "pmemcrypt-master unsealed through clevis" /tmp/load.out
	check "the namespace is enabled with its key" state_is enabled
	check "the marker is read back" sh -c \
		"mount -t ext4 -o dax /dev/pmem0 /mnt && grep -qx $mark /mnt/marker && umount /mnt"
	;;
3)
	check "store restored" tar -C / -xzf /store.tgz
	ndctl-crypt load-keys >/tmp/load.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/load.out
	check "load-keys with the server down: exit 5" test $rc -eq 5
	check "it names the server" grep -q "$url" /tmp/load.out
	check "no master key was added" sh -c \
		"! keyctl search @u user pmemcrypt-master >/dev/null 2>&1"
	check "the namespace stays disabled" state_is disabled
	check "no block device" test ! -e /dev/pmem0
	;;
esac
tap_done

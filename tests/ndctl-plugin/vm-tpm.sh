#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-tpm.sh -- guest side of test_tpm.sh: the master key as a TPM-sealed
# trusted key (busybox sh, pmemcrypt kernel, TPM 2.0 from swtpm, labelled
# NVDIMM).
#
# phase=1: a trusted key made by the TPM (sealed to the storage key at
#          0x81000001) becomes the master key; its sealed blob is kept in
#          /etc/ndctl; create-key seals the namespace key under it; ext4
#          with a marker; the store and the blob are printed for the host.
# phase=2: same TPM: the blob loads into a trusted key again, load-keys
#          brings the namespace up, the marker reads back.
# phase=3: a fresh TPM: the blob does not load, load-keys leaves the
#          namespace disabled and says why.
# Kernel parameters: phase, mark.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
mark=${mark:?}
master_blob=/etc/ndctl/pmemcrypt-master.tpm
srk=0x81000001

# state: enabled or disabled, as ndctl-crypt list says
state() {
	if ndctl-crypt list $ns | grep -q '"state": "enabled"'; then
		echo enabled
	else
		echo disabled
	fi
}

# load_master: the sealed master key back into a trusted key, as a boot
# drop-in does before ndctl-crypt load-keys
load_master() {
	keyctl add trusted pmemcrypt-master "load $(cat "$master_blob") keyhandle=$srk" @u
}

modprobe -a nfit nd_pmem crc32c_generic ext4 2>/dev/null

case ${phase:-1} in
1)
	check "a TPM 2.0 is there (/dev/tpm0)" test -c /dev/tpm0
	check "label area initialised (v1.2 labels)" sh -c \
		'ndctl disable-region all && ndctl init-labels -f -V 1.2 all && ndctl enable-region all'
	check "fsdax namespace" ndctl create-namespace -m fsdax -M mem -s 32M -n tpm0
	check "trusted key made by the TPM" sh -c \
		"keyctl add trusted pmemcrypt-master 'new 32 keyhandle=$srk' @u >/dev/null"
	check "its TPM-sealed blob kept in $master_blob" sh -c \
		"mkdir -p /etc/ndctl && keyctl pipe \$(keyctl search @u trusted pmemcrypt-master) >$master_blob && test -s $master_blob"
	check "create-key sealed by trusted:pmemcrypt-master" \
		ndctl-crypt create-key -m trusted:pmemcrypt-master $ns
	check "enable-namespace" ndctl-crypt enable-namespace $ns
	check "ext4 -o dax with a marker" sh -c \
		"mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount -t ext4 -o dax /dev/pmem0 /mnt &&
		 echo $mark >/mnt/marker && sync && umount /mnt"
	echo "STORE-BEGIN"
	tar -C / -cf - etc/ndctl | gzip | base64
	echo "STORE-END"
	;;
2)
	check "store and sealed master key restored" tar -C / -xzf /store.tgz
	check "the namespace is disabled at boot" test "$(state)" = disabled
	check "the TPM unseals the master key" load_master
	check "load-keys" ndctl-crypt load-keys
	check "enabled with its key" test "$(state)" = enabled
	check "marker intact" sh -c \
		"mount -t ext4 -o dax /dev/pmem0 /mnt && grep -qx $mark /mnt/marker && umount /mnt"
	;;
3)
	check "store and sealed master key restored" tar -C / -xzf /store.tgz
	check "a TPM is there, but another one" test -c /dev/tpm0
	check "it does not unseal the master key" exit_is 1 load_master
	ndctl-crypt load-keys >/tmp/load.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/load.out
	check "load-keys without the master key: exit 5" test $rc -eq 5
	check "load-keys names the missing master key" \
		grep -q "trusted:pmemcrypt-master" /tmp/load.out
	check "the namespace stays disabled" test "$(state)" = disabled
	check "no block device" test ! -e /dev/pmem0
	;;
esac
tap_done

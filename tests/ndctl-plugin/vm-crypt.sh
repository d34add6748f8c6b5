#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-crypt.sh -- guest side of test_vm.sh: ndctl-crypt on a labelled NVDIMM
# with the pmemcrypt kernel (mktme keys, CONFIG_USER_DECRYPTED_DATA).
#
# Creates an fsdax namespace and a master key; create-key, a refused second
# create-key, import-key --force; reloads the stored blob as at boot, adds
# the mktme key from it and binds the namespace by hand; list shows the
# binding; remove-key and create-key --force are refused while bound, and
# remove-key works once unbound.
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
store=/etc/ndctl/crypt

# json_has NAME VALUE: 'ndctl-crypt list $ns' prints "NAME": VALUE
json_has() {
	ndctl-crypt list $ns | grep -q "\"$1\": $2"
}


modprobe -a nfit nd_pmem 2>/dev/null
check "label area initialised" sh -c \
	'ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all'
check "fsdax namespace" ndctl create-namespace -m fsdax -M mem -s 32M -n fs0
uuid=$(ndctl-crypt list $ns | sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p')
blob=$store/$uuid.blob
check "list: $ns has a UUID" test -n "$uuid"
check "list: no sealed key" json_has sealed_key false
check "list: enabled" json_has enabled true
check "list: unbound" sh -c "! ndctl-crypt list $ns | grep -q serial"
head -c 32 /dev/urandom | keyctl padd user pmemcrypt-master @u >/dev/null
check "create-key" ndctl-crypt create-key $ns
check "blob stored, mode 0600" sh -c "ls -l $blob | grep -q '^-rw------- '"
check "list: sealed aes-xts-256 key" json_has algorithm '"aes-xts-256"'
check "second create-key: exit 4" exit_is 4 ndctl-crypt create-key $ns
(umask 077 && head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' >/tmp/key.hex)
chmod 644 /tmp/key.hex
check "import-key refuses a key file others can read: exit 2" \
	exit_is 2 ndctl-crypt import-key -f -k /tmp/key.hex $uuid
chmod 600 /tmp/key.hex
check "import-key --force" ndctl-crypt import-key -f -k /tmp/key.hex $uuid
check "no plaintext key in the blob" sh -c "! grep -qFf /tmp/key.hex $blob"
rm -f /tmp/key.hex
enc=$(keyctl search @u encrypted pmemcrypt:$uuid)
check "encrypted key pmemcrypt:$uuid loaded" test -n "$enc"
keyctl unlink "$enc" @u >/dev/null
check "blob loads back" sh -c \
	"keyctl add encrypted pmemcrypt:$uuid \"load \$(cat $blob)\" @u"
mk=$(keyctl add mktme pmemcrypt-mktme:$uuid \
	"type=user algorithm=aes-xts-256 source=encrypted:pmemcrypt:$uuid" @u)
check "mktme key from the loaded blob" test -n "$mk"
check "disable $ns" ndctl disable-namespace $ns
check "bind $ns to the mktme key" sh -c \
	"echo $mk >/sys/bus/nd/devices/$ns/mktme_key"
check "list: binding shown" json_has serial "$mk"
check "remove-key while bound: exit 7" exit_is 7 ndctl-crypt remove-key $ns
check "create-key --force while bound: exit 7" \
	exit_is 7 ndctl-crypt create-key -f $ns
check "blob kept" test -s "$blob"
check "unbind" sh -c "echo none >/sys/bus/nd/devices/$ns/mktme_key"
check "remove-key" ndctl-crypt remove-key $ns
check "blob removed" test ! -e "$blob"
check "encrypted key unlinked" sh -c \
	"! keyctl search @u encrypted pmemcrypt:$uuid"
check "remove-key again: exit 5" exit_is 5 ndctl-crypt remove-key $ns
tap_done

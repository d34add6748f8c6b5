#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-erase.sh -- guest side of test_erase.sh: 'ndctl-crypt erase' on an
# fsdax namespace holding a file system (busybox sh, pmemcrypt kernel,
# labelled NVDIMM).
#
# Key A imported (/keyA.hex), ext4 -o dax holding /marker.bin, where it
# lives printed for the host (FIEMAP).  erase refused while mounted and
# without confirmation, nothing changed; then 'erase --yes --import
# /keyB.hex': the old blob and the old kernel keys are gone, a new blob
# stored, the namespace enabled with the new key; the old marker is
# nowhere in what the new key shows; key A (re-imported from the copy
# the test kept) is refused at enable; key B enables it again and a new
# ext4 works.  Kernel parameters: mark (the marker's text).
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
store=/etc/ndctl/crypt
mark=${mark:?}
sysns=/sys/bus/nd/devices/$ns

modprobe -a nfit nd_pmem crc32c_generic ext4 2>/dev/null

check "label area initialised (v1.2 labels)" sh -c \
	'ndctl disable-region all && ndctl init-labels -f -V 1.2 all && ndctl enable-region all'
check "fsdax namespace" ndctl create-namespace -m fsdax -M mem -s 32M -n era0
uuid=$(ndctl-crypt list $ns | sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p')
check "master key loaded" keyctl padd user pmemcrypt-master @u \
	</etc/pmemcrypt-master.key
check "import-key A" ndctl-crypt import-key -k /keyA.hex $ns
check "enable-namespace with key A" ndctl-crypt enable-namespace $ns
check "mkfs.ext4 -b 4096 and mount -o dax" sh -c \
	"mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount -t ext4 -o dax /dev/pmem0 /mnt"
# a filler first, so that the new file system's first file (below) is
# not where the marker was
check "filler and marker written" sh -c \
	'head -c 1048576 /dev/zero >/mnt/filler && cp /marker.bin /mnt/marker && sync'
blk=$(filefrag -v -b4096 /mnt/marker |
	awk '$1 == "0:" { sub(/\.\..*/, "", $4); print $4 }')
holder=$(cat $sysns/holder)
data=$(cat /sys/bus/nd/devices/"$holder"/resource)
base=$(cat /sys/bus/nd/devices/region0/resource)
check "the marker's block found (FIEMAP: $blk)" test -n "$blk"
echo "MARK-GPA=$((data + blk * 4096)) REGION-BASE=$((base))"
cp $store/"$uuid".blob /tmp/old.blob
old_enc=$(keyctl search @u encrypted "pmemcrypt:$uuid")
old_mk=$(keyctl search @u mktme "pmemcrypt-mktme:$uuid")
check "old keys in the kernel ($old_enc, $old_mk)" test -n "$old_enc" -a -n "$old_mk"

ndctl-crypt erase --yes --import /keyB.hex $ns >/tmp/erase.out 2>&1
rc=$?
sed 's/^/# /' /tmp/erase.out
check "erase while mounted is refused (exit 7)" test $rc -eq 7
check "and changed nothing: blob, keys, data" sh -c \
	"cmp -s $store/$uuid.blob /tmp/old.blob && keyctl describe $old_enc >/dev/null && cmp -s /mnt/marker /marker.bin"
check "umount" umount /mnt
echo no | ndctl-crypt erase $ns >/tmp/erase.out 2>&1
rc=$?
sed 's/^/# /' /tmp/erase.out
check "erase answered 'no' is refused (exit 2)" test $rc -eq 2
check "and changed nothing" sh -c \
	"cmp -s $store/$uuid.blob /tmp/old.blob && keyctl describe $old_enc >/dev/null"

ndctl-crypt erase --yes --import /keyB.hex $ns >/tmp/erase.json 2>/tmp/erase.err
rc=$?
sed 's/^/# /' /tmp/erase.err /tmp/erase.json
check "erase --yes --import keyB" test $rc -eq 0
check "its JSON: erased and enabled" sh -c \
	"grep -q '\"erased\": true' /tmp/erase.json && grep -q '\"enabled\": true' /tmp/erase.json"
check "the old encrypted key is gone from the kernel" sh -c \
	"! keyctl describe $old_enc >/dev/null 2>&1"
check "the old mktme key is gone from the kernel" sh -c \
	"! keyctl describe $old_mk >/dev/null 2>&1"
check "a new blob is stored, not the old one" sh -c \
	"test -s $store/$uuid.blob && ! cmp -s $store/$uuid.blob /tmp/old.blob"
check "no other blob in the store" test "$(ls $store | wc -l)" -eq 1
check "enabled with the new key" sh -c \
	"ndctl-crypt list $ns | grep -q '\"enabled\": true'"
check "the old marker is nowhere in what the new key shows" sh -c \
	"! grep -q -a '$mark' /dev/pmem0"

check "disable-namespace" ndctl-crypt disable-namespace $ns
check "key A re-imported from the kept copy" \
	ndctl-crypt import-key --force -k /keyA.hex $ns
ndctl-crypt enable-namespace $ns >/tmp/enable.out 2>&1
rc=$?
sed 's/^/# /' /tmp/enable.out
check "enable with the old key is refused (exit 6)" test $rc -eq 6
check "and the namespace stays disabled" sh -c \
	"ndctl-crypt list $ns | grep -q '\"enabled\": false'"
check "key B imported again" ndctl-crypt import-key --force -k /keyB.hex $ns
check "enable with the new key" ndctl-crypt enable-namespace $ns
check "a new ext4 -o dax works" sh -c \
	"mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount -t ext4 -o dax /dev/pmem0 /mnt &&
	 echo new-data >/mnt/new && sync && umount /mnt &&
	 mount -t ext4 -o dax /dev/pmem0 /mnt && grep -q new-data /mnt/new && umount /mnt"
tap_done

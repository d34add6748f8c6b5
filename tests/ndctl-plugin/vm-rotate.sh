#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-rotate.sh -- guest side of test_rotate.sh: 'ndctl-crypt rotate-key'
# interrupted by the machine stopping, resumed after a reboot (busybox sh,
# pmemcrypt kernel, labelled NVDIMM).
#
# phase=1: fsdax namespace of $ns_size, key A imported (/keyA.hex),
#          enabled; ext4 (-b 4096) mounted -o dax holding /marker.bin as
#          "marker" and 4 MiB of random data; where the marker lives
#          (FIEMAP) and the data's sha256 are printed; unmounted.  Then
#          'rotate-key --import /keyB.hex' runs in the background; once
#          it reports progress (its line at 25%), the key store is printed
#          (tar.gz, base64) and, the kernel still part way, the machine
#          stops at once (isa-debug-exit through /dev/port: no shutdown,
#          no flush, like pulling the plug).
# phase=2: store and master key back: the namespace is disabled, the
#          kernel shows the recorded progress, list says "rotating";
#          load-keys and enable-namespace refuse it (exit 8); rotate-key
#          resumes with the stored new key and finishes; the data is intact
#          through DAX; the store (new blob only) is printed.
# phase=3: load-keys enables it with the new blob; the data is intact.
#          A rotation to key C (/keyC.hex, --no-enable) whose rotate-key is
#          killed part way (the kernel stops with EINTR, keeping its
#          record), resumed in the same boot; the data is intact.  Then
#          the store as a stop after the kernel finished and before the
#          commit leaves it (old blob, new blob beside it, no record):
#          rotate-key finds that the new key opens the namespace and
#          commits it.  Last, a stored key that is not the namespace's:
#          the kernel refuses it and rotate-key undoes everything.
# Kernel parameters: phase, mark (the marker's text), datasum (phases 2
# and 3).
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
store=/etc/ndctl/crypt
ns_size=${ns_size:-32M}
mark=${mark:?}
sysns=/sys/bus/nd/devices/$ns

# json_has NAME VALUE: 'ndctl-crypt list $ns' prints "NAME": VALUE
json_has() {
	ndctl-crypt list $ns | grep -q "\"$1\": $2"
}

# rotate [OPTION...]: rotate-key of $ns, its output in /tmp/rotate.out and
# shown as TAP comments; rc is its exit code.
rotate() {
	ndctl-crypt rotate-key "$@" $ns >/tmp/rotate.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/rotate.out
}

# rekey_state: the mktme_rekey attribute ("none", "DONE TOTAL", or "?")
rekey_state() {
	r=""
	read -r r <"$sysns/mktme_rekey" 2>/dev/null || r="?"
	echo "$r"
}

# rekey_midway: mktme_rekey shows 0 < DONE < TOTAL
rekey_midway() {
	# shellcheck disable=SC2046
	set -- $(rekey_state)
	[ $# -eq 2 ] && [ "$1" -gt 0 ] && [ "$1" -lt "$2" ]
}

# print_store: the key store, for the host to carry to the next boot
print_store() {
	echo "STORE-BEGIN"
	tar -C / -cf - etc/ndctl/crypt | gzip | base64
	echo "STORE-END"
}

# data_intact: marker and data read back through a DAX mount
data_intact() {
	mount -t ext4 -o dax /dev/pmem0 /mnt || return 1
	rc=0
	grep ' /mnt ' /proc/mounts | grep -q dax=always || rc=1
	cmp /mnt/marker /marker.bin || rc=1
	[ "$(sha256sum </mnt/data | cut -d' ' -f1)" = "${datasum:?}" ] || rc=1
	umount /mnt || rc=1
	return $rc
}

# stop_machine: QEMU exits at once (isa-debug-exit at port 0xf4)
stop_machine() {
	printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc \
		2>/dev/null
}

modprobe -a nfit nd_pmem crc32c_generic ext4 2>/dev/null

case ${phase:-1} in
1)
	check "label area initialised (v1.2 labels)" sh -c \
		'ndctl disable-region all && ndctl init-labels -f -V 1.2 all && ndctl enable-region all'
	check "fsdax namespace of $ns_size" \
		ndctl create-namespace -m fsdax -M mem -s "$ns_size" -n rot0
	uuid=$(ndctl-crypt list $ns | sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p')
	echo "NS-UUID=$uuid"
	check "kernel has mktme_rekey, reads none" test "$(rekey_state)" = none
	check "master key loaded" keyctl padd user pmemcrypt-master @u \
		</etc/pmemcrypt-master.key
	check "import-key A" ndctl-crypt import-key -k /keyA.hex $ns
	check "enable-namespace" ndctl-crypt enable-namespace $ns
	check "mkfs.ext4 -b 4096" mkfs.ext4 -q -F -b 4096 /dev/pmem0
	check "mount -o dax" sh -c \
		"mount -t ext4 -o dax /dev/pmem0 /mnt && grep ' /mnt ' /proc/mounts | grep -q dax=always"
	check "marker and 4 MiB of data written" sh -c \
		'cp /marker.bin /mnt/marker && head -c 4194304 /dev/urandom >/mnt/data && sync'
	echo "DATA-SUM=$(sha256sum </mnt/data | cut -d' ' -f1)"
	# where the marker lives: its first block (FIEMAP) from the start of
	# the pmem block device, which starts at the pfn device's resource
	blk=$(filefrag -v -b4096 /mnt/marker |
		awk '$1 == "0:" { sub(/\.\..*/, "", $4); print $4 }')
	holder=$(cat $sysns/holder)
	data=$(cat /sys/bus/nd/devices/$holder/resource)
	base=$(cat /sys/bus/nd/devices/region0/resource)
	check "the marker's block found (FIEMAP: $blk)" test -n "$blk"
	echo "MARK-GPA=$((data + blk * 4096)) REGION-BASE=$((base))"
	check "umount" umount /mnt
	check "list: not rotating" sh -c "! ndctl-crypt list $ns | grep -q rotating"

	# without a terminal rotate-key prints a line at each quarter
	ndctl-crypt rotate-key --import /keyB.hex $ns >/tmp/rotate.out 2>&1 &
	# wait for the kernel to be part way: rotate-key's first progress
	# line
	i=0
	while ! grep -q "re-encrypted .* of " /tmp/rotate.out &&
		[ $i -lt 3000 ]; do
		i=$((i + 1))
		usleep 20000
	done
	echo "REKEY-SEEN=$(rekey_state)"
	# as little as possible from here on: the kernel goes on meanwhile
	print_store
	if rekey_midway; then
		echo "REKEY-STOP=$(rekey_state)"
		stop_machine
	fi
	# not reached when the machine stopped
	sed 's/^/# /' /tmp/rotate.out
	check "rotate-key was stopped part way (it finished first: make the namespace larger)" false
	;;
2)
	check "store restored: current and new blob" sh -c \
		"tar -C / -xzf /store.tgz && ls $store/*.next.blob && test \$(ls $store | wc -l) -eq 2"
	cp "$store"/*[0-9a-f].blob /tmp/old.blob
	check "master key loaded" keyctl padd user pmemcrypt-master @u \
		</etc/pmemcrypt-master.key
	check "the kernel left the namespace disabled at boot" \
		json_has state '"disabled"'
	echo "REKEY-AT-BOOT=$(rekey_state)"
	check "mktme_rekey shows the recorded progress" rekey_midway
	check "list: rotating, with the progress" sh -c \
		"ndctl-crypt list $ns | grep -q '\"rotating\": true' && ndctl-crypt list $ns | grep -q '\"done\": [1-9]'"
	ndctl-crypt load-keys >/tmp/load.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/load.out
	check "load-keys refuses the unfinished namespace: exit 8" test $rc -eq 8
	check "load-keys says what to run" grep -q \
		"$ns: rotation interrupted: run ndctl-crypt rotate-key $ns to finish" \
		/tmp/load.out
	check "load-keys counts it" grep -q "1 with an unfinished key rotation" \
		/tmp/load.out
	check "still disabled" json_has state '"disabled"'
	check "enable-namespace refuses it too: exit 8" \
		exit_is 8 ndctl-crypt enable-namespace $ns
	check "import-key --force refuses it: exit 8" \
		exit_is 8 ndctl-crypt import-key -f -k /keyA.hex $ns
	rotate
	check "rotate-key resumes and finishes" test $rc -eq 0
	check "it resumed where the kernel stopped" \
		grep -q "resuming the re-encryption at" /tmp/rotate.out
	check "the new blob replaced the old one" sh -c \
		"test \$(ls $store | wc -l) -eq 1 && ! ls $store/*.next.blob && ! cmp -s $store/*.blob /tmp/old.blob"
	check "blob mode 0600" sh -c "ls -l $store/*.blob | grep -q '^-rw------- '"
	check "list: enabled, not rotating, bound to its key" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"enabled\"' && ! ndctl-crypt list $ns | grep -q rotating && ndctl-crypt list $ns | grep -q '\"description\": \"pmemcrypt-mktme:'"
	check "mktme_rekey reads none" test "$(rekey_state)" = none
	check "no key of the rotation left in the keyring" sh -c \
		"! keyctl show @u | grep -q 'pmemcrypt-\(mktme-\)\{0,1\}next:'"
	check "marker and data intact (mount -o dax)" data_intact
	check "disable-namespace" ndctl-crypt disable-namespace $ns
	print_store
	;;
3)
	check "store restored: one blob" sh -c \
		"tar -C / -xzf /store.tgz && test \$(ls $store | wc -l) -eq 1"
	check "master key loaded" keyctl padd user pmemcrypt-master @u \
		</etc/pmemcrypt-master.key
	check "the kernel left the namespace disabled at boot" \
		json_has state '"disabled"'
	check "mktme_rekey reads none" test "$(rekey_state)" = none
	check "load-keys enables it with the new blob" ndctl-crypt load-keys
	check "list: enabled, not rotating" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"enabled\"' && ! ndctl-crypt list $ns | grep -q rotating"
	check "marker and data intact (mount -o dax)" data_intact
	uuid=$(ndctl-crypt list $ns | sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p')
	cp "$store/$uuid.blob" /tmp/b.blob
	# a second rotation, rotate-key killed part way: the kernel stops
	# at the next chunk (EINTR) and keeps the record
	ndctl-crypt rotate-key --no-enable --import /keyC.hex $ns \
		>/tmp/rotate.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q "re-encrypted .* of " /tmp/rotate.out &&
		[ $i -lt 3000 ]; do
		i=$((i + 1))
		usleep 20000
	done
	kill -9 $pid
	wait $pid
	echo "REKEY-KILLED=$(rekey_state)"
	check "rotate-key killed part way: the kernel keeps the record" \
		rekey_midway
	check "list: rotating" json_has rotating true
	check "enable-namespace refuses it: exit 8" \
		exit_is 8 ndctl-crypt enable-namespace $ns
	rotate --no-enable
	check "rotate-key --no-enable resumes and finishes" test $rc -eq 0
	check "it resumed" grep -q "resuming the re-encryption at" /tmp/rotate.out
	check "left disabled and unbound (--no-enable)" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"disabled\"' && grep -qx none $sysns/mktme_key"
	check "no key of the rotation left in the keyring" sh -c \
		"! keyctl show @u | grep -q 'pmemcrypt-\(mktme-\)\{0,1\}next:'"
	check "enable-namespace with the newest key" \
		ndctl-crypt enable-namespace $ns
	check "marker and data intact again" data_intact
	check "disable-namespace" ndctl-crypt disable-namespace $ns
	# the kernel done, the machine stopped before the commit: the old
	# blob, the new one beside it, nothing recorded, nothing loaded
	mv "$store/$uuid.blob" "$store/$uuid.next.blob"
	cp /tmp/b.blob "$store/$uuid.blob"
	keyctl unlink "$(keyctl search @u encrypted "pmemcrypt:$uuid")" @u \
		>/dev/null
	rotate
	check "finished before the commit: rotate-key commits it" test $rc -eq 0
	check "after finding that the new key opens it" \
		grep -q "the new key opens it" /tmp/rotate.out
	check "the new key is the stored key" sh -c \
		"test \$(ls $store | wc -l) -eq 1 && ! cmp -s $store/$uuid.blob /tmp/b.blob"
	check "marker and data intact once more" data_intact
	check "disable-namespace" ndctl-crypt disable-namespace $ns
	# a stored key that is not the namespace's: the kernel refuses it
	# before it changes anything, and everything is undone
	cp "$store/$uuid.blob" /tmp/c.blob
	cp /tmp/b.blob "$store/$uuid.blob"
	keyctl unlink "$(keyctl search @u encrypted "pmemcrypt:$uuid")" @u \
		>/dev/null
	rotate
	check "a wrong stored key: rotate-key exit 6" test $rc -eq 6
	check "undone: no new blob, the blob unchanged, unbound, no new key" \
		sh -c "test \$(ls $store | wc -l) -eq 1 && cmp -s $store/$uuid.blob /tmp/b.blob && grep -qx none $sysns/mktme_key && ! keyctl show @u | grep -q 'pmemcrypt-\(mktme-\)\{0,1\}next:' && grep -q 'rotation undone' /tmp/rotate.out"
	cp /tmp/c.blob "$store/$uuid.blob"
	check "the right key back: enable-namespace" \
		ndctl-crypt enable-namespace $ns
	check "marker and data intact at last" data_intact
	check "disable-namespace" ndctl-crypt disable-namespace $ns
	;;
esac
tap_done

#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vm-stack.sh -- guest side of 'make demo' (stack-demo.sh): an encrypted
# persistent memory namespace from key to file system, across a reboot
# (busybox sh, pmemcrypt kernel, TPM 2.0, labelled NVDIMM).  Narrative
# lines start with "DEMO:", checks are TAP lines; the host shows both.
#
# phase=1: namespace; a master key made by the TPM (a trusted key), its
#          TPM-sealed form kept; the namespace key imported and sealed by
#          it; namespace bound and enabled; ext4 -o dax; 2 MiB written
#          through mmap(MAP_SYNC); where the file lives printed for the
#          host; /etc/ndctl printed (tar.gz, base64) for the next boot.
# phase=2: /etc/ndctl back; the namespace disabled at boot; the TPM
#          unseals the master key and 'ndctl-crypt load-keys' (what the
#          boot unit runs) brings the namespace up; the file read back
#          through mmap.
# Kernel parameters: phase, tag (the file's 8-letter pattern tag).
# shellcheck source=tests/vm/scenarios/tap.sh
. /tap.sh

ns=namespace0.0
tag=${tag:?}
master_blob=/etc/ndctl/pmemcrypt-master.tpm
srk=0x81000001

say() {
	echo "DEMO: $*"
}

# step DESC CMD...: a check (tap.sh) whose output is shown as narrative
step() {
	desc=$1
	shift
	"$@" >/tmp/step.out 2>&1
	rc=$?
	sed 's/^/DEMO:     /' /tmp/step.out
	check "$desc" test $rc -eq 0
}

modprobe -a nfit nd_pmem crc32c_generic ext4 2>/dev/null

case ${phase:-1} in
1)
	say "boot 1: a 64 MiB NVDIMM, a CPU with TME-MK (6 KeyID bits), a TPM 2.0"
	check "an fsdax namespace of 32 MiB" sh -c \
		'ndctl disable-region all && ndctl init-labels -f -V 1.2 all &&
		 ndctl enable-region all &&
		 ndctl create-namespace -m fsdax -M mem -s 32M -n demo'
	say "the TPM makes the master key (a trusted key); only its TPM-sealed"
	say "form is kept on disk, in $master_blob"
	check "trusted master key made by the TPM" sh -c \
		"keyctl add trusted pmemcrypt-master 'new 32 keyhandle=$srk' @u >/dev/null &&
		 mkdir -p /etc/ndctl &&
		 keyctl pipe \$(keyctl search @u trusted pmemcrypt-master) >$master_blob"
	say "ndctl-crypt import-key: the namespace key (made on the host, so that"
	say "the host can show what it decrypts), sealed by the master key; only"
	say "the sealed blob is stored on disk"
	step "ndctl-crypt import-key" ndctl-crypt import-key \
		-m trusted:pmemcrypt-master -k /ns.key $ns
	say "ndctl-crypt enable-namespace: load, program a KeyID, bind, enable"
	step "ndctl-crypt enable-namespace" ndctl-crypt enable-namespace $ns
	step "ndctl-crypt list" ndctl-crypt list $ns
	check "mkfs.ext4 and mount -o dax" sh -c \
		'mkfs.ext4 -q -F -b 4096 /dev/pmem0 &&
		 mount -t ext4 -o dax /dev/pmem0 /mnt &&
		 grep " /mnt " /proc/mounts | grep -q dax=always'
	say "a program maps /mnt/demo.dat with MAP_SYNC and stores 2 MiB into it:"
	say "the CPU's stores go to the NVDIMM through the namespace's KeyID"
	check "2 MiB written through mmap(MAP_SYNC)" dax-mmap write /mnt/demo.dat "$tag"
	blk=$(filefrag -v -b4096 /mnt/demo.dat |
		awk '$1 == "0:" { sub(/\.\..*/, "", $4); print $4 }')
	holder=$(cat /sys/bus/nd/devices/$ns/holder)
	data=$(cat /sys/bus/nd/devices/"$holder"/resource)
	base=$(cat /sys/bus/nd/devices/region0/resource)
	check "where the file lives (FIEMAP block $blk)" test -n "$blk"
	echo "FILE-GPA=$((data + blk * 4096)) REGION-BASE=$((base))"
	check "umount" umount /mnt
	echo "STORE-BEGIN"
	tar -C / -cf - etc/ndctl | gzip | base64
	echo "STORE-END"
	say "power off"
	;;
2)
	say "boot 2: the same NVDIMM and TPM; /etc/ndctl is back (the disk)"
	check "key store and sealed master key restored" tar -C / -xzf /store.tgz
	check "the kernel kept the encrypted namespace disabled at boot" sh -c \
		"ndctl-crypt list $ns | grep -q '\"state\": \"disabled\"'"
	say "at boot: the TPM unseals the master key, then ndctl-crypt load-keys"
	say "(ndctl-crypt-load-keys.service) unseals each namespace key"
	check "the TPM unseals the master key" sh -c \
		"keyctl add trusted pmemcrypt-master \"load \$(cat $master_blob) keyhandle=$srk\" @u >/dev/null"
	step "ndctl-crypt load-keys" ndctl-crypt load-keys
	check "mount -o dax" mount -t ext4 -o dax /dev/pmem0 /mnt
	check "the 2 MiB read back through mmap, intact" \
		dax-mmap verify /mnt/demo.dat "$tag"
	check "umount" umount /mnt
	say "power off"
	;;
esac
tap_done

# SPDX-License-Identifier: BSD-3-Clause
# fake_sysfs.sh -- sourced by test scripts: a fake sysfs (for
# PMEMCRYPT_SYSFS_ROOT) in which the device holding a folder is an NVDIMM
# namespace bound to an MKTME key, so that the hardware engine takes plain
# files there for media (as tests/lib/test_engine.c does for the unit
# tests; the engine's logic does not depend on real MKTME).

# fake_mktme_sysfs ROOT FOLDER KEY-DESCRIPTION
fake_mktme_sysfs() {
	local root=$1 folder=$2 desc=$3
	local ns=$1/devices/platform/e820_pmem/ndbus0/region0/namespace0.0

	mkdir -p "$ns/block/pmem0" "$root/dev/block" || return 1
	echo 4 >"$ns/nstype" &&
		echo "912345 $desc 1" >"$ns/mktme_key" &&
		ln -s "$ns/block/pmem0" \
			"$root/dev/block/$(stat -c %Hd:%Ld "$folder")"
}

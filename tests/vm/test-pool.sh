#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test-pool.sh -- libpmemcrypt pools on device-dax and on an ext4 -o dax file.
#
# usage: test-pool.sh BUILD-DIR   (BUILD-DIR: the build's tests/vm folder)
# Two boots on one NVDIMM file (scenarios/pool.sh), then the host scans the
# NVDIMM backing file: the records' text is nowhere in it, while a
# plaintext control file on the same filesystem is found (the scan works);
# after both pools were shredded, no pool header is left in it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bdir=${1:?usage: test-pool.sh BUILD-DIR}
top=$(cd "$bdir/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
img=$work/pool.img
# pmemcrypt refuses key files others may access: mode 0600 here and in the VM
(umask 077 && head -c 32 /dev/urandom >"$work/key" &&
	head -c 32 /dev/urandom >"$work/badkey")
dax_mark=PMEMCRYPT-VM-DAX-RECORD-$$
fs_mark=PMEMCRYPT-VM-FILE-RECORD-$$
control_mark=PMEMCRYPT-VM-PLAIN-CONTROL-$$

for phase in 1 2; do
	vm_boot -d "$img:160M" -a "$top/tools/pmemcrypt/pmemcrypt" \
		-a "$top/tests/tools/pool_helper" -a "$work/key:/key" \
		-a "$work/badkey:/badkey" -e phase=$phase \
		-e dax_mark=$dax_mark -e fs_mark=$fs_mark \
		-e control_mark=$control_mark "$here/scenarios/pool.sh"
done
host_check "NVDIMM file: plaintext control file found (the scan works)" \
	grep -q -a "$control_mark" "$img"
host_check "NVDIMM file: no plaintext of the device-dax record" \
	sh -c "! grep -q -a '$dax_mark' '$img'"
host_check "NVDIMM file: no plaintext of the file pool record" \
	sh -c "! grep -q -a '$fs_mark' '$img'"
# (the pool magic followed by major version 1: the marker texts start
# with the same eight letters)
host_check "NVDIMM file: both pools' headers shredded, no pool header left" \
	python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
marks = d.count(b"pmemcrypt: shredded pool")
headers = d.count(b"PMEMCRYP\x01\x00\x00\x00")
print("shred marks:", marks, "pool headers:", headers)
sys.exit(not (marks == 2 and headers == 0))' "$img"
vm_done

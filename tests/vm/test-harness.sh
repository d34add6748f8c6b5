#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test-harness.sh -- the VM harness itself: NVDIMM namespaces and DAX.
#
# usage: test-harness.sh BUILD-DIR   (BUILD-DIR holds dax-mmap)
# Two boots on one NVDIMM file (scenarios/harness.sh): phase 1 labels the
# DIMM, creates fsdax and devdax namespaces, mkfs.ext4, mounts with -o dax
# (dax=always, STATX_ATTR_DAX, MAP_SYNC accepted) and writes through mmap;
# phase 2 finds the namespaces and the data again.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bdir=${1:?usage: test-harness.sh BUILD-DIR}
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
img=$work/harness.img

for phase in 1 2; do
	vm_boot -d "$img:256M" -a "$bdir/dax-mmap" -e phase=$phase \
		"$here/scenarios/harness.sh"
done
vm_done

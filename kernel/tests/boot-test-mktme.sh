#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# boot-test-mktme.sh -- the kernel boot tests on the emulated MKTME machine.
#
# usage: kernel/tests/boot-test-mktme.sh [boot-test.sh options]
# Gets the MKTME-emulating QEMU from tools/qemu/build.sh (built and cached
# there) and runs tests/boot-test.sh on an Icelake-like CPU with 6 KeyID
# bits and two packages: once for the mktme key type, once (-p) for an
# fsdax namespace bound to a key, and once with 32 of the 63 KeyIDs private
# to TDX (mktme-tdx-keyids=32): only the 31 shared ones may be handed out
# and programmed.  Exit 77 when the emulator cannot be built here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

[ -x "$top/tools/qemu/build.sh" ] || {
	echo "boot-test-mktme: SKIP: no tools/qemu/build.sh"
	exit 77
}
rc=0
qemu=$("$top/tools/qemu/build.sh" | tail -n 1) || rc=$?
if [ $rc -eq 77 ]; then
	echo "boot-test-mktme: SKIP: the MKTME emulator cannot be built here"
	exit 77
fi
[ $rc -eq 0 ] || { echo "boot-test-mktme: tools/qemu/build.sh failed ($rc)"; exit 1; }
cpu=max,vendor=GenuineIntel,family=6,model=106,phys-bits=46,mktme-keyid-bits=6,erms=off
rc=0
"$here/boot-test.sh" -q "$qemu" -c "$cpu" "$@" || rc=1
"$here/boot-test.sh" -q "$qemu" -c "$cpu" -p "$@" || rc=1
"$here/boot-test.sh" -q "$qemu" -c "$cpu,mktme-tdx-keyids=32" "$@" || rc=1
exit $rc

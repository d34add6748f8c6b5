#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_vm.sh -- ndctl-crypt end to end on the emulated MKTME machine.
#
# usage: test_vm.sh BUILD-DIR   (the top build directory, holding
#                               ndctl-plugin/ndctl-crypt)
# Boots the pmemcrypt kernel (kernel/build.sh, cached) with a labelled
# NVDIMM in the MKTME-emulating QEMU and runs vm-crypt.sh in the guest.
# Exit 77 when the kernel source or the emulator is missing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test_vm.sh BUILD-DIR}" && pwd)

[ -r /usr/src/linux-source-6.1.tar.xz ] || {
	echo "SKIP: no /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1)"
	exit 77
}
kernel=$("$top/kernel/build.sh" | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec "$top/tests/vm/vm-run.sh" -k "$kernel" \
	-a "$bdir/ndctl-plugin/ndctl-crypt:/bin/ndctl-crypt" \
	-a "$(command -v keyctl):/bin/keyctl" \
	-d "$work/nvdimm.img:64M" "$here/vm-crypt.sh"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_tang.sh -- a namespace whose master key is bound to a Tang server,
# across reboots of the emulated MKTME machine (vm-tang.sh in the guest).
#
# usage: test_tang.sh BUILD-DIR
# The Tang server runs here, on 127.0.0.1 (tests/clevis_servers.sh).  The
# guest reaches it only through QEMU's user network with restrict=on: its
# one way out is 10.0.2.100:80, forwarded (guestfwd) to a socat that
# connects to the server's port; no packet leaves this machine.
# Boot 1: namespace, a user master key from a file, create-key, enable,
# ext4 and a marker; bind-master tang; the store printed for the host.
# Boot 2 (server up, no master key file): load-keys unseals the master
# key through Tang and brings the namespace up; the marker is read back.
# Boot 3 (server down): the namespace stays disabled, the server named;
# the NVDIMM file is unchanged.  Boot 4 (the server's keys rotated with
# tangd-rotate-keys): the old binding still unseals it.
# Exit 77 when the kernel source, the emulator or clevis is missing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bdir=$(cd "${1:?usage: test_tang.sh BUILD-DIR}" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$top/tests/vm/lib.sh"
# shellcheck source=tests/clevis_servers.sh
. "$bdir/tests/clevis_servers.sh"

[ -r /usr/src/linux-source-6.1.tar.xz ] || {
	echo "SKIP: no /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1)"
	exit 77
}
missing=$(clevis_servers_missing)
[ -z "$missing" ] || { echo "SKIP: missing: $missing (make deps)"; exit 77; }
check_tool=$bdir/tools/mktme-check/mktme-check
[ -x "$check_tool" ] || { echo "missing $check_tool (make it first)" >&2; exit 1; }
vm_project_kernel
kernel=$VM_KERNEL
tmp=$(mktemp -d)
trap 'clevis_servers_stop; rm -rf "$tmp"' EXIT
img=$tmp/nvdimm.img
mark=PMEMCRYPT-MARK-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
head -c 32 /dev/urandom >"$tmp/master.key"
tang_start tang
port=${clevis_port[tang]}

# clevis, its pins and what they run, in the guest
guest_files=()
for f in bash curl jose clevis clevis-decrypt clevis-decrypt-tang \
	clevis-encrypt-tang clevis-decrypt-sss clevis-encrypt-sss; do
	p=$(command -v "$f")
	case $f in
	bash) guest_files+=(-a "$p:/bin/bash") ;;
	*) guest_files+=(-a "$p:/usr/bin/$f") ;;
	esac
done

boot() {
	local phase=$1
	shift
	vm_boot -k "$kernel" -t 300 -l "$tmp/serial$phase.log" \
		-a "$bdir/ndctl-plugin/ndctl-crypt:/bin/ndctl-crypt" \
		-a "$(command -v keyctl):/bin/keyctl" \
		"${guest_files[@]}" \
		-e phase="$phase" -e mark="$mark" -e tang_port="$port" \
		-e ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off \
		-d "$img:64M" "$@" "$here/vm-tang.sh" -- \
		-netdev "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:socat STDIO TCP:127.0.0.1:$port" \
		-device e1000,netdev=net0,romfile=
}

boot 1 -a "$tmp/master.key:/etc/pmemcrypt-master.key"
tr -d '\r' <"$tmp/serial1.log" |
	sed -n '/^STORE-BEGIN$/,/^STORE-END$/p' | sed '1d;$d' |
	base64 -d >"$tmp/store.tgz" || true
host_check "boot 1 printed the store, with the master key's JWE" sh -c \
	"tar -tzf '$tmp/store.tgz' | grep -q 'etc/ndctl/crypt/pmemcrypt-master.master.jwe'"
host_check "the store holds no copy of the master key (raw, hex, base64)" \
	python3 -c 'import base64, sys, tarfile
key = open(sys.argv[1], "rb").read()
with tarfile.open(sys.argv[2]) as t:
    data = b"".join(t.extractfile(m).read() for m in t if m.isfile())
forms = (key, key.hex().encode(), base64.b64encode(key),
         base64.urlsafe_b64encode(key).rstrip(b"="))
sys.exit(any(f in data for f in forms))' "$tmp/master.key" "$tmp/store.tgz"
host_check "the marker is not in the NVDIMM file in plaintext" \
	"$check_tool" -A "$mark" "$img"

boot 2 -a "$tmp/store.tgz:/store.tgz"

tang_stop tang
before=$(sha256sum <"$img")
boot 3 -a "$tmp/store.tgz:/store.tgz"
host_check "boot 3 left the NVDIMM file unchanged" \
	test "$(sha256sum <"$img")" = "$before"

/usr/libexec/tangd-rotate-keys -d "$tmp/tang" >/dev/null 2>&1
tang_start tang
boot 4 -a "$tmp/store.tgz:/store.tgz"
echo "1..$vm_n"
vm_done

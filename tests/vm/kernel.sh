#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# kernel.sh -- fetch and cache Debian's linux-image for the VM tests.
#
# usage: tests/vm/kernel.sh [KVER]
# KVER defaults to the newest installed linux-headers-*-amd64 (so that test
# modules built against those headers load in the VM), else to the version
# linux-image-amd64 depends on.  Downloads
# linux-image-KVER with 'apt-get download', keeps vmlinuz and the modules
# the harness needs (plus their dependencies) in
# ${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}/kernel-debian-KVER/ and prints
# that directory: vmlinuz, lib/modules/KVER/ (with modules.dep), kver.
# Exit status 77: cannot fetch the kernel here.
set -euo pipefail

cache=${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}
mods="nfit libnvdimm nd_pmem nd_btt dax_pmem device_dax ext4 crc32c_generic"

skip() {
	echo "kernel.sh: SKIP: $*" >&2
	exit 77
}

kver=${1:-}
if [ -z "$kver" ]; then
	kver=$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' -printf '%f\n' |
		sed 's/^linux-headers-//' | sort -V | tail -1)
fi
if [ -z "$kver" ]; then
	# no headers: the version linux-image-amd64 points at
	kver=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -1)
fi
[ -n "$kver" ] || skip "cannot tell which linux-image to use (install linux-headers-amd64)"

out=$cache/kernel-debian-$kver
if [ -e "$out/vmlinuz" ] && [ -e "$out/lib/modules/$kver/modules.dep" ]; then
	echo "$out"
	exit 0
fi
for t in apt-get dpkg-deb depmod modprobe; do
	command -v $t >/dev/null || skip "$t not found"
done

mkdir -p "$cache"
exec 9>"$cache/.kernel-$kver.lock"
flock 9
tmp=$(mktemp -d "$cache/.kernel-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq "linux-image-$kver" >/dev/null 2>&1) ||
	skip "apt-get download linux-image-$kver failed (no network?)"
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
depmod -b "$tmp/root" "$kver"

rm -rf "$out.new"
mkdir -p "$out.new/lib/modules/$kver"
cp "$tmp/root/boot/vmlinuz-$kver" "$out.new/vmlinuz"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -e "$tmp/root/lib/modules/$kver/$f" ] &&
		cp "$tmp/root/lib/modules/$kver/$f" "$out.new/lib/modules/$kver/"
done
for m in $mods; do
	modprobe -C /dev/null -d "$tmp/root" -S "$kver" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r ko; do
	rel=${ko#"$tmp/root/"}
	mkdir -p "$out.new/$(dirname "$rel")"
	cp "$ko" "$out.new/$rel"
done
depmod -b "$out.new" "$kver"
echo "$kver" >"$out.new/kver"
rm -rf "$out"
mv "$out.new" "$out"
echo "$out"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# mkinitramfs.sh -- build the small initramfs the VM tests boot.
#
# usage: mkinitramfs.sh -o OUT [-m MODROOT] [-s SCENARIO] [-a SRC[:DEST]]...
# Contents: busybox-static, ndctl, daxctl, mkfs.ext4, mkfs.xfs and their
# shared libraries (ELF loader included), /init (tests/vm/init.sh), the scenario
# as /scenario.sh, MODROOT/lib/modules (a tree with modules.dep, e.g. from
# kernel.sh) and every -a file: an ELF executable brings its libraries,
# DEST defaults to /bin/<name>.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out="" modroot="" scenario=""
extra=()

usage() {
	sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

while getopts "o:m:s:a:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	m) modroot=$OPTARG ;;
	s) scenario=$OPTARG ;;
	a) extra+=("$OPTARG") ;;
	*) usage ;;
	esac
done
[ -n "$out" ] || usage

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root" # the guest's /: mktemp made it 0700 (su nobody fails)
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,mnt,lib64,usr/bin,usr/sbin,usr/lib}

# Copy ELF file $1 to $root$2 with the shared libraries it needs.
add_elf() {
	local src=$1 dest=$2 lib
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
	if file -L "$src" 2>/dev/null | grep -q 'dynamically linked' ||
		ldd "$src" >/dev/null 2>&1; then
		ldd "$src" 2>/dev/null | awk '
			$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// { print $1 }' | while read -r lib; do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
			# A library of the build tree (RUNPATH): also where
			# the loader looks by default, as the guest mounts a
			# tmpfs on /tmp and so may hide the build tree.
			case $lib in
			/lib/* | /lib64/* | /usr/lib/*) ;;
			*) cp -L "$lib" "$root/usr/lib/" ;;
			esac
		done
	fi
}

busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || { echo "mkinitramfs: busybox-static missing" >&2; exit 77; }
cp "$busybox" "$root/bin/busybox"
for b in ndctl daxctl mkfs.ext4 mkfs.xfs; do
	p=$(command -v $b || true)
	[ -n "$p" ] || { echo "mkinitramfs: $b missing (tests/vm/packages.txt)" >&2; exit 77; }
	add_elf "$p" "/sbin/$b"
done
[ -e /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$root/etc/"
# the loader is named by absolute path in every binary
if [ -e /lib64/ld-linux-x86-64.so.2 ] && [ ! -e "$root/lib64/ld-linux-x86-64.so.2" ]; then
	cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi

if [ -n "$modroot" ] && [ -d "$modroot/lib/modules" ]; then
	mkdir -p "$root/lib/modules"
	cp -a "$modroot/lib/modules/." "$root/lib/modules/"
fi

install -m 0755 "$here/init.sh" "$root/init"
install -m 0644 "$here/scenarios/tap.sh" "$root/tap.sh"
if [ -n "$scenario" ]; then
	install -m 0755 "$scenario" "$root/scenario.sh"
fi

for e in "${extra[@]}"; do
	src=${e%%:*}
	dest=${e#*:}
	[ "$dest" != "$e" ] || dest=/bin/$(basename "$src")
	[ -e "$src" ] || { echo "mkinitramfs: $src not found" >&2; exit 1; }
	if head -c 4 "$src" | grep -q 'ELF'; then
		add_elf "$src" "$dest"
	else
		mkdir -p "$root$(dirname "$dest")"
		cp -L "$src" "$root$dest"
	fi
done

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# build.sh -- build the emulated TME-MK machine: Debian's QEMU 7.2 + our patches.
#
# usage: tools/qemu/build.sh
# Fetches the Debian source of qemu ('apt-get source'), applies the patches
# named in tools/qemu/series, configures a TCG-only x86_64-softmmu with the
# gcrypt crypto backend and builds qemu-system-x86_64 into
# ${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}/qemu-<hash>/, the hash covering
# the patches, this script and the Debian source version.  An unchanged
# rebuild only recomputes the hash.  The last line on stdout is the path of
# the binary; build output goes to qemu-<hash>/build.log.
# Exit status 77: cannot build here (no apt access, missing tools).
# Environment: PMEMCRYPT_CACHE, JOBS (default 2), QEMU_SRC_VERSION (use this
# cached Debian version, e.g. 7.2+dfsg-7+deb12u18, instead of asking apt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}
jobs=${JOBS:-2}
dl=$cache/downloads/qemu

skip() {
	echo "qemu/build.sh: SKIP: $*" >&2
	exit 77
}

log() {
	echo "qemu/build.sh: $*" >&2
}

# shellcheck source=tools/debsrc.sh
. "$top/tools/debsrc.sh"

# The Debian source version to build against ($QEMU_SRC_VERSION overrides).
src_version() {
	local v=${QEMU_SRC_VERSION:-}
	[ -n "$v" ] || v=$(debsrc_version qemu "$dl")
	[ -n "$v" ] || skip "cannot find the Debian source of qemu (apt-get source)"
	echo "$v"
}

command -v apt-get >/dev/null || skip "apt-get not found (Debian only)"
for t in dpkg-source patch meson ninja pkg-config; do
	command -v $t >/dev/null ||
		skip "$t not found: run tools/deps.sh (tools/qemu/packages.txt)"
done
pkg-config --exists libgcrypt glib-2.0 pixman-1 2>/dev/null ||
	command -v libgcrypt-config >/dev/null ||
	skip "libgcrypt/glib/pixman headers missing: run tools/deps.sh"
pkg-config --exists slirp 2>/dev/null ||
	skip "libslirp headers missing: run tools/deps.sh"

version=$(src_version)

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/series")
hash=$({
	echo "qemu $version"
	cat "$here/build.sh" "$here/series"
	for p in "${patches[@]}"; do cat "$here/$p"; done
} | sha256sum | cut -c1-16)
out=$cache/qemu-$hash
bin=$out/qemu-system-x86_64

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$cache" "$dl"
exec 9>"$cache/.qemu-build.lock"
flock 9
if [ -x "$bin" ]; then # built by a concurrent run
	echo "$bin"
	exit 0
fi

dsc=$dl/qemu_$version.dsc
if [ ! -e "$dsc" ]; then
	log "fetching the Debian source of qemu $version"
	(cd "$dl" && apt-get source --download-only -qq qemu >&2 2>&1) ||
		skip "apt-get source qemu failed (no network or deb-src?)"
	[ -e "$dsc" ] || skip "apt-get source did not fetch $dsc"
fi

rm -rf "$out"
mkdir -p "$out"
logf=$out/build.log
log "building in $out (log: $logf)"
start=$(date +%s)
{
	dpkg-source --no-copy -x "$dsc" "$out/src"
	cd "$out/src"
	for p in "${patches[@]}"; do
		echo "applying $p"
		patch -p1 --forward --batch <"$here/$p"
	done
	mkdir build
	cd build
	../configure --target-list=x86_64-softmmu --disable-docs \
		--disable-werror --without-default-features --enable-tcg \
		--enable-fdt=system --enable-gcrypt --enable-tpm --enable-slirp
	ninja -j"$jobs" qemu-system-x86_64
} >"$logf" 2>&1 || {
	tail -n 30 "$logf" >&2
	echo "qemu/build.sh: build failed, see $logf" >&2
	exit 1
}
cp "$out/src/build/qemu-system-x86_64" "$bin.tmp"
mv "$bin.tmp" "$bin"
# the binary is self-contained (firmware comes from -L); drop the tree
rm -rf "$out/src"
log "built in $(($(date +%s) - start)) s"
echo "$bin"

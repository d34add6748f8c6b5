#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# build-fio.sh -- fetch and configure the Debian fio source for our engines.
#
# usage: fio-engines/build-fio.sh
# Fio has no headers package: an external ioengine is compiled against its
# source tree.  This fetches the Debian source of fio ('apt-get source'),
# unpacks it with the Debian patches applied and runs ./configure there
# (fio itself is not built: the engines need only the generated
# config-host.h; jobs run with the installed Debian fio, whose version must
# match).  The tree goes to ${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}/
# fio-<hash>/, the hash covering this script, the source version, the fio
# binary's version and the configure options; a re-run only recomputes it.
# The last line on stdout is the source directory.
# Exit status 77: cannot fetch or configure here (no apt access, no fio).
# Environment: PMEMCRYPT_CACHE, FIO_SRC_VERSION (use this cached Debian
# version, e.g. 3.33-3, instead of asking apt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}
dl=$cache/downloads/fio
# Debian's options (debian/rules) minus the GUI and nbd, which add no
# header content the engines see.
conf_opts="--disable-native --prefix=/usr"

skip() {
	echo "build-fio.sh: SKIP: $*" >&2
	exit 77
}

log() {
	echo "build-fio.sh: $*" >&2
}

# shellcheck source=tools/debsrc.sh
. "$top/tools/debsrc.sh"

# The Debian source version to build against ($FIO_SRC_VERSION overrides).
src_version() {
	local v=${FIO_SRC_VERSION:-}
	[ -n "$v" ] || v=$(debsrc_version fio "$dl")
	[ -n "$v" ] || skip "cannot find the Debian source of fio (apt-get source)"
	echo "$v"
}

command -v apt-get >/dev/null || skip "apt-get not found (Debian only)"
command -v fio >/dev/null || skip "fio not found: run tools/deps.sh"
command -v dpkg-source >/dev/null ||
	skip "dpkg-source not found: run tools/deps.sh (dpkg-dev)"
command -v "${CC:-cc}" >/dev/null || skip "no C compiler: run tools/deps.sh"

version=$(src_version)
# 3.33-3 -> 3.33 (drop an epoch and the Debian revision)
upstream=${version#*:}
upstream=${upstream%-*}
binver=$(fio --version)
[ "$binver" = "fio-$upstream" ] ||
	skip "installed $binver does not match the fio $version source:" \
		"engines built against it would not load safely"

hash=$({
	echo "fio $version $binver $conf_opts"
	cat "$here/build-fio.sh"
} | sha256sum | cut -c1-16)
out=$cache/fio-$hash

if [ -e "$out/config-host.h" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache" "$dl"
exec 9>"$cache/.fio-build.lock"
flock 9
if [ -e "$out/config-host.h" ]; then # made by a concurrent run
	echo "$out"
	exit 0
fi

dsc=$dl/fio_$version.dsc
if [ ! -e "$dsc" ]; then
	log "fetching the Debian source of fio $version"
	(cd "$dl" && apt-get source --download-only -qq fio >&2 2>&1) ||
		skip "apt-get source fio failed (no network or deb-src?)"
	[ -e "$dsc" ] || skip "apt-get source did not fetch $dsc"
fi

# Unpack and configure aside, then rename: the tree appears whole or not.
tmp=$out.tmp
rm -rf "$tmp"
logf=$cache/fio-$hash.log
log "configuring fio $version in $out (log: $logf)"
{
	dpkg-source --no-copy -x "$dsc" "$tmp"
	cd "$tmp"
	# shellcheck disable=SC2086
	./configure $conf_opts
} >"$logf" 2>&1 || {
	tail -n 20 "$logf" >&2
	rm -rf "$tmp"
	skip "configuring fio failed, see $logf"
}
[ -e "$tmp/config-host.h" ] || skip "configure wrote no config-host.h"
mv "$tmp" "$out"
echo "$out"

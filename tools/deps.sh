#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deps.sh -- install, idempotently, every Debian package pmemcrypt needs.
#
# Package lists live next to the part that needs them (*/packages.txt, one
# package per line, '#' comments).  A deb-src entry is added so that the
# build scripts can run 'apt-get source' (QEMU, fio, Linux).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

pkgs=$(find "$top" -name packages.txt -not -path "$top/build/*" -print0 |
	xargs -0 cat | sed -e 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)

src=/etc/apt/sources.list.d/pmemcrypt-deb-src.sources
need_update=0
if [ ! -e "$src" ]; then
	tmp=$(mktemp)
	if [ -e /etc/apt/sources.list.d/debian.sources ]; then
		sed -e 's/^Types:.*/Types: deb-src/' \
			/etc/apt/sources.list.d/debian.sources >"$tmp"
	else
		cat >"$tmp" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	$sudo install -m 0644 "$tmp" "$src"
	rm -f "$tmp"
	need_update=1
fi

# dpkg-query exits 1 when a package is unknown or not installed.
installed=$({ dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $pkgs 2>/dev/null || true; } |
	awk '$1 == "ii" { print $2 }' | sort -u)
missing=$(comm -13 <(echo "$installed") <(echo "$pkgs"))
if [ -z "$missing" ] && [ $need_update -eq 0 ]; then
	echo "deps: all $(echo "$pkgs" | wc -l) packages present"
	exit 0
fi

echo "deps: installing:" $missing
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
[ -z "$missing" ] || $sudo apt-get install -y -qq --no-install-recommends $missing
echo "deps: done"

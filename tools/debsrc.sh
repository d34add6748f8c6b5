# SPDX-License-Identifier: BSD-3-Clause
# debsrc.sh -- sourced by build scripts: which Debian source version to use.
#
# debsrc_version PKG DLDIR prints the version 'apt-get source PKG' would
# fetch. Without a deb-src entry it runs tools/deps.sh (which adds one) and
# asks again; offline it falls back on the newest PKG_*.dsc already in
# DLDIR. It prints nothing when there is none.
# shellcheck shell=bash

debsrc_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The version apt-get source would fetch, or nothing.
debsrc_query() {
	apt-get source --print-uris -qq "$1" 2>/dev/null |
		sed -n "s/.* $1_\([^ ]*\)\.dsc .*/\1/p" | head -1
}

debsrc_version() {
	local pkg=$1 dl=$2 v
	v=$(debsrc_query "$pkg")
	if [ -z "$v" ]; then
		echo "debsrc: no deb-src entry for $pkg, running tools/deps.sh" >&2
		"$debsrc_top/tools/deps.sh" >&2 || true
		v=$(debsrc_query "$pkg")
	fi
	if [ -z "$v" ]; then
		v=$(find "$dl" -name "${pkg}_*.dsc" 2>/dev/null | sort -V |
			tail -1 | sed -n "s/.*${pkg}_\(.*\)\.dsc\$/\1/p")
	fi
	echo "$v"
}

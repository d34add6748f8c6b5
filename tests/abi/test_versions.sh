#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_versions.sh -- one library version everywhere it is written: the
# header's PMEMCRYPT_MAJOR_VERSION.PMEMCRYPT_MINOR_VERSION, the shared
# object's real name and soname, libpmemcrypt.pc, the man pages' headers,
# pmemcrypt --version, and the map's newest symbol version (never newer
# than the library).  Prints TAP.
#
# usage: test_versions.sh BUILD-DIR   (the source tree is found from here)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: test_versions.sh BUILD-DIR}" && pwd)
cd "$top" || exit 1

n=0 failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
	failed=1
}
# same DESC GOT WANT: GOT is WANT, which is not empty
same() {
	if [ -n "$3" ] && [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1: '$2', want '$3'"
	fi
}

header=libpmemcrypt/include/libpmemcrypt.h
macro() {
	awk -v m="$1" '$1 == "#define" && $2 == m { print $3 }' "$header"
}
major=$(macro PMEMCRYPT_MAJOR_VERSION)
minor=$(macro PMEMCRYPT_MINOR_VERSION)
if [ -z "$major" ] || [ -z "$minor" ]; then
	not_ok "$header defines PMEMCRYPT_MAJOR_VERSION and _MINOR_VERSION"
	exit 1
fi
version=$major.$minor
ok "$header: library version $version"

# --- the shared object: real name major.minor.patch, soname major
libdir=$build/libpmemcrypt
real=$(cd "$libdir" && ls libpmemcrypt.so.*.*.* 2>/dev/null)
if [ "$(echo "$real" | wc -w)" -eq 1 ]; then
	ok "one shared object: $real"
else
	not_ok "one shared object libpmemcrypt.so.X.Y.Z in $libdir, found: $real"
fi
same "real name" "${real%.*}" "libpmemcrypt.so.$version"
soname=$(readelf -d "$libdir/$real" 2>/dev/null |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
same "soname" "$soname" "libpmemcrypt.so.$major"
same "the soname links to the real name" \
	"$(readlink "$libdir/libpmemcrypt.so.$major")" "$real"

# --- libpmemcrypt.pc
pc_version=$(sed -n 's/^Version: *//p' "$libdir/libpmemcrypt.pc")
same "libpmemcrypt.pc Version" "$pc_version" "${real#libpmemcrypt.so.}"

# --- man pages: % TITLE SECTION "date" "pmemcrypt X.Y" "manual"
bad=""
for f in doc/man/*.md; do
	src=$(head -n 1 "$f" | awk -F'"' '{ print $4 }')
	[ "$src" = "pmemcrypt $version" ] || bad="$bad ${f##*/}:'$src'"
done
if [ -z "$bad" ]; then
	ok "every man page says pmemcrypt $version"
else
	not_ok "man pages that do not say pmemcrypt $version:$bad"
fi

# --- the command line
same "pmemcrypt --version" \
	"$("$build/tools/pmemcrypt/pmemcrypt" --version 2>&1)" \
	"pmemcrypt $version"

# --- the map: the newest node is LIBPMEMCRYPT_<major>.<minor at most>,
# and the shared object defines it
newest=$(sed -n 's/^\(LIBPMEMCRYPT_[0-9.]*\) *{.*/\1/p' \
	libpmemcrypt/libpmemcrypt.map | sort -V | tail -n 1)
node=${newest#LIBPMEMCRYPT_}
if [ "${node%%.*}" = "$major" ] && [ "${node#*.}" -le "$minor" ]; then
	ok "newest symbol version $newest is not newer than $version"
else
	not_ok "newest symbol version $newest, library $version"
fi
if readelf -V "$libdir/$real" | grep -q "Name: $newest\$"; then
	ok "$real defines $newest"
else
	not_ok "$real does not define $newest"
fi

echo "1..$n"
exit $failed

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_linkage.sh -- the command line, the demo and the fio engine use the
# library through its shared object: in the build tree they need its
# soname and find it by RUNPATH; what make install puts in bindir has no
# RUNPATH and finds the library in libdir.  Runs make install into a
# temporary DESTDIR.  Prints TAP.
#
# usage: test_linkage.sh BUILD-DIR   (the source tree is found from here)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: test_linkage.sh BUILD-DIR}" && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d /tmp/pmemcrypt-linkage.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

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
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# dyn BINARY TAG: the values of a dynamic-section tag, one per line
dyn() {
	readelf -d "$1" 2>/dev/null | sed -n "s/.*($2).*\[\(.*\)\]/\1/p"
}

soname=$(dyn "$build/libpmemcrypt/libpmemcrypt.so" SONAME)
[ -n "$soname" ] || soname=missing
libdir=$build/libpmemcrypt

# --- programs of the build tree
progs="tools/pmemcrypt/pmemcrypt tools/demo/pmemcrypt-demo
fio-engines/pmemcrypt-engine.so"
for p in $progs; do
	bin=$build/$p
	if [ ! -e "$bin" ]; then
		skip "$p links the shared object" "not built here"
		continue
	fi
	if dyn "$bin" NEEDED | grep -qx "$soname"; then
		ok "$p needs $soname"
	else
		not_ok "$p does not need $soname: $(dyn "$bin" NEEDED | xargs)"
	fi
	if nm -D --undefined-only "$bin" |
		grep -q ' pmemcrypt_pool_open@LIBPMEMCRYPT_1\.0$'; then
		ok "$p takes pmemcrypt_pool_open@LIBPMEMCRYPT_1.0 from it"
	else
		not_ok "$p does not import pmemcrypt_pool_open@LIBPMEMCRYPT_1.0"
	fi
	# (pmemcrypt also finds libpmemcrypt-obj, for object pools)
	if dyn "$bin" RUNPATH | tr ':' '\n' | grep -qx "$libdir" &&
		[ -z "$(dyn "$bin" RPATH)" ]; then
		ok "$p finds it by RUNPATH $libdir"
	else
		not_ok "$p: RUNPATH '$(dyn "$bin" RUNPATH)' RPATH '$(dyn "$bin" RPATH)'"
	fi
done
if env -u LD_LIBRARY_PATH "$build/tools/pmemcrypt/pmemcrypt" --version \
	>"$tmp/out" 2>&1; then
	ok "the build tree's pmemcrypt runs without LD_LIBRARY_PATH"
else
	not_ok "the build tree's pmemcrypt does not run: $(head -n 3 "$tmp/out")"
fi

# --- make install
dest=$tmp/dest
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
	B="$build" DESTDIR="$dest" prefix=/usr install >"$tmp/out" 2>&1; then
	ok "make install DESTDIR=... prefix=/usr"
else
	not_ok "make install failed: $(tail -n 5 "$tmp/out")"
fi
ilib=$dest/usr/lib
ibin=$dest/usr/bin/pmemcrypt
real=$(readlink "$ilib/$soname")
if [ -n "$real" ] && [ -f "$ilib/$real" ] && [ ! -L "$ilib/$real" ] &&
	[ "$(readlink "$ilib/libpmemcrypt.so")" = "$soname" ]; then
	ok "libdir: $real, $soname -> $real, libpmemcrypt.so -> $soname"
else
	not_ok "libdir: $(ls -l "$ilib" 2>&1 | grep pmemcrypt | xargs)"
fi
for f in "$dest/usr/include/libpmemcrypt.h" \
	"$ilib/pkgconfig/libpmemcrypt.pc" \
	"$dest/usr/share/man/man3/pmemcrypt_info_read.3"; do
	if [ -f "$f" ]; then ok "installed ${f#"$dest"}"; else not_ok "no ${f#"$dest"}"; fi
done
if dyn "$ibin" NEEDED | grep -qx "$soname"; then
	ok "installed pmemcrypt needs $soname"
else
	not_ok "installed pmemcrypt does not need $soname: $(dyn "$ibin" NEEDED | xargs)"
fi
if [ -z "$(dyn "$ibin" RUNPATH)$(dyn "$ibin" RPATH)" ]; then
	ok "installed pmemcrypt has no RPATH or RUNPATH"
else
	not_ok "installed pmemcrypt: RUNPATH '$(dyn "$ibin" RUNPATH)' RPATH '$(dyn "$ibin" RPATH)'"
fi
# The loader finds the library where libdir is searched (LD_LIBRARY_PATH
# stands in for the system's libdir here).
found=$(LD_LIBRARY_PATH=$ilib ldd "$ibin" 2>/dev/null |
	awk -v s="$soname" '$1 == s { print $3 }')
if [ "$found" = "$ilib/$soname" ]; then
	ok "installed pmemcrypt loads $soname from libdir"
else
	not_ok "installed pmemcrypt loads $soname from '$found'"
fi
if LD_LIBRARY_PATH=$ilib "$ibin" --version >"$tmp/out" 2>&1; then
	ok "installed pmemcrypt runs: $(cat "$tmp/out")"
else
	not_ok "installed pmemcrypt does not run: $(head -n 3 "$tmp/out")"
fi

# libpmemcrypt-obj as a libpmemobj program finds it: pkg-config (here
# with DESTDIR as the sysroot) gives its include folder, whose
# <libpmemobj.h> is the one the program gets.
cat >"$tmp/app.c" <<'EOF'
#include <libpmemobj.h>
int main(void)
{
	PMEMoid o = OID_NULL;
	TOID_DECLARE(int, 1);
	return !OID_IS_NULL(o) || pmemobj_direct(o) != NULL;
}
EOF
for f in "$dest/usr/include/pmemcrypt-obj/libpmemobj.h" \
	"$dest/usr/include/pmemcrypt-obj/libpmemobj/macros.h" \
	"$dest/usr/include/pmemcrypt-obj/libpmemcrypt-obj.h" \
	"$ilib/pkgconfig/libpmemcrypt-obj.pc"; do
	if [ -f "$f" ]; then ok "installed ${f#"$dest"}"; else not_ok "no ${f#"$dest"}"; fi
done
if flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$ilib/pkgconfig \
	PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 \
	pkg-config --cflags --libs libpmemcrypt-obj 2>"$tmp/out") &&
	# shellcheck disable=SC2086
	"${CC:-cc}" -std=gnu11 -o "$tmp/app" "$tmp/app.c" $flags >>"$tmp/out" 2>&1 &&
	LD_LIBRARY_PATH=$ilib "$tmp/app" >>"$tmp/out" 2>&1; then
	ok "a libpmemobj program builds with pkg-config libpmemcrypt-obj and runs"
else
	not_ok "pkg-config libpmemcrypt-obj: $(head -n 5 "$tmp/out")"
fi

echo "1..$n"
exit $failed

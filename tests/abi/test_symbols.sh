#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_symbols.sh -- the exported symbols, the version script, the public
# headers and the man pages agree, both ways, for libpmemcrypt and
# libpmemcrypt-obj: every symbol a shared object exports is in its map
# under its version, declared in its headers and documented in a man(3)
# page (its own, or an alias page from
# doc/module.mk); every map entry is exported, every function the header
# declares is in the map, every man(3) page and alias names an exported
# function.  Prints TAP.
#
# usage: test_symbols.sh BUILD-DIR   (the source tree is found from here)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: test_symbols.sh BUILD-DIR}" && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d /tmp/pmemcrypt-symbols.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for tool in nm "${CC:-cc}" python3; do
	command -v "$tool" >/dev/null ||
		{ echo "1..0 # SKIP $tool is not installed"; exit 77; }
done

# Each library: its shared object, version script and public headers.
# (libpmemcrypt-obj's <libpmemobj.h> includes <libpmemobj/macros.h>.)
libs="libpmemcrypt libpmemcrypt-obj"
so_libpmemcrypt=$build/libpmemcrypt/libpmemcrypt.so
map_libpmemcrypt=libpmemcrypt/libpmemcrypt.map
headers_libpmemcrypt="libpmemcrypt/include/libpmemcrypt.h"
so_libpmemcrypt_obj=$build/libpmemcrypt/obj/libpmemcrypt-obj.so
map_libpmemcrypt_obj=libpmemcrypt/obj/libpmemcrypt-obj.map
headers_libpmemcrypt_obj="libpmemcrypt/obj/include/libpmemobj.h
	libpmemcrypt/obj/include/libpmemcrypt-obj.h"
for lib in $libs; do
	v=${lib//-/_}
	so_var=so_$v headers_var=headers_$v
	# Defined dynamic symbols as "name version default(0|1) type".
	nm -D --defined-only "${!so_var}" | awk '$2 != "A" {
		split($3, p, "@"); def = $3 ~ /@@/
		print p[1], (def ? p[3] : p[2]), def, $2 }' >"$tmp/exported.$lib"
	# Functions the headers declare, as the compiler sees them.
	: >"$tmp/declared.$lib"
	for header in ${!headers_var}; do
		echo "#include <${header##*/}>" |
			"${CC:-cc}" -std=gnu11 -I"${header%/*}" \
				-Ilibpmemcrypt/include -x c - -fsyntax-only \
				-aux-info "$tmp/aux" 2>"$tmp/cc-err"
		grep -F "$header:" "$tmp/aux" >>"$tmp/declared.$lib"
	done
	map_var=map_$v
	echo "$lib ${!map_var}" >>"$tmp/libs"
done

python3 - "$tmp" "$build/doc/man" <<'PY'
import os, re, sys

tmp, mandir = sys.argv[1:]
n = 0
failed = False

def check(desc, bad):
    global n, failed
    n += 1
    if bad:
        failed = True
        print(f"not ok {n} - {desc}: {', '.join(sorted(bad))}")
    else:
        print(f"ok {n} - {desc}")

names = set()
for lib, mapfile in (l.split() for l in open(os.path.join(tmp, "libs"))):
    # exported: {(name, version)}, defaults: {name: [versions]}
    exported, defaults, types = set(), {}, {}
    for line in open(os.path.join(tmp, f"exported.{lib}")):
        name, ver, default, typ = line.split()
        exported.add((name, ver))
        types[name] = typ
        if default == "1":
            defaults.setdefault(name, []).append(ver)
    lib_names = {n_ for n_, _ in exported}
    names |= lib_names

    # the map: {(name, node)} of global entries
    text = re.sub(r"#.*", "", open(mapfile).read())
    mapped = set()
    for node, body in re.findall(r"([\w.]+)\s*\{(.*?)\}", text, re.S):
        glob = re.split(r"\blocal\s*:", body)[0]
        glob = re.sub(r"\bglobal\s*:", "", glob)
        for sym in re.findall(r"([\w*?]+)\s*;", glob):
            mapped.add((sym, node))
    mapped_names = {s for s, _ in mapped}

    declared = set()
    for line in open(os.path.join(tmp, f"declared.{lib}")):
        m = re.search(r"\*/\s*extern\s+[^(]*?\b(\w+)\s*\(", line)
        if m:
            declared.add(m.group(1))

    check(f"{lib}: the headers declare functions (compiler's -aux-info)",
          set() if declared else {"none found"})
    check(f"{lib}: every exported symbol is in the version script under its version",
          {f"{s}@{v}" for s, v in exported if (s, v) not in mapped})
    check(f"{lib}: every version-script entry is exported under its version",
          {f"{s}@{v}" for s, v in mapped if (s, v) not in exported})
    check(f"{lib}: every exported symbol is a function with one default version",
          {s for s in lib_names if len(defaults.get(s, [])) != 1 or types[s] not in "TW"})
    check(f"{lib}: every exported symbol is declared in its headers",
          lib_names - declared)
    check(f"{lib}: every function its headers declare is in the version script",
          declared - mapped_names)

# man(3): a page is doc/man/<page>.3.md (built to <mandir>/<page>.3); an
# alias is a built file holding ".so man3/<page>.3" (doc/module.mk)
pages, aliases = set(), {}
for f in os.listdir("doc/man"):
    if f.endswith(".3.md"):
        pages.add(f[:-5])
for f in os.listdir(mandir) if os.path.isdir(mandir) else []:
    if not f.endswith(".3"):
        continue
    body = open(os.path.join(mandir, f)).read().strip()
    m = re.fullmatch(r"\.so man3/(\w+)\.3", body)
    if m:
        aliases[f[:-2]] = m.group(1)

def documents(page, name):
    """Whether doc/man/<page>.3.md names name in NAME and SYNOPSIS."""
    try:
        md = open(f"doc/man/{page}.3.md").read()
    except OSError:
        return False
    sec = dict(re.findall(r"^# (\w+)\n(.*?)(?=^# |\Z)", md, re.S | re.M))
    return (re.search(rf"\b{name}\b", sec.get("NAME", "")) is not None and
            re.search(rf"\b{name}\s*\(", sec.get("SYNOPSIS", "")) is not None)

missing = set()
for s in names:
    page = s if s in pages else aliases.get(s)
    if not page or not os.path.exists(os.path.join(mandir, f"{s}.3")) \
            or not documents(page, s):
        missing.add(s)
check("every exported function has a man(3) page or alias naming it in NAME and SYNOPSIS",
      missing)
check("every man(3) page and alias is of an exported function",
      (pages | set(aliases)) - names)
check("every alias points at a man(3) page",
      {f"{a} -> {p}" for a, p in aliases.items() if p not in pages})

print(f"1..{n}")
sys.exit(1 if failed else 0)
PY

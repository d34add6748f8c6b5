#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_obj.sh -- PMDK's map examples, the same workload (bench_map.c)
# built against libpmemobj and against libpmemcrypt-obj, run alternately
# on the same file system: libpmemobj unencrypted (PMEM_IS_PMEM_FORCE=1),
# libpmemcrypt-obj on its software engine (cache-line persistence forced,
# as the library benchmark does).  Prints the medians of ROUNDS rounds
# and "ratio: obj_<map>_<phase>_pmemcrypt_vs_pmemobj = <value>".
#
# usage: bench_obj.sh BUILD-DIR   (OBJ_BENCH_OPS, OBJ_BENCH_ROUNDS,
#        OBJ_BENCH_DIR: the folder for pools, default a tmpfs on 2 MiB
#        pages, tools/bench-tmpfs.sh, else /dev/shm)
set -eu

top=$(cd "$(dirname "$0")/../../.." && pwd)
if [ -z "${OBJ_BENCH_DIR:-}" ] && [ -z "${BENCH_TMPFS:-}" ]; then
	exec "$top/tools/bench-tmpfs.sh" "$0" "$@"
fi
build=$(cd "${1:?usage: bench_obj.sh BUILD-DIR}" && pwd)
examples=/usr/share/doc/libpmemobj-dev/examples
ops=${OBJ_BENCH_OPS:-100000}
rounds=${OBJ_BENCH_ROUNDS:-3}
dir=${OBJ_BENCH_DIR:-$BENCH_TMPFS}
[ -d "$examples" ] || { echo "bench_obj: $examples is missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d "$dir/pmemcrypt-bench-obj.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
umask 077

# The examples' map sources, copied from the installed package.
mkdir -p "$tmp/src"
for d in map tree_map hashmap list_map; do cp -r "$examples/$d" "$tmp/src/"; done
cat >"$tmp/src/ex_common.h" <<'H'
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#define CREATE_MODE_RW (S_IWUSR | S_IRUSR)
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
static inline int file_exists(const char *path) { return access(path, F_OK); }
static inline unsigned find_last_set_64(uint64_t val)
{
	return 63 - (unsigned)__builtin_clzll(val);
}
H
s=$tmp/src
srcs="$top/libpmemcrypt/obj/bench/bench_map.c $s/map/map.c $s/map/map_*.c
	$s/tree_map/*.c $s/hashmap/hashmap_tx.c $s/hashmap/hashmap_atomic.c
	$s/hashmap/hashmap_rp.c $s/list_map/skiplist_map.c"
inc="-I$s -I$s/map -I$s/hashmap -I$s/tree_map -I$s/list_map"
# shellcheck disable=SC2086
cc -std=gnu11 -O2 $inc -o "$tmp/map_pmemobj" $srcs -lpmemobj -lpthread
# shellcheck disable=SC2086
cc -std=gnu11 -O2 -I"$top/libpmemcrypt/obj/include" $inc \
	-o "$tmp/map_pmemcrypt" $srcs "$build/libpmemcrypt/obj/libpmemcrypt-obj.so" \
	-Wl,-rpath,"$build/libpmemcrypt/obj" -Wl,-rpath,"$build/libpmemcrypt" -lpthread
head -c 32 /dev/urandom >"$tmp/key"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "obj: PMDK map examples, $ops 64-byte values, one thread, $rounds rounds, in $dir ($(findmnt -n -r -o FSTYPE,OPTIONS -T "$dir"))"
printf '%-12s %-7s %14s %14s\n' map phase pmemobj pmemcrypt
for map in hashmap_tx ctree; do
	: >"$tmp/res"
	for r in $(seq "$rounds"); do
		rm -f "$tmp/pool"
		PMEM_IS_PMEM_FORCE=1 "$tmp/map_pmemobj" "$map" "$tmp/pool" "$ops" |
			sed 's/^/pmemobj /' >>"$tmp/res"
		rm -f "$tmp/pool"
		PMEMCRYPT_KEY=file:$tmp/key PMEMCRYPT_ENGINE=software \
			PMEM2_FORCE_GRANULARITY=CACHE_LINE \
			"$tmp/map_pmemcrypt" "$map" "$tmp/pool" "$ops" |
			sed 's/^/pmemcrypt /' >>"$tmp/res"
	done
	for phase in insert get remove; do
		a=$(awk -v p="$phase" '$1 == "pmemobj" && $2 == p { print $3 }' "$tmp/res" | median)
		b=$(awk -v p="$phase" '$1 == "pmemcrypt" && $2 == p { print $3 }' "$tmp/res" | median)
		printf '%-12s %-7s %10.0f/s %10.0f/s\n' "$map" "$phase" "$a" "$b"
		echo "$map $phase $a $b" >>"$tmp/ratios"
	done
done
while read -r map phase a b; do
	awk -v m="$map" -v p="$phase" -v a="$a" -v b="$b" \
		'BEGIN { printf "ratio: obj_%s_%s_pmemcrypt_vs_pmemobj = %.2f\n", m, p, b / a }'
done <"$tmp/ratios"

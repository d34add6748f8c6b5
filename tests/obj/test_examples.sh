#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_examples.sh -- PMDK's own example programs on encrypted object
# pools.  The examples are copied at test time from Debian's
# libpmemobj-dev (never kept here), built against libpmemcrypt-obj's
# <libpmemobj.h> with only the compiler and linker flags changed, and run
# on both engines (the hardware one on a fake sysfs that binds the device
# holding the test folder): the map engines through data_store and
# mapcli, btree, string_store and queue; mapcli killed with SIGKILL at
# random points and reopened; a wrong key refused with the pool
# unchanged; no plaintext in software pools.  Prints TAP.
#
# usage: test_examples.sh BUILD-DIR
set -u

build=$(cd "${1:?usage: test_examples.sh BUILD-DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
examples=/usr/share/doc/libpmemobj-dev/examples
lib=$build/libpmemcrypt/obj
pc=$build/tools/pmemcrypt/pmemcrypt
[ -d "$examples" ] || { echo "# $examples is missing (make deps)"; exit 1; }
[ -e "$lib/libpmemcrypt-obj.so" ] || { echo "# $lib is not built"; exit 1; }
[ -x "$pc" ] || { echo "# $pc is not built"; exit 1; }
tmp=$(mktemp -d /tmp/pmemcrypt-examples.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
umask 077
export PMEM2_FORCE_GRANULARITY=CACHE_LINE

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION COMMAND...: one result, the output shown on failure
check() {
	local what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		ok "$what"
	else
		not_ok "$what"
		sed 's/^/# /' "$tmp/out" | tail -20
	fi
}

# The examples' sources, and the helper header the package does not ship.
src=$tmp/src
mkdir -p "$src"
for d in btree.c string_store queue map tree_map hashmap list_map; do
	cp -r "$examples/$d" "$src/"
done
cat >"$src/ex_common.h" <<'EOF'
/* the few helpers PMDK's examples take from their build tree */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#define CREATE_MODE_RW (S_IWUSR | S_IRUSR)
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
static inline int file_exists(const char *path)
{
	return access(path, F_OK);
}
static inline unsigned find_last_set_64(uint64_t val)
{
	return 63 - (unsigned)__builtin_clzll(val);
}
EOF
# A pool for the queue example, which expects one made beforehand.
cat >"$src/mkpool.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <libpmemobj.h>
int main(int argc, char **argv)
{
	PMEMobjpool *pop = pmemobj_create(argv[1], argv[2], PMEMOBJ_MIN_POOL,
					  0600);
	if (!pop) {
		fprintf(stderr, "%s\n", pmemobj_errormsg());
		return 1;
	}
	pmemobj_close(pop);
	return 0;
}
EOF

# Heap metadata written with the key, as a crafted or damaged pool holds it.
cat >"$src/corrupt.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <libpmemcrypt.h>
int main(int argc, char **argv)
{
	struct pmemcrypt_key *key = NULL;
	struct pmemcrypt_pool *pool = NULL;
	uint64_t v;

	if (argc != 5)
		return 2;
	v = strtoull(argv[4], NULL, 0);
	if (pmemcrypt_key_from_file(&key, argv[2]) ||
	    pmemcrypt_pool_open(&pool, argv[1], key, 0) ||
	    pmemcrypt_write(pool, &v, 8, strtoull(argv[3], NULL, 0)) ||
	    pmemcrypt_pool_close(&pool)) {
		fprintf(stderr, "%s\n", pmemcrypt_errormsg());
		return 1;
	}
	pmemcrypt_key_delete(&key);
	return 0;
}
EOF

# Only the flags differ from a libpmemobj build.
cflags="-std=gnu11 -O1 -g -I$top/libpmemcrypt/obj/include -I$src \
	-I$src/map -I$src/hashmap -I$src/tree_map -I$src/list_map"
libs="$lib/libpmemcrypt-obj.so -Wl,-rpath,$lib \
	-Wl,-rpath,$build/libpmemcrypt -lpthread"
maps="$src/map/map.c $src/map/map_*.c $src/tree_map/*.c \
	$src/hashmap/hashmap_tx.c $src/hashmap/hashmap_atomic.c \
	$src/hashmap/hashmap_rp.c $src/list_map/skiplist_map.c"
bin=$tmp/bin
mkdir -p "$bin"
build_one() {
	local name=$1
	shift
	# shellcheck disable=SC2086
	check "build $name against <libpmemobj.h> of libpmemcrypt-obj" \
		cc $cflags -o "$bin/$name" "$@" $libs
}
# shellcheck disable=SC2086
{
	build_one btree "$src/btree.c"
	build_one string_store_writer "$src/string_store/writer.c"
	build_one string_store_reader "$src/string_store/reader.c"
	build_one queue "$src/queue/queue.c"
	build_one data_store "$src/map/data_store.c" $maps
	build_one mapcli "$src/map/mapcli.c" $maps
	build_one mkpool "$src/mkpool.c"
}
check "build the corrupting helper" cc -std=gnu11 -I"$top/libpmemcrypt/include" \
	-o "$bin/corrupt" "$src/corrupt.c" "$build/libpmemcrypt/libpmemcrypt.so" \
	-Wl,-rpath,"$build/libpmemcrypt"
for p in btree string_store_writer string_store_reader queue data_store \
	mapcli mkpool corrupt; do
	[ -x "$bin/$p" ] || { echo "1..$n"; exit 1; }
done

head -c 32 /dev/urandom >"$tmp/key"
head -c 32 /dev/urandom >"$tmp/other-key"
export PMEMCRYPT_KEY=file:$tmp/key

# The hardware engine on a plain file: a fake sysfs binds its device.
hwsys=$tmp/sys
. "$top/tests/fake_sysfs.sh"
fake_mktme_sysfs "$hwsys" "$tmp" examples-key

# btree: inserts, look-ups and a sorted listing through separate runs.
btree_run() {
	local pool=$1 k
	for k in $(seq 1 60); do
		"$bin/btree" "$pool" i $((k * 7919 % 1000)) "v$k" || return 1
	done
	for k in 5 30 60; do
		[ "$("$bin/btree" "$pool" f $((k * 7919 % 1000)))" = "v$k" ] ||
			{ echo "key $k not found"; return 1; }
	done
	"$bin/btree" "$pool" p >"$tmp/btree.out" || return 1
	[ "$(wc -l <"$tmp/btree.out")" -eq 60 ] ||
		{ echo "the listing has $(wc -l <"$tmp/btree.out") keys, not 60"; return 1; }
	sort -n -c "$tmp/btree.out"
}

# data_store: 500 random inserts and removes, each map engine.
data_store_all() {
	local dir=$1 t
	for t in ctree btree rbtree hashmap_tx hashmap_atomic hashmap_rp \
		skiplist; do
		"$bin/data_store" "$t" "$dir/ds-$t" 500 ||
			{ echo "data_store $t failed"; return 1; }
	done
}

# mapcli: thousands of keys, known ones looked up, removed, looked up
# again in a new process.
mapcli_run() {
	local kind=$1 pool=$2 k
	{
		echo "n 3000"
		for k in $(seq 1 300); do echo "i $((k * 1000003))"; done
		for k in $(seq 1 300); do echo "c $((k * 1000003))"; done
		for k in $(seq 1 100); do echo "r $((k * 1000003))"; done
		echo q
	} | "$bin/mapcli" "$kind" "$pool" 1 >"$tmp/mc1" || return 1
	[ "$(grep -cx 1 "$tmp/mc1")" -eq 300 ] ||
		{ echo "$kind: lookups after insert failed"; return 1; }
	{
		for k in $(seq 1 300); do echo "c $((k * 1000003))"; done
		echo q
	} | "$bin/mapcli" "$kind" "$pool" 1 >"$tmp/mc2" || return 1
	[ "$(grep -cx 0 "$tmp/mc2")" -eq 100 ] &&
		[ "$(grep -cx 1 "$tmp/mc2")" -eq 200 ] ||
		{ echo "$kind: lookups after reopen failed"; return 1; }
}

# A software pool holds none of what was written in plaintext.
no_plaintext() {
	local f
	for f in "$@"; do
		if grep -q -a -e "$secret" -e "SECRETV" "$f"; then
			echo "plaintext found in $f"
			return 1
		fi
	done
}

for engine in software hardware; do
	dir=$tmp/$engine
	mkdir -p "$dir"
	export PMEMCRYPT_ENGINE=$engine
	if [ "$engine" = hardware ]; then
		export PMEMCRYPT_SYSFS_ROOT=$hwsys
	else
		unset PMEMCRYPT_SYSFS_ROOT
	fi
	check "$engine: btree example inserts, finds and lists keys" \
		btree_run "$dir/btree"
	check "$engine: data_store with every map engine" \
		data_store_all "$dir"
	for kind in btree ctree rbtree rtree hashmap_tx hashmap_atomic \
		hashmap_rp skiplist; do
		check "$engine: mapcli $kind with 3300 keys, across runs" \
			mapcli_run "$kind" "$dir/mc-$kind"
	done
	for kind in btree ctree rbtree rtree hashmap_tx hashmap_atomic \
		hashmap_rp skiplist; do
		check "$engine: mapcli $kind killed at random points keeps every acknowledged operation" \
			python3 "$top/tests/obj/crash_mapcli.py" "$bin/mapcli" \
			"$kind" "$dir/crash-$kind" 25 "$RANDOM"
	done
	secret=SECRETVALUE
	string_store() {
		local got
		echo "$secret" | "$bin/string_store_writer" "$dir/strings" &&
			got=$("$bin/string_store_reader" "$dir/strings") ||
			return 1
		[ "$got" = "${secret:0:9}" ] ||
			{ echo "read '$got', not '${secret:0:9}'"; return 1; }
	}
	check "$engine: string_store writes and reads a string" string_store
	queue_run() {
		"$bin/mkpool" "$dir/queue" queue &&
			"$bin/queue" "$dir/queue" new 8 &&
			"$bin/queue" "$dir/queue" enqueue SECRETVQ1 &&
			"$bin/queue" "$dir/queue" enqueue SECRETVQ2 &&
			"$bin/queue" "$dir/queue" dequeue &&
			"$bin/queue" "$dir/queue" show >"$tmp/queue.out" ||
			return 1
		grep -q SECRETVQ2 "$tmp/queue.out" &&
			! grep -q SECRETVQ1 "$tmp/queue.out" ||
			{ echo "queue shows:"; cat "$tmp/queue.out"; return 1; }
	}
	check "$engine: queue example enqueues, dequeues and shows" queue_run
	if [ "$engine" = software ]; then
		check "$engine: no pool file holds a written string in plaintext" \
			no_plaintext "$dir/strings" "$dir/queue" "$dir/btree"
		keys_hidden() {
			python3 - "$@" <<'PY'
import struct, sys
# keys mapcli_run inserted and kept (k * 1000003), as the maps store them
keys = [struct.pack("<Q", k * 1000003) for k in range(101, 301, 20)]
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    found = [k for k in keys if k in data]
    if found:
        sys.exit(f"{path}: {len(found)} of {len(keys)} keys in plaintext")
PY
		}
		check "$engine: no map pool holds the inserted keys in plaintext" \
			keys_hidden "$dir/mc-ctree" "$dir/mc-hashmap_tx" \
			"$dir/mc-btree"
	fi
	wrong_key() {
		local before after
		before=$(sha256sum <"$dir/btree")
		if PMEMCRYPT_KEY=file:$tmp/other-key "$bin/btree" "$dir/btree" p \
			>"$tmp/wk.out" 2>&1; then
			echo "opened with a wrong key"
			return 1
		fi
		after=$(sha256sum <"$dir/btree")
		grep -qi "key" "$tmp/wk.out" && [ "$before" = "$after" ] ||
			{ cat "$tmp/wk.out"; echo "no clear error, or pool changed"; return 1; }
	}
	check "$engine: a wrong key is refused and the pool is unchanged" wrong_key
	check_all() {
		local f rc
		for f in "$@"; do
			"$pc" check "$f" --key-file "$tmp/key" --no-progress \
				>"$tmp/check-all.json" 2>&1
			rc=$?
			[ $rc -eq 0 ] && continue
			echo "$f: check exited $rc"
			cat "$tmp/check-all.json"
			return 1
		done
	}
	check "$engine: pmemcrypt check passes on every pool after the runs" \
		check_all "$dir"/crash-* "$dir"/mc-* "$dir"/ds-*
	heap_info() {
		"$pc" info "$dir/mc-ctree" --key-file "$tmp/key" >"$tmp/info.json" &&
			python3 - "$tmp/info.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["object_heap"]
types = {t["type_num"]: t["objects"] for t in h["types"]}
assert h["layout"] == "map" and h["status"] == "ok", h
assert h["objects"] == sum(types.values()) >= 3200, h
assert 0 < h["allocated_bytes"] <= h["heap_bytes"], h
PY
	}
	check "$engine: pmemcrypt info with the key shows layout, usage and objects by type" \
		heap_info
	no_heap() {
		"$pc" info "$dir/mc-ctree" >"$tmp/info-nokey.json" 2>&1
		! grep -q object_heap "$tmp/info-nokey.json" ||
			{ cat "$tmp/info-nokey.json"; return 1; }
	}
	check "$engine: pmemcrypt info without a key shows no heap" no_heap
	damaged() {
		local before
		cp "$dir/btree" "$dir/damaged"
		# chunk 0's table word: a span past the end of the heap
		"$bin/corrupt" "$dir/damaged" "$tmp/key" 4096 0xffff00000001 || return 1
		"$pc" check "$dir/damaged" --key-file "$tmp/key" --no-progress \
			>"$tmp/check.json" 2>"$tmp/check.err"
		[ $? -eq 3 ] || { echo "check did not exit 3"; return 1; }
		grep -q '"status":"damaged"' "$tmp/check.json" &&
			grep -q "table word" "$tmp/check.json" ||
			{ cat "$tmp/check.json"; return 1; }
		before=$(sha256sum <"$dir/damaged")
		if "$bin/btree" "$dir/damaged" p >"$tmp/bt.out" 2>&1; then
			echo "btree opened a damaged heap"
			return 1
		fi
		[ "$(sha256sum <"$dir/damaged")" = "$before" ] ||
			{ echo "the refused open changed the pool"; return 1; }
	}
	check "$engine: a damaged heap: check exits 3 and says where, the example is refused, the file unchanged" \
		damaged
done
echo "1..$n"

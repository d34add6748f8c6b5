// SPDX-License-Identifier: BSD-3-Clause
/*
 * bench_map.c -- PMDK's map examples as a workload: 64-byte values
 * inserted (one transaction each: the value allocated and the key put in
 * the map), looked up, removed and freed, one thread.  Built twice by
 * bench_obj.sh from the same sources, against libpmemobj and against
 * libpmemcrypt-obj; prints "<phase> <ops/s>" lines.
 *
 * usage: bench_map ctree|btree|rbtree|hashmap_tx POOL NOPS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpmemobj.h>

#include "map.h"
#include "map_btree.h"
#include "map_ctree.h"
#include "map_hashmap_tx.h"
#include "map_rbtree.h"

POBJ_LAYOUT_BEGIN(bench_map);
POBJ_LAYOUT_ROOT(bench_map, struct bench_root);
POBJ_LAYOUT_TOID(bench_map, struct bench_value);
POBJ_LAYOUT_END(bench_map);

struct bench_root {
	TOID(struct map) map;
};

struct bench_value {
	char data[64];
};

#define POOL_SIZE ((size_t)256 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Distinct keys in a scattered order. */
static uint64_t key_of(uint64_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

static const struct map_ops *ops_of(const char *name)
{
	if (!strcmp(name, "ctree"))
		return MAP_CTREE;
	if (!strcmp(name, "btree"))
		return MAP_BTREE;
	if (!strcmp(name, "rbtree"))
		return MAP_RBTREE;
	if (!strcmp(name, "hashmap_tx"))
		return MAP_HASHMAP_TX;
	return NULL;
}

int main(int argc, char **argv)
{
	const struct map_ops *ops = argc == 4 ? ops_of(argv[1]) : NULL;
	TOID(struct bench_root) root;
	struct map_ctx *mapc;
	PMEMobjpool *pop;
	uint64_t n, miss = 0;
	double t;

	if (!ops) {
		fprintf(stderr,
			"usage: bench_map ctree|btree|rbtree|hashmap_tx "
			"POOL NOPS\n");
		return 2;
	}
	n = strtoull(argv[3], NULL, 0);
	pop = pmemobj_create(argv[2], POBJ_LAYOUT_NAME(bench_map), POOL_SIZE,
			     0600);
	if (!pop) {
		fprintf(stderr, "bench_map: %s\n", pmemobj_errormsg());
		return 1;
	}
	root = POBJ_ROOT(pop, struct bench_root);
	mapc = map_ctx_init(ops, pop);
	if (!mapc || map_create(mapc, &D_RW(root)->map, NULL)) {
		fprintf(stderr, "bench_map: no map: %s\n", pmemobj_errormsg());
		return 1;
	}

	t = now();
	for (uint64_t i = 0; i < n; i++) {
		TX_BEGIN(pop)
		{
			TOID(struct bench_value) v = TX_NEW(struct bench_value);

			memset(D_RW(v)->data, (int)i, sizeof(D_RW(v)->data));
			map_insert(mapc, D_RO(root)->map, key_of(i), v.oid);
		}
		TX_ONABORT
		{
			fprintf(stderr, "bench_map: insert aborted\n");
			return 1;
		}
		TX_END
	}
	printf("insert %.0f\n", (double)n / (now() - t));

	t = now();
	for (uint64_t i = 0; i < n; i++)
		miss += OID_IS_NULL(map_get(mapc, D_RO(root)->map, key_of(i)));
	printf("get %.0f\n", (double)n / (now() - t));

	t = now();
	for (uint64_t i = 0; i < n; i++) {
		TX_BEGIN(pop)
		{
			PMEMoid v =
				map_remove(mapc, D_RO(root)->map, key_of(i));

			pmemobj_tx_free(v);
		}
		TX_END
	}
	printf("remove %.0f\n", (double)n / (now() - t));
	map_ctx_free(mapc);
	pmemobj_close(pop);
	if (miss) {
		fprintf(stderr, "bench_map: %lu keys not found\n",
			(unsigned long)miss);
		return 1;
	}
	return 0;
}

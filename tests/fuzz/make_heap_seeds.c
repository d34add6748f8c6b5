// SPDX-License-Identifier: BSD-3-Clause
/*
 * make_heap_seeds.c -- seeds for fuzz_heap: object pools made through the
 * object API (an empty heap, small objects of several classes, spans, a
 * root, frees, a list), their heap metadata written in fuzz_heap's input
 * form.
 *
 * usage: make_heap_seeds DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemobj.h>

#include "pool.h"

#define POOL ((size_t)8 << 20)
#define HEAD 8192
#define SLICE 512

static const char *dir;

/* Writes the pool's heap metadata as seed name. */
static int dump(PMEMobjpool *pop, const char *name)
{
	char path[4096];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	if (fwrite(pop->base, 1, HEAD, f) != HEAD)
		ret = -1;
	for (uint64_t i = 0; !ret && i < pop->heap.nchunks; i++)
		if (fwrite(pop->base + pop->heap.chunks_off +
				   i * PCOBJ_CHUNK_SIZE,
			   1, SLICE, f) != SLICE)
			ret = -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

static PMEMobjpool *fresh(const char *pool)
{
	PMEMobjpool *pop;

	unlink(pool);
	pop = pmemobj_create(pool, "seeds", POOL, 0600);
	if (!pop)
		fprintf(stderr, "make_heap_seeds: %s\n", pmemobj_errormsg());
	return pop;
}

int main(int argc, char **argv)
{
	char pool[4096], key[4096], env[4200];
	static const size_t sizes[] = {1,    48,    100,    500,    1000,
				       3000, 20000, 100000, 300000, 900000};
	PMEMobjpool *pop;
	PMEMoid o[16], r;
	uint8_t raw[32];
	int fd, ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: make_heap_seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0700) && errno != EEXIST)
		return 1;
	snprintf(pool, sizeof(pool), "%s/.pool", dir);
	snprintf(key, sizeof(key), "%s/.key", dir);
	for (int i = 0; i < 32; i++)
		raw[i] = (uint8_t)(i * 13 + 5);
	fd = open(key, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, raw, sizeof(raw)) != sizeof(raw) || close(fd))
		return 1;
	snprintf(env, sizeof(env), "file:%s", key);
	setenv("PMEMCRYPT_KEY", env, 1);
	setenv("PMEMCRYPT_ENGINE", "software", 1);

	pop = fresh(pool);
	if (!pop)
		return 1;
	ret |= dump(pop, "empty");
	r = pmemobj_root(pop, 200);
	for (int i = 0; i < 10; i++)
		ret |= pmemobj_alloc(pop, &o[i], sizes[i], (uint64_t)i + 1,
				     NULL, NULL);
	ret |= OID_IS_NULL(r);
	ret |= dump(pop, "classes");
	pmemobj_free(&o[1]);
	pmemobj_free(&o[8]);
	ret |= dump(pop, "freed");
	r = pmemobj_root(pop, 70000);
	ret |= OID_IS_NULL(r);
	ret |= dump(pop, "root-moved");
	pmemobj_close(pop);

	pop = fresh(pool);
	if (!pop)
		return 1;
	/* spans until the heap is full */
	for (int i = 0; i < 16; i++)
		if (pmemobj_alloc(pop, &o[i], 300000 * (size_t)(i % 3 + 1), 7,
				  NULL, NULL))
			break;
	ret |= dump(pop, "spans");
	pmemobj_close(pop);
	unlink(pool);
	unlink(key);
	return ret ? 1 : 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * classes.c -- the size classes, a function of the format: 64-byte steps
 * up to 1 KiB, then steps of a quarter (rounded up to 64 bytes) while a
 * block is at most 256 KiB.  A run spans enough chunks for four blocks.
 */
#include <pthread.h>

#include "classes.h"
#include "format.h"

static struct pcobj_class classes[PCOBJ_NCLASSES];
static unsigned nclasses;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Fills one class's run geometry from its block size. */
static void class_init(struct pcobj_class *c, uint32_t block_size)
{
	uint64_t chunks = round_up(4 * (uint64_t)block_size, PCOBJ_CHUNK_SIZE) /
			  PCOBJ_CHUNK_SIZE;
	uint64_t run = chunks * PCOBJ_CHUNK_SIZE;
	uint64_t max_blocks = run / block_size;

	c->block_size = block_size;
	c->chunks = (uint32_t)chunks;
	c->nwords = (uint32_t)((max_blocks + 63) / 64);
	c->data_off = (uint32_t)round_up(
		sizeof(struct pcobj_run_hdr) + 8 * (uint64_t)c->nwords, 64);
	c->nblocks = (uint32_t)((run - c->data_off) / block_size);
}

static void classes_init(void)
{
	uint64_t size = 64;

	while (size <= PCOBJ_CHUNK_SIZE && nclasses < PCOBJ_NCLASSES) {
		class_init(&classes[nclasses++], (uint32_t)size);
		size = size < 1024 ? size + 64 : round_up(size + size / 4, 64);
	}
}

const struct pcobj_class *pcobj_classes(unsigned *n)
{
	pthread_once(&once, classes_init);
	if (n)
		*n = nclasses;
	return classes;
}

int pcobj_class_for(size_t total)
{
	unsigned n, lo = 0, hi;
	const struct pcobj_class *c = pcobj_classes(&n);

	if (total > c[n - 1].block_size)
		return -1;
	hi = n - 1;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (c[mid].block_size >= total)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (int)lo;
}

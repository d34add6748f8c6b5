/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * publish.h -- one atomic change of a pool's objects: blocks to allocate
 * (reserved, their contents already durable or declared in the
 * transaction), blocks to free and 8-byte words to set, made durable by
 * one libpmemcrypt transaction.
 */
#ifndef PCOBJ_PUBLISH_H
#define PCOBJ_PUBLISH_H 1

#include <stddef.h>
#include <stdint.h>

#include "heap.h"

struct pmemcrypt_tx;

struct pcobj_set {
	uint64_t *ptr; /* in the pool */
	uint64_t value;
};

struct pcobj_publish {
	struct pmemcrypt_tx *tx; /* NULL: a transaction of its own */
	const struct pcobj_block *allocs;
	size_t nallocs;
	const struct pcobj_block *frees;
	size_t nfrees;
	const struct pcobj_set *sets;
	size_t nsets;
};

/*
 * Commits (tx is consumed either way).  On failure nothing changed on the
 * media or in the heap; the reservations stay the caller's.
 */
int publish(PMEMobjpool *pop, const struct pcobj_publish *p);
/*
 * Writes a new block's object header and persists the block's first len
 * bytes (the whole block when len is larger).
 */
int publish_prepare(PMEMobjpool *pop, const struct pcobj_block *b,
		    uint64_t type_num, uint32_t flags, uint64_t len);

#endif

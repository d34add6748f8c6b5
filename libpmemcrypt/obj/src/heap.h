/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * heap.h -- the object heap: chunks, runs of small blocks, spans of
 * chunks for large objects.  Every change to the heap's metadata on the
 * media is staged into a libpmemcrypt transaction by its caller, which
 * holds the publish lock from staging to the end of the commit; the heap
 * keeps its own copy of that metadata in DRAM, validated at open and
 * changed only after a commit succeeds (heap_apply_*).
 */
#ifndef PCOBJ_HEAP_H
#define PCOBJ_HEAP_H 1

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "format.h"

struct pmemcrypt_pool;
struct pmemcrypt_tx;

/* A block: reserved (taken, not yet on the media) or allocated. */
struct pcobj_block {
	uint64_t off;	/* of its object header, in the data */
	uint64_t size;	/* bytes, header included */
	uint32_t chunk; /* first chunk of its run or span */
	uint32_t idx;	/* in its run; PCOBJ_SPAN for a span */
};

#define PCOBJ_SPAN UINT32_MAX
/* The largest object (data bytes). */
#define PCOBJ_ALLOC_MAX ((uint64_t)1 << 40)

struct pcobj_run;

struct pcobj_heap {
	pthread_mutex_t lock;	 /* the DRAM state below */
	pthread_mutex_t publish; /* media metadata: stage .. commit .. apply */
	struct pmemcrypt_pool *pool;
	char *base; /* the view */
	uint64_t size;
	uint64_t table_off, chunks_off, nchunks;
	uint64_t *table;	 /* the chunk table as committed */
	uint64_t *free;		 /* chunks neither used nor reserved */
	uint32_t *span;		 /* chunks of a span (used or reserved) */
	struct pcobj_run **runs; /* by a run's first chunk */
	struct pcobj_run *avail[PCOBJ_NCLASSES]; /* runs with free blocks */
	uint64_t allocated;			 /* bytes of allocated blocks */
};

/* The chunk count and first chunk of a heap in size bytes of data. */
void heap_geometry(uint64_t size, uint64_t *nchunks, uint64_t *chunks_off);
/*
 * Validates the heap metadata in the data at base (the view of pool,
 * size bytes) and builds the DRAM state.
 */
int heap_boot(struct pcobj_heap *h, struct pmemcrypt_pool *pool, char *base,
	      uint64_t size, const struct pcobj_hdr *hdr);
/* Checks that the header's root names an allocated object, or none. */
int heap_check_root(struct pcobj_heap *h, const struct pcobj_hdr *hdr);
void heap_cleanup(struct pcobj_heap *h);

/* Reserves a block for size bytes of data (may create a run). */
int heap_reserve(struct pcobj_heap *h, size_t size, struct pcobj_block *b);
/* Gives back a reservation that was not published. */
void heap_release(struct pcobj_heap *h, const struct pcobj_block *b);
/* The allocated block whose data is at off; -EINVAL if none is. */
int heap_lookup(struct pcobj_heap *h, uint64_t off, struct pcobj_block *b);
/* The same for a block allocated or reserved (by any thread). */
int heap_lookup_taken(struct pcobj_heap *h, uint64_t off,
		      struct pcobj_block *b);

/* Records an allocation or a free in tx (publish lock held). */
int heap_stage_alloc(struct pcobj_heap *h, struct pmemcrypt_tx *tx,
		     const struct pcobj_block *b);
int heap_stage_free(struct pcobj_heap *h, struct pmemcrypt_tx *tx,
		    const struct pcobj_block *b);
/* After a failed commit: forgets what was staged for b. */
void heap_unstage(struct pcobj_heap *h, const struct pcobj_block *b);
/* After the commit: the DRAM state follows the media. */
void heap_apply_alloc(struct pcobj_heap *h, const struct pcobj_block *b);
void heap_apply_free(struct pcobj_heap *h, const struct pcobj_block *b);

/* Data offset of the first allocated object after off (0: none). */
uint64_t heap_next(struct pcobj_heap *h, uint64_t off);

static inline uint64_t block_data(const struct pcobj_block *b)
{
	return b->off + PCOBJ_OBJ_HDR_SIZE;
}

static inline uint64_t block_usable(const struct pcobj_block *b)
{
	return b->size - PCOBJ_OBJ_HDR_SIZE;
}

#endif

// SPDX-License-Identifier: BSD-3-Clause
/*
 * heap.c -- the object heap's DRAM state: built at open from metadata
 * read once from the view and checked entirely (a word out of range,
 * an unknown type or a bit beyond a run's end refuses the pool), then
 * the source of truth for every decision while the pool is open.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "heap.h"
#include "run.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

void heap_geometry(uint64_t size, uint64_t *nchunks, uint64_t *chunks_off)
{
	uint64_t n = 0, off = 0;

	if (size > PCOBJ_TABLE_OFF)
		n = (size - PCOBJ_TABLE_OFF) / (PCOBJ_CHUNK_SIZE + 8);
	for (; n; n--) {
		off = align_up(PCOBJ_TABLE_OFF + n * 8, PCOBJ_ALIGN);
		if (off + n * PCOBJ_CHUNK_SIZE <= size)
			break;
	}
	*nchunks = n;
	*chunks_off = n ? off : 0;
}

static inline int bit_get(const uint64_t *m, uint64_t i)
{
	return (m[i / 64] >> (i % 64)) & 1;
}

static inline void bit_put(uint64_t *m, uint64_t i, int v)
{
	if (v)
		m[i / 64] |= 1ULL << (i % 64);
	else
		m[i / 64] &= ~(1ULL << (i % 64));
}

static uint64_t chunk_off(const struct pcobj_heap *h, uint64_t chunk)
{
	return h->chunks_off + chunk * PCOBJ_CHUNK_SIZE;
}

/* Checks that the words inside [i + 1, i + count) are free words. */
static int interior_free(const struct pcobj_heap *h, uint64_t i, uint64_t count)
{
	for (uint64_t j = i + 1; j < i + count; j++)
		if (h->table[j] != 0)
			return 0;
	return 1;
}

/* Checks one run on the media and adds it to the DRAM state. */
static int boot_run(struct pcobj_heap *h, uint64_t i, unsigned cls)
{
	const struct pcobj_class *c = &pcobj_classes(NULL)[cls];
	const char *at = h->base + chunk_off(h, i);
	struct pcobj_run_hdr rh;
	struct pcobj_run *r;

	memcpy(&rh, at, sizeof(rh));
	if (rh.block_size != c->block_size || rh.nblocks != c->nblocks)
		return pcobj_err(EINVAL,
				 "object heap: run at chunk %lu has geometry "
				 "%u x %u, class %u needs %u x %u",
				 (unsigned long)i, rh.block_size, rh.nblocks,
				 cls, c->block_size, c->nblocks);
	r = run_new((uint32_t)i, cls, (const uint64_t *)(at + sizeof(rh)));
	if (!r)
		return pcobj_err(ENOMEM, "object heap: out of memory");
	if (run_check_tail(r)) {
		run_delete(r);
		return pcobj_err(EINVAL,
				 "object heap: run at chunk %lu marks blocks "
				 "past its end",
				 (unsigned long)i);
	}
	for (uint64_t j = i; j < i + c->chunks; j++)
		h->runs[j] = r;
	if (r->nfree)
		run_list(r, &h->avail[cls]);
	h->allocated += (uint64_t)(c->nblocks - r->nfree) * c->block_size;
	return 0;
}

/* Walks the chunk table; every chunk is free, in a span or in a run. */
static int boot_table(struct pcobj_heap *h)
{
	unsigned ncls;

	pcobj_classes(&ncls);
	for (uint64_t i = 0; i < h->nchunks;) {
		uint64_t w = h->table[i], count = PCOBJ_CW_COUNT(w);
		unsigned type = PCOBJ_CW_TYPE(w), cls = PCOBJ_CW_CLASS(w);
		int ret;

		if (w == 0) {
			bit_put(h->free, i++, 1);
			continue;
		}
		if (PCOBJ_CW_RESERVED(w) || count == 0 ||
		    count > h->nchunks - i ||
		    (type == PCOBJ_CHUNK_USED && cls != 0) ||
		    (type == PCOBJ_CHUNK_RUN &&
		     (cls >= ncls ||
		      count != pcobj_classes(NULL)[cls].chunks)) ||
		    (type != PCOBJ_CHUNK_USED && type != PCOBJ_CHUNK_RUN))
			return pcobj_err(
				EINVAL,
				"object heap: chunk %lu has an invalid "
				"table word 0x%016lx",
				(unsigned long)i, (unsigned long)w);
		if (!interior_free(h, i, count))
			return pcobj_err(EINVAL,
					 "object heap: chunks %lu-%lu overlap "
					 "another span or run",
					 (unsigned long)i,
					 (unsigned long)(i + count - 1));
		if (type == PCOBJ_CHUNK_RUN) {
			ret = boot_run(h, i, cls);
			if (ret)
				return ret;
		} else {
			h->allocated += count * PCOBJ_CHUNK_SIZE;
			h->span[i] = (uint32_t)count;
		}
		i += count;
	}
	return 0;
}

int heap_boot(struct pcobj_heap *h, struct pmemcrypt_pool *pool, char *base,
	      uint64_t size, const struct pcobj_hdr *hdr)
{
	uint64_t want_n, want_off;
	int ret;

	memset(h, 0, sizeof(*h));
	heap_geometry(size, &want_n, &want_off);
	if (hdr->table_off != PCOBJ_TABLE_OFF ||
	    hdr->chunk_size != PCOBJ_CHUNK_SIZE || hdr->nchunks == 0 ||
	    hdr->nchunks > want_n ||
	    hdr->chunks_off !=
		    align_up(PCOBJ_TABLE_OFF + hdr->nchunks * 8, PCOBJ_ALIGN))
		return pcobj_err(EINVAL,
				 "object heap: geometry (%lu chunks at %lu) "
				 "does not fit the pool's %lu bytes",
				 (unsigned long)hdr->nchunks,
				 (unsigned long)hdr->chunks_off,
				 (unsigned long)size);
	h->pool = pool;
	h->base = base;
	h->size = size;
	h->table_off = hdr->table_off;
	h->chunks_off = hdr->chunks_off;
	h->nchunks = hdr->nchunks;
	h->table = malloc(h->nchunks * 8);
	h->free = calloc((h->nchunks + 63) / 64, 8);
	h->runs = calloc(h->nchunks, sizeof(*h->runs));
	h->span = calloc(h->nchunks, sizeof(*h->span));
	if (!h->table || !h->free || !h->runs || !h->span) {
		heap_cleanup(h);
		return pcobj_err(ENOMEM, "object heap: out of memory");
	}
	memcpy(h->table, h->base + h->table_off, h->nchunks * 8);
	ret = boot_table(h);
	if (ret) {
		heap_cleanup(h);
		return ret;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->publish, NULL);
	return 0;
}

void heap_cleanup(struct pcobj_heap *h)
{
	for (uint64_t i = 0; h->runs && i < h->nchunks;) {
		struct pcobj_run *r = h->runs[i];

		if (!r) {
			i++;
			continue;
		}
		/* a run is met first at its first chunk */
		i += pcobj_classes(NULL)[r->cls].chunks;
		run_delete(r);
	}
	free(h->runs);
	free(h->span);
	free(h->free);
	free(h->table);
	h->runs = NULL;
	h->span = NULL;
	h->free = NULL;
	h->table = NULL;
}

/* First fit for count free chunks (lock held); marks them taken. */
static int take_chunks(struct pcobj_heap *h, uint64_t count, uint64_t *first)
{
	uint64_t run = 0;

	for (uint64_t i = 0; i < h->nchunks; i++) {
		if (!bit_get(h->free, i)) {
			run = 0;
			continue;
		}
		if (++run == count) {
			*first = i + 1 - count;
			for (uint64_t j = *first; j <= i; j++)
				bit_put(h->free, j, 0);
			return 0;
		}
	}
	return -ENOMEM;
}

static void give_chunks(struct pcobj_heap *h, uint64_t first, uint64_t count)
{
	for (uint64_t j = first; j < first + count; j++)
		bit_put(h->free, j, 1);
}

/* Writes a new run's header and empty bitmap, and its table word. */
static int run_create(struct pcobj_heap *h, uint64_t chunk, unsigned cls)
{
	const struct pcobj_class *c = &pcobj_classes(NULL)[cls];
	char *at = h->base + chunk_off(h, chunk);
	uint64_t *word = (uint64_t *)(h->base + h->table_off) + chunk;
	struct pcobj_run_hdr rh = {c->block_size, c->nblocks};
	size_t meta = sizeof(rh) + 8 * (size_t)c->nwords;
	struct pmemcrypt_tx *tx;
	int ret;

	pthread_mutex_lock(&h->publish);
	ret = pmemcrypt_tx_begin(h->pool, &tx);
	if (ret)
		goto out;
	ret = pmemcrypt_tx_add(tx, word, 8);
	if (!ret)
		ret = pmemcrypt_tx_add(tx, at, meta);
	if (ret) {
		pmemcrypt_tx_abort(&tx);
		goto out;
	}
	*word = PCOBJ_CW(PCOBJ_CHUNK_RUN, cls, c->chunks);
	memcpy(at, &rh, sizeof(rh));
	memset(at + sizeof(rh), 0, meta - sizeof(rh));
	ret = pmemcrypt_tx_commit(&tx);
out:
	pthread_mutex_unlock(&h->publish);
	return ret ? pcobj_err_lib(ret, "object heap: new run") : 0;
}

/* Reserves a block of class cls, creating a run when none has room. */
static int reserve_small(struct pcobj_heap *h, unsigned cls,
			 struct pcobj_block *b)
{
	const struct pcobj_class *c = &pcobj_classes(NULL)[cls];
	struct pcobj_run *r;
	uint64_t first;
	int ret;

	pthread_mutex_lock(&h->lock);
	while (!h->avail[cls]) {
		if (take_chunks(h, c->chunks, &first)) {
			pthread_mutex_unlock(&h->lock);
			return pcobj_err(ENOMEM, "object heap: out of space");
		}
		pthread_mutex_unlock(&h->lock);
		ret = run_create(h, first, cls);
		pthread_mutex_lock(&h->lock);
		if (ret) {
			give_chunks(h, first, c->chunks);
			pthread_mutex_unlock(&h->lock);
			return ret;
		}
		r = run_new((uint32_t)first, cls, NULL);
		if (!r) {
			/* the run stays on the media, unused until reopened */
			pthread_mutex_unlock(&h->lock);
			return pcobj_err(ENOMEM, "object heap: out of memory");
		}
		h->table[first] = PCOBJ_CW(PCOBJ_CHUNK_RUN, cls, c->chunks);
		for (uint64_t j = first; j < first + c->chunks; j++)
			h->runs[j] = r;
		run_list(r, &h->avail[cls]);
	}
	r = h->avail[cls];
	b->idx = run_take(r);
	if (!r->nfree)
		run_unlist(r, &h->avail[cls]);
	pthread_mutex_unlock(&h->lock);
	b->chunk = r->chunk;
	b->size = c->block_size;
	b->off = chunk_off(h, r->chunk) + c->data_off +
		 (uint64_t)b->idx * c->block_size;
	return 0;
}

int heap_reserve(struct pcobj_heap *h, size_t size, struct pcobj_block *b)
{
	uint64_t total, count, first;
	int cls;

	if (size == 0 || size > PCOBJ_ALLOC_MAX)
		return pcobj_err(size ? ENOMEM : EINVAL,
				 "object heap: cannot allocate %zu bytes",
				 size);
	total = size + PCOBJ_OBJ_HDR_SIZE;
	cls = pcobj_class_for(total);
	if (cls >= 0)
		return reserve_small(h, (unsigned)cls, b);
	count = (total + PCOBJ_CHUNK_SIZE - 1) / PCOBJ_CHUNK_SIZE;
	pthread_mutex_lock(&h->lock);
	if (count > UINT32_MAX || take_chunks(h, count, &first)) {
		pthread_mutex_unlock(&h->lock);
		return pcobj_err(ENOMEM,
				 "object heap: no %lu free chunks in a row",
				 (unsigned long)count);
	}
	h->span[first] = (uint32_t)count;
	pthread_mutex_unlock(&h->lock);
	b->chunk = (uint32_t)first;
	b->idx = PCOBJ_SPAN;
	b->size = count * PCOBJ_CHUNK_SIZE;
	b->off = chunk_off(h, first);
	return 0;
}

void heap_release(struct pcobj_heap *h, const struct pcobj_block *b)
{
	pthread_mutex_lock(&h->lock);
	if (b->idx == PCOBJ_SPAN) {
		give_chunks(h, b->chunk, b->size / PCOBJ_CHUNK_SIZE);
		h->span[b->chunk] = 0;
	} else {
		struct pcobj_run *r = h->runs[b->chunk];

		run_give(r, b->idx);
		run_list(r, &h->avail[r->cls]);
	}
	pthread_mutex_unlock(&h->lock);
}

static int lookup(struct pcobj_heap *h, uint64_t off, struct pcobj_block *b,
		  int taken)
{
	uint64_t blk, chunk, rel;
	int ret = -EINVAL;

	if (off < h->chunks_off + PCOBJ_OBJ_HDR_SIZE ||
	    off >= h->chunks_off + h->nchunks * PCOBJ_CHUNK_SIZE)
		return -EINVAL;
	blk = off - PCOBJ_OBJ_HDR_SIZE;
	chunk = (blk - h->chunks_off) / PCOBJ_CHUNK_SIZE;
	pthread_mutex_lock(&h->lock);
	if (h->runs[chunk]) {
		struct pcobj_run *r = h->runs[chunk];
		const struct pcobj_class *c = &pcobj_classes(NULL)[r->cls];
		uint64_t start = chunk_off(h, r->chunk) + c->data_off;

		rel = blk - start;
		if (blk >= start && rel % c->block_size == 0 &&
		    rel / c->block_size < c->nblocks &&
		    (taken ? run_taken : run_allocated)(
			    r, (uint32_t)(rel / c->block_size))) {
			b->chunk = r->chunk;
			b->idx = (uint32_t)(rel / c->block_size);
			b->size = c->block_size;
			b->off = blk;
			ret = 0;
		}
	} else if (PCOBJ_CW_TYPE(h->table[chunk]) == PCOBJ_CHUNK_USED &&
		   blk == chunk_off(h, chunk)) {
		b->chunk = (uint32_t)chunk;
		b->idx = PCOBJ_SPAN;
		b->size = PCOBJ_CW_COUNT(h->table[chunk]) * PCOBJ_CHUNK_SIZE;
		b->off = blk;
		ret = 0;
	} else if (taken && blk == chunk_off(h, chunk) && h->span[chunk]) {
		/* a reserved span: in no table word yet */
		b->chunk = (uint32_t)chunk;
		b->idx = PCOBJ_SPAN;
		b->size = (uint64_t)h->span[chunk] * PCOBJ_CHUNK_SIZE;
		b->off = blk;
		ret = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int heap_lookup(struct pcobj_heap *h, uint64_t off, struct pcobj_block *b)
{
	return lookup(h, off, b, 0);
}

int heap_lookup_taken(struct pcobj_heap *h, uint64_t off, struct pcobj_block *b)
{
	return lookup(h, off, b, 1);
}

/* The view's word of a run's bitmap that holds block idx. */
static uint64_t *bitmap_word(struct pcobj_heap *h, const struct pcobj_block *b)
{
	return (uint64_t *)(h->base + chunk_off(h, b->chunk) +
			    sizeof(struct pcobj_run_hdr)) +
	       b->idx / 64;
}

/* Writes a staged word into the view, declared in tx first. */
static int stage_word(struct pmemcrypt_tx *tx, uint64_t *word, uint64_t v)
{
	int ret = pmemcrypt_tx_add(tx, word, sizeof(*word));

	if (ret)
		return pcobj_err_lib(ret, "object heap");
	*word = v;
	return 0;
}

static int stage(struct pcobj_heap *h, struct pmemcrypt_tx *tx,
		 const struct pcobj_block *b, int alloc)
{
	if (b->idx == PCOBJ_SPAN) {
		uint64_t *word =
			(uint64_t *)(h->base + h->table_off) + b->chunk;
		uint64_t v = alloc ? PCOBJ_CW(PCOBJ_CHUNK_USED, 0,
					      b->size / PCOBJ_CHUNK_SIZE)
				   : 0;
		return stage_word(tx, word, v);
	}
	/* runs are never removed while the pool is open */
	return stage_word(tx, bitmap_word(h, b),
			  run_stage(h->runs[b->chunk], b->idx, alloc));
}

int heap_stage_alloc(struct pcobj_heap *h, struct pmemcrypt_tx *tx,
		     const struct pcobj_block *b)
{
	return stage(h, tx, b, 1);
}

int heap_stage_free(struct pcobj_heap *h, struct pmemcrypt_tx *tx,
		    const struct pcobj_block *b)
{
	return stage(h, tx, b, 0);
}

void heap_unstage(struct pcobj_heap *h, const struct pcobj_block *b)
{
	if (b->idx != PCOBJ_SPAN)
		run_unstage(h->runs[b->chunk], b->idx);
}

void heap_apply_alloc(struct pcobj_heap *h, const struct pcobj_block *b)
{
	pthread_mutex_lock(&h->lock);
	if (b->idx == PCOBJ_SPAN)
		h->table[b->chunk] = PCOBJ_CW(PCOBJ_CHUNK_USED, 0,
					      b->size / PCOBJ_CHUNK_SIZE);
	else
		run_commit(h->runs[b->chunk], b->idx, 1);
	h->allocated += b->size;
	pthread_mutex_unlock(&h->lock);
}

void heap_apply_free(struct pcobj_heap *h, const struct pcobj_block *b)
{
	pthread_mutex_lock(&h->lock);
	if (b->idx == PCOBJ_SPAN) {
		h->table[b->chunk] = 0;
		h->span[b->chunk] = 0;
		give_chunks(h, b->chunk, b->size / PCOBJ_CHUNK_SIZE);
	} else {
		struct pcobj_run *r = h->runs[b->chunk];

		run_commit(r, b->idx, 0);
		run_give(r, b->idx);
		run_list(r, &h->avail[r->cls]);
	}
	h->allocated -= b->size;
	pthread_mutex_unlock(&h->lock);
}

uint64_t heap_next(struct pcobj_heap *h, uint64_t off)
{
	uint64_t found = 0, i = 0;

	pthread_mutex_lock(&h->lock);
	if (off >= h->chunks_off) {
		i = (off - h->chunks_off) / PCOBJ_CHUNK_SIZE;
		if (i < h->nchunks && h->runs[i])
			i = h->runs[i]->chunk;
		else if (i < h->nchunks)
			i = 0; /* a span's start is found from the table */
	}
	while (i < h->nchunks && !found) {
		uint64_t w = h->table[i], at = chunk_off(h, i);

		if (h->runs[i]) {
			struct pcobj_run *r = h->runs[i];
			const struct pcobj_class *c =
				&pcobj_classes(NULL)[r->cls];

			for (uint32_t k = 0; k < c->nblocks; k++) {
				uint64_t data = at + c->data_off +
						(uint64_t)k * c->block_size +
						PCOBJ_OBJ_HDR_SIZE;

				if (data > off && run_allocated(r, k)) {
					found = data;
					break;
				}
			}
			i += c->chunks;
		} else if (PCOBJ_CW_TYPE(w) == PCOBJ_CHUNK_USED) {
			if (at + PCOBJ_OBJ_HDR_SIZE > off)
				found = at + PCOBJ_OBJ_HDR_SIZE;
			i += PCOBJ_CW_COUNT(w);
		} else {
			i++;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return found;
}

int heap_check_root(struct pcobj_heap *h, const struct pcobj_hdr *hdr)
{
	struct pcobj_block b;

	if (!hdr->root_off && !hdr->root_size)
		return 0;
	if (heap_lookup(h, hdr->root_off, &b) || hdr->root_size == 0 ||
	    hdr->root_size > block_usable(&b))
		return pcobj_err(EINVAL,
				 "object heap: the root object (%lu bytes at "
				 "%lu) is not an allocated object",
				 (unsigned long)hdr->root_size,
				 (unsigned long)hdr->root_off);
	return 0;
}

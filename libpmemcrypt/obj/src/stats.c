// SPDX-License-Identifier: BSD-3-Clause
/*
 * stats.c -- an object heap inspected in place: its metadata checked as at
 * open, then every object counted by type; an object header that
 * contradicts the heap (a root mark on another object, reserved bits) is
 * an error.  Nothing is written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpmemcrypt-obj.h>
#include <libpmemcrypt.h>

#include "err.h"
#include "hdr.h"
#include "heap.h"

/* Counts one object of type t (types kept sorted). */
static int count(struct pmemcrypt_obj_stats *st, uint64_t t, uint64_t bytes)
{
	size_t lo = 0, hi = st->ntypes;
	struct pmemcrypt_obj_type_stat *v;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->types[mid].type_num < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == st->ntypes || st->types[lo].type_num != t) {
		v = realloc(st->types, (st->ntypes + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		st->types = v;
		memmove(v + lo + 1, v + lo, (st->ntypes - lo) * sizeof(*v));
		v[lo] = (struct pmemcrypt_obj_type_stat){t, 0, 0};
		st->ntypes++;
	}
	st->types[lo].objects++;
	st->types[lo].bytes += bytes;
	return 0;
}

/* Walks the objects of a booted heap. */
static int walk(struct pcobj_heap *h, const struct pcobj_hdr *hdr,
		struct pmemcrypt_obj_stats *st)
{
	for (uint64_t off = heap_next(h, 0); off; off = heap_next(h, off)) {
		struct pcobj_block b;
		struct pcobj_obj_hdr oh;
		int is_root = off == hdr->root_off, ret;

		if (heap_lookup(h, off, &b))
			return -EINVAL;
		memcpy(&oh, h->base + b.off, sizeof(oh));
		if (oh.reserved || (oh.flags & ~PCOBJ_OBJ_ROOT) ||
		    !(oh.flags & PCOBJ_OBJ_ROOT) != !is_root)
			st->errors++;
		if (is_root)
			continue;
		st->objects++;
		ret = count(st, oh.type_num, block_usable(&b));
		if (ret)
			return ret;
	}
	return 0;
}

int pmemcrypt_obj_stats(struct pmemcrypt_pool *pool,
			struct pmemcrypt_obj_stats *st)
{
	char *base = pmemcrypt_pool_base(pool);
	uint64_t size = pmemcrypt_pool_size(pool);
	struct pcobj_hdr hdr;
	struct pcobj_heap h;
	int ret;

	if (!st || !base)
		return pcobj_err(EINVAL, "pmemcrypt_obj_stats: bad argument");
	memset(st, 0, sizeof(*st));
	if (size < PCOBJ_HDR_SIZE || memcmp(base, PCOBJ_MAGIC, PCOBJ_MAGIC_LEN))
		return pcobj_err(ENOENT, "the pool holds no object heap");
	ret = hdr_read(base, size, NULL, &hdr);
	if (!ret)
		ret = heap_boot(&h, pool, base, size, &hdr);
	if (ret)
		return ret;
	ret = heap_check_root(&h, &hdr);
	if (!ret) {
		memcpy(st->layout, base + PCOBJ_LAYOUT_OFF, PCOBJ_LAYOUT_MAX);
		st->chunks = hdr.nchunks;
		st->chunk_size = hdr.chunk_size;
		st->heap_bytes = hdr.nchunks * hdr.chunk_size;
		st->allocated_bytes = h.allocated;
		st->root_size = hdr.root_size;
		for (uint64_t i = 0; i < h.nchunks; i++) {
			unsigned type = PCOBJ_CW_TYPE(h.table[i]);

			st->runs += type == PCOBJ_CHUNK_RUN;
			st->spans += type == PCOBJ_CHUNK_USED;
		}
		ret = walk(&h, &hdr, st);
	}
	heap_cleanup(&h);
	if (ret)
		pmemcrypt_obj_stats_free(st);
	return ret;
}

void pmemcrypt_obj_stats_free(struct pmemcrypt_obj_stats *st)
{
	if (!st)
		return;
	free(st->types);
	st->types = NULL;
	st->ntypes = 0;
}

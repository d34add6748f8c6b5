// SPDX-License-Identifier: BSD-3-Clause
/*
 * alloc.c -- atomic allocation: a reserved block is constructed in the
 * view, made durable, then published together with the persistent
 * pointer that names it (when that pointer lies in the pool).
 */
#include <errno.h>
#include <string.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "pool.h"
#include "publish.h"
#include "registry.h"

/* The words of a destination pointer, if it lies in the pool. */
static size_t dest_sets(PMEMobjpool *pop, PMEMoid *oidp, PMEMoid value,
			struct pcobj_set *sets)
{
	if (!oidp || !pool_holds(pop, oidp, sizeof(*oidp)))
		return 0;
	sets[0].ptr = &oidp->pool_uuid_lo;
	sets[0].value = value.pool_uuid_lo;
	sets[1].ptr = &oidp->off;
	sets[1].value = value.off;
	return 2;
}

/* Reserves, constructs and persists a new object's block. */
static int make_block(PMEMobjpool *pop, size_t size, uint64_t type_num,
		      uint64_t flags, pmemobj_constr constr, void *arg,
		      struct pcobj_block *b)
{
	char *data;
	int ret = heap_reserve(&pop->heap, size, b);

	if (ret)
		return ret;
	data = pop->base + block_data(b);
	if (flags & POBJ_FLAG_ZERO)
		memset(data, 0, block_usable(b));
	if (constr && constr(pop, data, arg)) {
		heap_release(&pop->heap, b);
		return pcobj_err(ECANCELED, "the constructor failed");
	}
	ret = publish_prepare(pop, b, type_num, 0, UINT64_MAX);
	if (ret)
		heap_release(&pop->heap, b);
	return ret;
}

int pmemobj_xalloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		   uint64_t type_num, uint64_t flags, pmemobj_constr constr,
		   void *arg)
{
	struct pcobj_block b;
	struct pcobj_set sets[2];
	struct pcobj_publish p = {.allocs = &b, .nallocs = 1, .sets = sets};
	PMEMoid oid;
	int ret;

	if (!pop || (flags & ~POBJ_XALLOC_VALID_FLAGS))
		return pcobj_err(EINVAL, "pmemobj_xalloc: bad argument"), -1;
	if (size == 0)
		return pcobj_err(EINVAL, "allocation of 0 bytes"), -1;
	ret = make_block(pop, size, type_num, flags, constr, arg, &b);
	if (ret)
		return -1;
	oid = pool_oid(pop, block_data(&b));
	p.nsets = dest_sets(pop, oidp, oid, sets);
	ret = publish(pop, &p);
	if (ret) {
		heap_release(&pop->heap, &b);
		return -1;
	}
	if (oidp && !p.nsets)
		*oidp = oid;
	return 0;
}

int pmemobj_alloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		  uint64_t type_num, pmemobj_constr constructor, void *arg)
{
	return pmemobj_xalloc(pop, oidp, size, type_num, 0, constructor, arg);
}

int pmemobj_zalloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		   uint64_t type_num)
{
	return pmemobj_xalloc(pop, oidp, size, type_num, POBJ_FLAG_ZERO, NULL,
			      NULL);
}

struct strdup_arg {
	const char *s;
	size_t len;
};

static int strdup_constr(PMEMobjpool *pop, void *ptr, void *arg)
{
	struct strdup_arg *a = arg;

	(void)pop;
	memcpy(ptr, a->s, a->len);
	return 0;
}

int pmemobj_strdup(PMEMobjpool *pop, PMEMoid *oidp, const char *s,
		   uint64_t type_num)
{
	struct strdup_arg a = {s, s ? strlen(s) + 1 : 0};

	if (!s)
		return pcobj_err(EINVAL, "pmemobj_strdup: no string"), -1;
	return pmemobj_alloc(pop, oidp, a.len, type_num, strdup_constr, &a);
}

/*
 * The pool and block of an allocated object (or, with taken, of one
 * reserved or allocated in a transaction not yet committed).
 */
static int object_in(PMEMoid oid, PMEMobjpool **pop, struct pcobj_block *b,
		     int taken)
{
	*pop = registry_find(oid.pool_uuid_lo);
	if (!*pop)
		return pcobj_err(EINVAL, "object of a pool that is not open");
	if ((taken ? heap_lookup_taken : heap_lookup)(&(*pop)->heap, oid.off,
						      b))
		return pcobj_err(EINVAL, "0x%lx is not an allocated object",
				 (unsigned long)oid.off);
	return 0;
}

static int object_of(PMEMoid oid, PMEMobjpool **pop, struct pcobj_block *b)
{
	return object_in(oid, pop, b, 0);
}

void pmemobj_free(PMEMoid *oidp)
{
	struct pcobj_set sets[2];
	struct pcobj_block b;
	struct pcobj_publish p = {.frees = &b, .nfrees = 1, .sets = sets};
	PMEMobjpool *pop;

	if (!oidp || OID_IS_NULL(*oidp) || object_of(*oidp, &pop, &b))
		return;
	p.nsets = dest_sets(pop, oidp, OID_NULL, sets);
	if (publish(pop, &p))
		return;
	if (!p.nsets)
		*oidp = OID_NULL;
}

static int do_realloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		      uint64_t type_num, int zero)
{
	struct pcobj_block old, b;
	struct pcobj_set sets[2];
	struct pcobj_publish p = {.allocs = &b,
				  .nallocs = 1,
				  .frees = &old,
				  .nfrees = 1,
				  .sets = sets};
	PMEMoid oid;
	size_t keep;
	int ret;

	if (!pop || !oidp)
		return pcobj_err(EINVAL, "pmemobj_realloc: bad argument"), -1;
	if (OID_IS_NULL(*oidp))
		return pmemobj_xalloc(pop, oidp, size, type_num,
				      zero ? POBJ_FLAG_ZERO : 0, NULL, NULL);
	if (object_of(*oidp, &pop, &old))
		return -1;
	if (size == 0) {
		pmemobj_free(oidp);
		return 0;
	}
	ret = heap_reserve(&pop->heap, size, &b);
	if (ret)
		return -1;
	keep = block_usable(&old) < size ? block_usable(&old) : size;
	memcpy(pop->base + block_data(&b), pop->base + block_data(&old), keep);
	if (zero && block_usable(&b) > keep)
		memset(pop->base + block_data(&b) + keep, 0,
		       block_usable(&b) - keep);
	ret = publish_prepare(pop, &b, type_num, 0, UINT64_MAX);
	oid = pool_oid(pop, block_data(&b));
	p.nsets = dest_sets(pop, oidp, oid, sets);
	if (!ret)
		ret = publish(pop, &p);
	if (ret) {
		heap_release(&pop->heap, &b);
		return -1;
	}
	if (!p.nsets)
		*oidp = oid;
	return 0;
}

int pmemobj_realloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		    uint64_t type_num)
{
	return do_realloc(pop, oidp, size, type_num, 0);
}

int pmemobj_zrealloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		     uint64_t type_num)
{
	return do_realloc(pop, oidp, size, type_num, 1);
}

size_t pmemobj_alloc_usable_size(PMEMoid oid)
{
	PMEMobjpool *pop;
	struct pcobj_block b;

	if (OID_IS_NULL(oid) || object_in(oid, &pop, &b, 1))
		return 0;
	return block_usable(&b);
}

/*
 * The type number in the header before the object's data.  As with
 * libpmemobj it is not checked that oid names an object (tree examples
 * call this at every step); only that the header lies in the pool.
 */
uint64_t pmemobj_type_num(PMEMoid oid)
{
	PMEMobjpool *pop = pmemobj_pool_by_oid(oid);
	struct pcobj_obj_hdr oh;

	if (!pop || oid.off < PCOBJ_OBJ_HDR_SIZE || oid.off > pop->size)
		return UINT64_MAX;
	memcpy(&oh, pop->base + oid.off - PCOBJ_OBJ_HDR_SIZE, sizeof(oh));
	return oh.type_num;
}

PMEMoid pmemobj_first(PMEMobjpool *pop)
{
	uint64_t off = 0;

	if (!pop)
		return OID_NULL;
	do
		off = heap_next(&pop->heap, off);
	while (off && off == pop->root_off);
	return pool_oid(pop, off);
}

PMEMoid pmemobj_next(PMEMoid oid)
{
	PMEMobjpool *pop = pmemobj_pool_by_oid(oid);
	uint64_t off = oid.off;

	if (!pop)
		return OID_NULL;
	do
		off = heap_next(&pop->heap, off);
	while (off && off == pop->root_off);
	return pool_oid(pop, off);
}

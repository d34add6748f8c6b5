// SPDX-License-Identifier: BSD-3-Clause
/*
 * root.c -- the root object: allocated on first request; a larger request
 * moves it to a new block, its old contents kept and the rest zeroed.
 */
#include <errno.h>
#include <string.h>

#include "err.h"
#include "pool.h"
#include "publish.h"

/* Moves the root to a new block of size bytes (root lock held). */
static int root_grow(PMEMobjpool *pop, size_t size, pmemobj_constr constr,
		     void *arg)
{
	struct pcobj_block b, old;
	struct pcobj_set sets[2] = {
		{&pop->hdr->root_off, 0},
		{&pop->hdr->root_size, size},
	};
	struct pcobj_publish p = {
		.allocs = &b, .nallocs = 1, .sets = sets, .nsets = 2};
	char *data;
	int ret;

	if (pop->root_off) {
		if (heap_lookup(&pop->heap, pop->root_off, &old))
			return pcobj_err(EINVAL, "the root object is lost");
		p.frees = &old;
		p.nfrees = 1;
	}
	ret = heap_reserve(&pop->heap, size, &b);
	if (ret)
		return ret;
	data = pop->base + block_data(&b);
	memset(data, 0, block_usable(&b));
	if (pop->root_off)
		memcpy(data, pop->base + pop->root_off, pop->root_size);
	if (constr && constr(pop, data, arg)) {
		heap_release(&pop->heap, &b);
		return pcobj_err(ECANCELED, "the root constructor failed");
	}
	sets[0].value = block_data(&b);
	ret = publish_prepare(pop, &b, POBJ_ROOT_TYPE_NUM, PCOBJ_OBJ_ROOT,
			      UINT64_MAX);
	if (!ret)
		ret = publish(pop, &p);
	if (ret) {
		heap_release(&pop->heap, &b);
		return ret;
	}
	pop->root_off = block_data(&b);
	pop->root_size = size;
	return 0;
}

PMEMoid pmemobj_root_construct(PMEMobjpool *pop, size_t size,
			       pmemobj_constr constr, void *arg)
{
	PMEMoid oid = OID_NULL;

	if (!pop) {
		pcobj_err(EINVAL, "pmemobj_root: no pool");
		return OID_NULL;
	}
	pthread_mutex_lock(&pop->root_lock);
	if (size == 0 && !pop->root_off)
		pcobj_err(EINVAL, "pmemobj_root: no root object and size 0");
	else if (size > pop->root_size && size > PCOBJ_ALLOC_MAX)
		pcobj_err(ENOMEM, "pmemobj_root: %zu bytes is too large", size);
	else if (size <= pop->root_size || !root_grow(pop, size, constr, arg))
		oid = pool_oid(pop, pop->root_off);
	pthread_mutex_unlock(&pop->root_lock);
	return oid;
}

PMEMoid pmemobj_root(PMEMobjpool *pop, size_t size)
{
	return pmemobj_root_construct(pop, size, NULL, NULL);
}

size_t pmemobj_root_size(PMEMobjpool *pop)
{
	return pop ? pop->root_size : 0;
}

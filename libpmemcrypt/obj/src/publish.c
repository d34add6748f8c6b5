// SPDX-License-Identifier: BSD-3-Clause
/*
 * publish.c -- atomic changes of the heap.  The publish lock is held from
 * the first staged word to the end of the commit, so no other
 * transaction can make a shared bitmap word durable half-staged.
 */
#include <errno.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "pool.h"
#include "publish.h"

int publish_prepare(PMEMobjpool *pop, const struct pcobj_block *b,
		    uint64_t type_num, uint32_t flags, uint64_t len)
{
	struct pcobj_obj_hdr *oh = (struct pcobj_obj_hdr *)(pop->base + b->off);

	oh->flags = flags;
	oh->reserved = 0;
	oh->type_num = type_num;
	return pool_persist(pop, pop->base + b->off,
			    len < b->size ? len : b->size);
}

static int stage_all(PMEMobjpool *pop, struct pmemcrypt_tx *tx,
		     const struct pcobj_publish *p, size_t *na, size_t *nf)
{
	int ret;

	for (*na = 0; *na < p->nallocs; (*na)++) {
		ret = heap_stage_alloc(&pop->heap, tx, &p->allocs[*na]);
		if (ret)
			return ret;
	}
	for (*nf = 0; *nf < p->nfrees; (*nf)++) {
		ret = heap_stage_free(&pop->heap, tx, &p->frees[*nf]);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < p->nsets; i++) {
		ret = pmemcrypt_tx_add(tx, p->sets[i].ptr, 8);
		if (ret)
			return pcobj_err_lib(ret, "publish");
		*p->sets[i].ptr = p->sets[i].value;
	}
	return 0;
}

int publish(PMEMobjpool *pop, const struct pcobj_publish *p)
{
	struct pmemcrypt_tx *tx = p->tx;
	size_t na = 0, nf = 0;
	int ret = 0;

	pthread_mutex_lock(&pop->heap.publish);
	if (!tx) {
		ret = pmemcrypt_tx_begin(pop->pool, &tx);
		if (ret) {
			pthread_mutex_unlock(&pop->heap.publish);
			return pcobj_err_lib(ret, "publish");
		}
	}
	ret = stage_all(pop, tx, p, &na, &nf);
	if (ret) {
		pmemcrypt_tx_abort(&tx);
	} else {
		ret = pmemcrypt_tx_commit(&tx);
		if (ret)
			ret = pcobj_err_lib(ret, "commit");
	}
	for (size_t i = 0; i < na; i++) {
		if (ret)
			heap_unstage(&pop->heap, &p->allocs[i]);
		else
			heap_apply_alloc(&pop->heap, &p->allocs[i]);
	}
	for (size_t i = 0; i < nf; i++) {
		if (ret)
			heap_unstage(&pop->heap, &p->frees[i]);
		else
			heap_apply_free(&pop->heap, &p->frees[i]);
	}
	/* a partly staged block (stage failed on it) */
	if (ret && na < p->nallocs)
		heap_unstage(&pop->heap, &p->allocs[na]);
	if (ret && na == p->nallocs && nf < p->nfrees)
		heap_unstage(&pop->heap, &p->frees[nf]);
	pthread_mutex_unlock(&pop->heap.publish);
	return ret;
}

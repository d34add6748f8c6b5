// SPDX-License-Identifier: BSD-3-Clause
/*
 * action.c -- reservations, deferred frees and word sets, published
 * together by one atomic change (or by the caller's transaction).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pool.h"
#include "publish.h"
#include "tx.h"

enum { ACT_ALLOC = 1, ACT_FREE = 2 };

static void act_to_block(const struct pobj_action *act, struct pcobj_block *b)
{
	b->off = act->heap.offset;
	b->size = act->heap.usable_size;
	b->chunk = act->data[1];
	b->idx = act->data[2];
}

static void block_to_act(const struct pcobj_block *b, int what,
			 struct pobj_action *act)
{
	memset(act, 0, sizeof(*act));
	act->type = POBJ_ACTION_TYPE_HEAP;
	act->data[0] = (uint32_t)what;
	act->data[1] = b->chunk;
	act->data[2] = b->idx;
	act->heap.offset = b->off;
	act->heap.usable_size = b->size;
}

PMEMoid pmemobj_xreserve(PMEMobjpool *pop, struct pobj_action *act, size_t size,
			 uint64_t type_num, uint64_t flags)
{
	struct pcobj_block b;
	uint64_t len = PCOBJ_OBJ_HDR_SIZE;

	if (!pop || !act || (flags & ~POBJ_XALLOC_VALID_FLAGS)) {
		pcobj_err(EINVAL, "pmemobj_xreserve: bad argument");
		return OID_NULL;
	}
	if (heap_reserve(&pop->heap, size, &b))
		return OID_NULL;
	if (flags & POBJ_XALLOC_ZERO) {
		memset(pop->base + block_data(&b), 0, block_usable(&b));
		len = b.size;
	}
	if (publish_prepare(pop, &b, type_num, 0, len)) {
		heap_release(&pop->heap, &b);
		return OID_NULL;
	}
	block_to_act(&b, ACT_ALLOC, act);
	return pool_oid(pop, block_data(&b));
}

PMEMoid pmemobj_reserve(PMEMobjpool *pop, struct pobj_action *act, size_t size,
			uint64_t type_num)
{
	return pmemobj_xreserve(pop, act, size, type_num, 0);
}

void pmemobj_set_value(PMEMobjpool *pop, struct pobj_action *act, uint64_t *ptr,
		       uint64_t value)
{
	(void)pop;
	memset(act, 0, sizeof(*act));
	act->type = POBJ_ACTION_TYPE_MEM;
	act->data2[0] = (uint64_t)(uintptr_t)ptr;
	act->data2[1] = value;
}

void pmemobj_defer_free(PMEMobjpool *pop, PMEMoid oid, struct pobj_action *act)
{
	struct pcobj_block b = {0, 0, 0, 0};

	memset(act, 0, sizeof(*act));
	if (!pop || heap_lookup(&pop->heap, oid.off, &b)) {
		/* published as nothing; the message says why */
		pcobj_err(EINVAL, "pmemobj_defer_free: not an object");
		act->type = POBJ_MAX_ACTION_TYPE;
		return;
	}
	block_to_act(&b, ACT_FREE, act);
}

/* Sorts the actions into the arrays of one publication. */
static int collect(PMEMobjpool *pop, const struct pobj_action *actv, size_t n,
		   struct pcobj_block *allocs, struct pcobj_block *frees,
		   struct pcobj_set *sets, struct pcobj_publish *p)
{
	for (size_t i = 0; i < n; i++) {
		const struct pobj_action *a = &actv[i];

		if (a->type == POBJ_ACTION_TYPE_HEAP &&
		    a->data[0] == ACT_ALLOC) {
			act_to_block(a, &allocs[p->nallocs++]);
		} else if (a->type == POBJ_ACTION_TYPE_HEAP &&
			   a->data[0] == ACT_FREE) {
			act_to_block(a, &frees[p->nfrees++]);
		} else if (a->type == POBJ_ACTION_TYPE_MEM) {
			uint64_t *ptr = (uint64_t *)(uintptr_t)a->data2[0];

			if (!pool_holds(pop, ptr, sizeof(*ptr)))
				return pcobj_err(EINVAL,
						 "pmemobj_publish: a value "
						 "outside the pool");
			sets[p->nsets].ptr = ptr;
			sets[p->nsets++].value = a->data2[1];
		} else {
			return pcobj_err(EINVAL,
					 "pmemobj_publish: action %zu is "
					 "invalid",
					 i);
		}
	}
	return 0;
}

int pmemobj_publish(PMEMobjpool *pop, struct pobj_action *actv, size_t actvcnt)
{
	struct pcobj_block *blocks = calloc(2 * actvcnt + 1, sizeof(*blocks));
	struct pcobj_set *sets = calloc(actvcnt + 1, sizeof(*sets));
	struct pcobj_publish p = {0};
	int ret;

	if (!blocks || !sets) {
		ret = pcobj_err(ENOMEM, "pmemobj_publish: out of memory");
	} else if (!pop) {
		ret = pcobj_err(EINVAL, "pmemobj_publish: no pool");
	} else {
		p.allocs = blocks;
		p.frees = blocks + actvcnt;
		p.sets = sets;
		ret = collect(pop, actv, actvcnt, blocks, blocks + actvcnt,
			      sets, &p);
		if (!ret)
			ret = publish(pop, &p);
	}
	free(blocks);
	free(sets);
	return ret ? -1 : 0;
}

void pmemobj_cancel(PMEMobjpool *pop, struct pobj_action *actv, size_t actvcnt)
{
	for (size_t i = 0; pop && i < actvcnt; i++) {
		struct pcobj_block b;

		if (actv[i].type != POBJ_ACTION_TYPE_HEAP ||
		    actv[i].data[0] != ACT_ALLOC)
			continue;
		act_to_block(&actv[i], &b);
		heap_release(&pop->heap, &b);
		actv[i].data[0] = 0;
	}
}

int pmemobj_tx_publish(struct pobj_action *actv, size_t actvcnt)
{
	PMEMobjpool *pop = tx_pool();
	int ret = 0;

	if (!pop)
		return pcobj_err(EINVAL, "pmemobj_tx_publish outside a "
					 "transaction's work stage"),
		       EINVAL;
	for (size_t i = 0; i < actvcnt && !ret; i++) {
		struct pobj_action *a = &actv[i];
		struct pcobj_block b;

		if (a->type == POBJ_ACTION_TYPE_HEAP &&
		    a->data[0] == ACT_ALLOC) {
			act_to_block(a, &b);
			ret = tx_adopt_block(&b, TX_BLOCK_DURABLE);
		} else if (a->type == POBJ_ACTION_TYPE_HEAP &&
			   a->data[0] == ACT_FREE) {
			act_to_block(a, &b);
			ret = tx_adopt_free(&b);
		} else if (a->type == POBJ_ACTION_TYPE_MEM) {
			uint64_t *ptr = (uint64_t *)(uintptr_t)a->data2[0];

			ret = pool_holds(pop, ptr, 8) ? tx_declare(ptr, 8)
						      : EINVAL;
			if (!ret)
				*ptr = a->data2[1];
		} else {
			ret = EINVAL;
		}
	}
	if (ret) {
		pcobj_err(ret, "pmemobj_tx_publish: action failed");
		return tx_fail(ret, 0);
	}
	return 0;
}

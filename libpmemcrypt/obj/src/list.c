// SPDX-License-Identifier: BSD-3-Clause
/*
 * list.c -- atomic lists: circular, doubly linked through an entry
 * (next, prev) at pe_offset in each element, the first element named by
 * the head.  Each operation is one libpmemcrypt transaction; links read
 * from the pool are checked before they are followed.
 */
#include <errno.h>
#include <string.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "pool.h"
#include "publish.h"

struct entry {
	PMEMoid next, prev;
};

struct head {
	PMEMoid first;
};

struct list_op {
	PMEMobjpool *pop;
	struct pmemcrypt_tx *tx;
	size_t pe;
	struct head *head;
};

/* The entry of an element, or NULL if it does not lie in the pool. */
static struct entry *entry_of(const struct list_op *op, PMEMoid oid)
{
	PMEMobjpool *pop = op->pop;

	if (oid.pool_uuid_lo != pop->uuid_lo || oid.off == 0 ||
	    oid.off > pop->size || op->pe > pop->size - oid.off ||
	    sizeof(struct entry) > pop->size - oid.off - op->pe)
		return NULL;
	return (struct entry *)(pop->base + oid.off + op->pe);
}

/* Sets a persistent pointer, declared in the transaction first. */
static int set(struct list_op *op, PMEMoid *field, PMEMoid value)
{
	int ret = pmemcrypt_tx_add(op->tx, field, sizeof(*field));

	if (ret)
		return pcobj_err_lib(ret, "list");
	*field = value;
	return 0;
}

static int corrupt(void)
{
	return pcobj_err(EINVAL, "list: a link points outside the pool");
}

/* Links oid before or after dest (OID_NULL: the head's end). */
static int link_in(struct list_op *op, PMEMoid dest, int before, PMEMoid oid)
{
	struct entry *e = entry_of(op, oid), *pe, *ne;
	PMEMoid prev, next, first = op->head->first;
	int ret, at_end;

	if (!e)
		return pcobj_err(EINVAL, "list: element outside the pool");
	if (OID_IS_NULL(first)) {
		ret = set(op, &e->next, oid);
		if (!ret)
			ret = set(op, &e->prev, oid);
		return ret ? ret : set(op, &op->head->first, oid);
	}
	at_end = OID_IS_NULL(dest);
	if (at_end)
		dest = first;
	else if (!entry_of(op, dest))
		return pcobj_err(EINVAL, "list: destination outside the pool");
	if (before || at_end) {
		/* before dest; the tail is before the first element */
		next = dest;
		prev = entry_of(op, dest)->prev;
	} else {
		prev = dest;
		next = entry_of(op, dest)->next;
	}
	pe = entry_of(op, prev);
	ne = entry_of(op, next);
	if (!pe || !ne)
		return corrupt();
	ret = set(op, &e->next, next);
	if (!ret)
		ret = set(op, &e->prev, prev);
	if (!ret)
		ret = set(op, &pe->next, oid);
	if (!ret)
		ret = set(op, &ne->prev, oid);
	if (!ret && before && OID_EQUALS(dest, first))
		ret = set(op, &op->head->first, oid);
	return ret;
}

/* Unlinks oid from the list. */
static int link_out(struct list_op *op, PMEMoid oid)
{
	struct entry *e = entry_of(op, oid), *pe, *ne;
	PMEMoid next;
	int ret = 0;

	if (!e || OID_IS_NULL(op->head->first))
		return pcobj_err(EINVAL, "list: element not in the list");
	next = e->next;
	if (OID_EQUALS(next, oid))
		return set(op, &op->head->first, OID_NULL);
	pe = entry_of(op, e->prev);
	ne = entry_of(op, next);
	if (!pe || !ne)
		return corrupt();
	ret = set(op, &pe->next, next);
	if (!ret)
		ret = set(op, &ne->prev, e->prev);
	if (!ret && OID_EQUALS(op->head->first, oid))
		ret = set(op, &op->head->first, next);
	return ret;
}

/* Starts an operation: the list lock and a transaction. */
static int op_begin(struct list_op *op, PMEMobjpool *pop, size_t pe, void *head)
{
	int ret;

	if (!pop || !pool_holds(pop, head, sizeof(struct head)))
		return pcobj_err(EINVAL, "list: head outside the pool");
	op->pop = pop;
	op->pe = pe;
	op->head = head;
	pthread_mutex_lock(&pop->list_lock);
	ret = pmemcrypt_tx_begin(pop->pool, &op->tx);
	if (ret) {
		pthread_mutex_unlock(&pop->list_lock);
		return pcobj_err_lib(ret, "list");
	}
	return 0;
}

/* Ends it: commits when ret is 0 (publishing p if given), else aborts. */
static int op_end(struct list_op *op, int ret, struct pcobj_publish *p)
{
	if (ret) {
		pmemcrypt_tx_abort(&op->tx);
	} else if (p) {
		p->tx = op->tx;
		ret = publish(op->pop, p);
	} else {
		ret = pmemcrypt_tx_commit(&op->tx);
		if (ret)
			ret = pcobj_err_lib(ret, "list");
	}
	pthread_mutex_unlock(&op->pop->list_lock);
	return ret ? -1 : 0;
}

int pmemobj_list_insert(PMEMobjpool *pop, size_t pe_offset, void *head,
			PMEMoid dest, int before, PMEMoid oid)
{
	struct list_op op;

	if (op_begin(&op, pop, pe_offset, head))
		return -1;
	return op_end(&op, link_in(&op, dest, before, oid), NULL);
}

PMEMoid pmemobj_list_insert_new(PMEMobjpool *pop, size_t pe_offset, void *head,
				PMEMoid dest, int before, size_t size,
				uint64_t type_num, pmemobj_constr constr,
				void *arg)
{
	struct pcobj_block b;
	struct pcobj_publish p = {.allocs = &b, .nallocs = 1};
	struct list_op op;
	PMEMoid oid;
	int ret;

	if (!pop || pe_offset > size ||
	    size - pe_offset < sizeof(struct entry)) {
		pcobj_err(EINVAL, "list: the entry lies outside the object");
		return OID_NULL;
	}
	if (heap_reserve(&pop->heap, size, &b))
		return OID_NULL;
	oid = pool_oid(pop, block_data(&b));
	if (constr && constr(pop, pop->base + oid.off, arg)) {
		heap_release(&pop->heap, &b);
		pcobj_err(ECANCELED, "the constructor failed");
		return OID_NULL;
	}
	ret = publish_prepare(pop, &b, type_num, 0, UINT64_MAX);
	if (!ret)
		ret = op_begin(&op, pop, pe_offset, head);
	if (!ret)
		ret = op_end(&op, link_in(&op, dest, before, oid), &p);
	if (ret) {
		heap_release(&pop->heap, &b);
		return OID_NULL;
	}
	return oid;
}

int pmemobj_list_remove(PMEMobjpool *pop, size_t pe_offset, void *head,
			PMEMoid oid, int free)
{
	struct pcobj_block b;
	struct pcobj_publish p = {.frees = &b, .nfrees = 1};
	struct list_op op;

	if (free && (!pop || heap_lookup(&pop->heap, oid.off, &b)))
		return pcobj_err(EINVAL, "list: not an object"), -1;
	if (op_begin(&op, pop, pe_offset, head))
		return -1;
	return op_end(&op, link_out(&op, oid), free ? &p : NULL);
}

int pmemobj_list_move(PMEMobjpool *pop, size_t pe_old_offset, void *head_old,
		      size_t pe_new_offset, void *head_new, PMEMoid dest,
		      int before, PMEMoid oid)
{
	struct list_op op;
	int ret;

	if (!pop || !pool_holds(pop, head_new, sizeof(struct head)))
		return pcobj_err(EINVAL, "list: head outside the pool"), -1;
	if (op_begin(&op, pop, pe_old_offset, head_old))
		return -1;
	ret = link_out(&op, oid);
	if (!ret) {
		op.pe = pe_new_offset;
		op.head = head_new;
		ret = link_in(&op, dest, before, oid);
	}
	return op_end(&op, ret, NULL);
}

// SPDX-License-Identifier: BSD-3-Clause
/* tx.c -- transactions: several ranges made durable at once */

#include <errno.h>
#include <stdlib.h>

#include "errormsg.h"
#include "hw.h"
#include "io.h"

struct tx_range {
	uint64_t off;
	size_t len;
};

/*
 * Software engine: the ranges are persisted as one update at commit.
 * Hardware engine: each range's old content goes to the undo log when it
 * is added (the view is the media), commit flushes the ranges.
 */
struct pmemcrypt_tx {
	struct pmemcrypt_pool *pool;
	struct tx_range *ranges;
	size_t n, cap;
	struct pc_undo undo;
};

/* Whether a range already added covers [off, off+len). */
static int covered(const struct pmemcrypt_tx *tx, uint64_t off, size_t len)
{
	for (size_t i = 0; i < tx->n; i++)
		if (tx->ranges[i].off <= off &&
		    off + len <= tx->ranges[i].off + tx->ranges[i].len)
			return 1;
	return 0;
}

PC_EXPORT int pmemcrypt_tx_begin(struct pmemcrypt_pool *pool,
				 struct pmemcrypt_tx **tx)
{
	struct pmemcrypt_tx *t;

	if (!pool || !tx)
		return pc_err(PMEMCRYPT_E_INVALID, "tx_begin: NULL argument");
	t = calloc(1, sizeof(*t));
	if (!t)
		return pc_err(-ENOMEM, "out of memory");
	t->pool = pool;
	*tx = t;
	return 0;
}

PC_EXPORT int pmemcrypt_tx_add(struct pmemcrypt_tx *tx, const void *addr,
			       size_t len)
{
	uintptr_t base;
	uint64_t off;
	int ret;

	if (!tx)
		return pc_err(PMEMCRYPT_E_TX_STATE, "tx_add: no transaction");
	base = (uintptr_t)tx->pool->view.base;
	off = (uintptr_t)addr - base;
	if ((uintptr_t)addr < base)
		return pc_err(PMEMCRYPT_E_RANGE,
			      "tx_add: address %p is below the pool view",
			      addr);
	ret = pc_check_range(tx->pool, off, len);
	if (ret || !len)
		return ret;
	if (tx->pool->hw && covered(tx, off, len))
		return 0;
	if (tx->n == tx->cap) {
		size_t cap = tx->cap ? tx->cap * 2 : 8;
		struct tx_range *r = realloc(tx->ranges, cap * sizeof(*r));

		if (!r)
			return pc_err(-ENOMEM, "out of memory");
		tx->ranges = r;
		tx->cap = cap;
	}
	if (tx->pool->hw) {
		ret = pc_undo_add(tx->pool, &tx->undo, off, len);
		if (ret)
			return ret;
	}
	tx->ranges[tx->n++] = (struct tx_range){off, len};
	return 0;
}

static void tx_free(struct pmemcrypt_tx **tx)
{
	free((*tx)->ranges);
	free(*tx);
	*tx = NULL;
}

/* Restores every declared range from the media. */
static void tx_restore(struct pmemcrypt_tx *tx)
{
	for (size_t i = 0; i < tx->n; i++)
		pc_restore_range(tx->pool, tx->ranges[i].off,
				 tx->ranges[i].len);
}

PC_EXPORT int pmemcrypt_tx_commit(struct pmemcrypt_tx **tx)
{
	struct pc_units u;
	int ret = 0;

	if (!tx || !*tx)
		return pc_err(PMEMCRYPT_E_TX_STATE, "tx_commit: no transaction");
	if ((*tx)->pool->hw) {
		struct pmemcrypt_pool *p = (*tx)->pool;

		for (size_t i = 0; i < (*tx)->n; i++)
			pc_hw_flush(p, (*tx)->ranges[i].off,
				    (*tx)->ranges[i].len);
		pc_media_fence(&p->media);
		ret = pc_undo_end(p, &(*tx)->undo, 0);
		tx_free(tx);
		return ret;
	}
	pc_units_init(&u);
	for (size_t i = 0; i < (*tx)->n && !ret; i++)
		ret = pc_units_present((*tx)->pool, &u, (*tx)->ranges[i].off,
				       (*tx)->ranges[i].len);
	if (!ret) {
		pc_units_sort(&u);
		ret = pc_persist_units((*tx)->pool, &u);
	}
	pc_units_fini(&u);
	if (ret)
		tx_restore(*tx);
	tx_free(tx);
	return ret;
}

PC_EXPORT void pmemcrypt_tx_abort(struct pmemcrypt_tx **tx)
{
	if (!tx || !*tx)
		return;
	if ((*tx)->pool->hw)
		(void)pc_undo_end((*tx)->pool, &(*tx)->undo, 1);
	else
		tx_restore(*tx);
	tx_free(tx);
}

// SPDX-License-Identifier: BSD-3-Clause
/* tx.c -- transactions: several ranges made durable at once */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "io.h"
#include "pool.h"
#include "tx.h"

int pc_tx_reserve(struct pmemcrypt_tx *tx)
{
	size_t cap = tx->cap * 2;
	struct pc_range *r;

	if (tx->n < tx->cap)
		return 0;
	r = tx->ranges == tx->inline_ranges
		    ? malloc(cap * sizeof(*r))
		    : realloc(tx->ranges, cap * sizeof(*r));
	if (!r)
		return pc_err(-ENOMEM, "out of memory");
	if (tx->ranges == tx->inline_ranges)
		memcpy(r, tx->inline_ranges, sizeof(tx->inline_ranges));
	tx->ranges = r;
	tx->cap = cap;
	return 0;
}

void pc_tx_append(struct pmemcrypt_tx *tx, uint64_t off, size_t len)
{
	tx->ranges[tx->n++] = (struct pc_range){off, len};
}

int pc_tx_covers(const struct pmemcrypt_tx *tx, uint64_t off, size_t len)
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
	int ret = pc_pool_usable(pool, "tx_begin");

	if (ret)
		return ret;
	if (!tx)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "tx_begin: NULL out-pointer");
	t = calloc(1, sizeof(*t) + pool->engine->tx_size);
	if (!t)
		return pc_err(-ENOMEM, "out of memory");
	t->pool = pool;
	t->ranges = t->inline_ranges;
	t->cap = PC_TX_INLINE_RANGES;
	t->priv = pool->engine->tx_size ? t + 1 : NULL;
	__atomic_add_fetch(&pool->ntx, 1, __ATOMIC_RELEASE);
	*tx = t;
	return 0;
}

/* A transaction that may be used: not NULL, its pool this process's. */
static int tx_usable(const struct pmemcrypt_tx *tx, const char *what)
{
	if (!tx)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "%s: no transaction (NULL, or already ended)",
			      what);
	return pc_pool_usable(tx->pool, what);
}

PC_EXPORT int pmemcrypt_tx_add(struct pmemcrypt_tx *tx, const void *addr,
			       size_t len)
{
	uint64_t off;
	int ret = tx_usable(tx, "tx_add");

	if (!ret)
		ret = pc_view_offset(tx->pool, "tx_add", addr, len, &off);
	if (ret || !len)
		return ret;
	return tx->pool->engine->tx_add(tx, off, len);
}

static void tx_free(struct pmemcrypt_tx **tx)
{
	__atomic_sub_fetch(&(*tx)->pool->ntx, 1, __ATOMIC_RELEASE);
	if ((*tx)->ranges != (*tx)->inline_ranges)
		free((*tx)->ranges);
	free(*tx);
	*tx = NULL;
}

PC_EXPORT int pmemcrypt_tx_commit(struct pmemcrypt_tx **tx)
{
	int ret = tx_usable(tx ? *tx : NULL, "tx_commit");

	if (ret)
		return ret;
	ret = (*tx)->pool->engine->tx_commit(*tx);
	tx_free(tx);
	return ret;
}

PC_EXPORT void pmemcrypt_tx_abort(struct pmemcrypt_tx **tx)
{
	if (!tx || !*tx)
		return;
	if (!(*tx)->pool->forked)
		(*tx)->pool->engine->tx_abort(*tx);
	tx_free(tx);
}

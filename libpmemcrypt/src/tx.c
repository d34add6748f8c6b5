// SPDX-License-Identifier: BSD-3-Clause
/* tx.c -- transactions: several ranges made durable at once */

#include <errno.h>
#include <stdlib.h>

#include "errormsg.h"
#include "io.h"
#include "pool.h"
#include "tx.h"

int pc_tx_reserve(struct pmemcrypt_tx *tx)
{
	size_t cap = tx->cap ? tx->cap * 2 : 8;
	struct pc_range *r;

	if (tx->n < tx->cap)
		return 0;
	r = realloc(tx->ranges, cap * sizeof(*r));
	if (!r)
		return pc_err(-ENOMEM, "out of memory");
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
	uint64_t off;
	int ret;

	if (!tx)
		return pc_err(PMEMCRYPT_E_TX_STATE, "tx_add: no transaction");
	ret = pc_view_offset(tx->pool, "tx_add", addr, len, &off);
	if (ret || !len)
		return ret;
	return tx->pool->engine->tx_add(tx, off, len);
}

static void tx_free(struct pmemcrypt_tx **tx)
{
	free((*tx)->ranges);
	free(*tx);
	*tx = NULL;
}

PC_EXPORT int pmemcrypt_tx_commit(struct pmemcrypt_tx **tx)
{
	int ret;

	if (!tx || !*tx)
		return pc_err(PMEMCRYPT_E_TX_STATE,
			      "tx_commit: no transaction");
	ret = (*tx)->pool->engine->tx_commit(*tx);
	tx_free(tx);
	return ret;
}

PC_EXPORT void pmemcrypt_tx_abort(struct pmemcrypt_tx **tx)
{
	if (!tx || !*tx)
		return;
	(*tx)->pool->engine->tx_abort(*tx);
	tx_free(tx);
}

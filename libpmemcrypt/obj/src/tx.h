/* SPDX-License-Identifier: BSD-3-Clause */
/* tx.h -- the calling thread's object transaction */
#ifndef PCOBJ_TX_H
#define PCOBJ_TX_H 1

#include <libpmemobj.h>

#include "heap.h"

/* How a block allocated in a transaction reaches the media at commit. */
enum tx_block_state {
	TX_BLOCK_DECLARED, /* in the libpmemcrypt transaction */
	TX_BLOCK_PERSIST,  /* persisted before the commit */
	TX_BLOCK_DURABLE,  /* already durable (published reservations) */
	TX_BLOCK_FREED,	   /* freed again: released after the end */
};

/* The pool of the thread's transaction in its work stage, or NULL. */
PMEMobjpool *tx_pool(void);
/* Adds a reserved block to the transaction (stage WORK). */
int tx_adopt_block(const struct pcobj_block *b, enum tx_block_state state);
/* Adds a free of an allocated block (stage WORK). */
int tx_adopt_free(const struct pcobj_block *b);
/* Declares [ptr, ptr + len) in the transaction (stage WORK). */
int tx_declare(void *ptr, size_t len);
/* Aborts for err unless the caller asked to get the error back. */
int tx_fail(int err, uint64_t flags);

#endif

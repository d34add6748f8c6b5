/* SPDX-License-Identifier: BSD-3-Clause */
/* tx.h -- a transaction: the ranges it declared, and its engine's state */

#ifndef PC_TX_H
#define PC_TX_H

#include <stddef.h>
#include <stdint.h>

struct pc_check_tx;

struct pc_range {
	uint64_t off;
	size_t len;
};

/* Ranges a transaction holds without allocating. */
#define PC_TX_INLINE_RANGES 4

struct pmemcrypt_tx {
	struct pmemcrypt_pool *pool;
	struct pc_range *ranges; /* inline_ranges, or allocated */
	size_t n, cap;
	/*
	 * The engine's state: engine->tx_size bytes after the transaction,
	 * zeroed at begin; what it allocates is freed by commit or abort.
	 */
	void *priv;
	struct pc_check_tx *check; /* check mode's (checkmode.c) */
	struct pc_range inline_ranges[PC_TX_INLINE_RANGES];
};

/* Makes room for one more range. */
int pc_tx_reserve(struct pmemcrypt_tx *tx);
/* Appends a range (after pc_tx_reserve). */
void pc_tx_append(struct pmemcrypt_tx *tx, uint64_t off, size_t len);
/* Whether a range already declared covers [off, off+len). */
int pc_tx_covers(const struct pmemcrypt_tx *tx, uint64_t off, size_t len);

#endif

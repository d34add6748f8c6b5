/* SPDX-License-Identifier: BSD-3-Clause */
/* io.h -- shared checks and the durable update of view units */

#ifndef PC_IO_H
#define PC_IO_H

#include "pool.h"
#include "units.h"

/* Checks that [off, off+len) lies in the pool. */
int pc_check_range(const struct pmemcrypt_pool *p, uint64_t off, size_t len);
/* Adds the populated units of [off, off+len) to a set. */
int pc_units_present(const struct pmemcrypt_pool *p, struct pc_units *u,
		     uint64_t off, size_t len);
/* Makes a sorted set of view units durable as one update. */
int pc_persist_units(struct pmemcrypt_pool *p, const struct pc_units *u);
/* Restores [off, off+len) of the view from the media. */
int pc_restore_range(struct pmemcrypt_pool *p, uint64_t off, size_t len);

#endif

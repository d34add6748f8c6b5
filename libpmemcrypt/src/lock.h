/* SPDX-License-Identifier: BSD-3-Clause */
/* lock.h -- unit locks: PC_STRIPES mutexes shared by unit number */

#ifndef PC_LOCK_H
#define PC_LOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define PC_STRIPES 1024

struct pc_locks {
	pthread_mutex_t stripes[PC_STRIPES];
};

void pc_locks_init(struct pc_locks *l);
void pc_locks_fini(struct pc_locks *l);

/* The lock of a unit. */
static inline pthread_mutex_t *pc_unit_lock(struct pc_locks *l, uint64_t unit)
{
	return &l->stripes[unit % PC_STRIPES];
}

/*
 * Locks (lock=1) or unlocks (lock=0, same set) the units of n entries
 * (PC_ENT) in ascending stripe order; set holds the stripes between the
 * two calls.
 */
void pc_units_lock(struct pc_locks *l, const uint64_t *ents, size_t n,
		   uint64_t set[PC_STRIPES / 64], int lock);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* store.h -- units on the media: allocation, atomic updates, recovery */

#ifndef PC_STORE_H
#define PC_STORE_H

#include "pool.h"

/*
 * Gives the plaintext of the i-th unit of an update, called with the
 * unit's lock held; it may use the lane's scratch page and cipher.
 */
typedef const uint8_t *pc_plain_fn(void *arg, struct pc_lane *lane, size_t i,
				   uint64_t lba);

int pc_store_init(struct pmemcrypt_pool *p);
void pc_store_fini(struct pmemcrypt_pool *p);
/*
 * Reads and validates the map, replays committed redo records and builds
 * the free-block list (recover.c).  Nothing on the media changes unless
 * the map and every record are valid.
 */
int pc_store_recover(struct pmemcrypt_pool *p);
/* Empties a lane's record once it is applied. */
int pc_record_clear(struct pmemcrypt_pool *p, uint64_t log_off);

/* An update entry: a unit and the mask of its sectors to write. */
#define PC_ENT(lba, mask) (((uint64_t)(lba) << 4) | (mask))
#define PC_ENT_LBA(e) ((e) >> 4)
#define PC_ENT_MASK(e) ((unsigned)(e)&0xf)
#define PC_ALL_SECTORS 0xfu

/* Writes n units (entries sorted, one per unit) as one atomic update. */
int pc_store_update(struct pmemcrypt_pool *p, const uint64_t *ents, size_t n,
		    pc_plain_fn *plain, void *arg);

/* Decrypts the durable content of a unit; caller holds its lock. */
int pc_store_read_unit(struct pmemcrypt_pool *p, struct pc_xts *xts,
		       uint64_t lba, uint8_t *dst);

/*
 * Locks (lock=1) or unlocks (lock=0, same set) the units of n entries in
 * ascending stripe order; set holds the stripes between the two calls.
 */
void pc_stripes_lock(struct pmemcrypt_pool *p, const uint64_t *ents,
		     size_t n, uint64_t set[PC_STRIPES / 64], int lock);

struct pc_lane *pc_lane_get(struct pmemcrypt_pool *p);
void pc_lane_put(struct pc_lane *lane);

static inline pthread_mutex_t *pc_stripe(struct pmemcrypt_pool *p,
					 uint64_t lba)
{
	return &p->stripes[lba % PC_STRIPES];
}

#endif

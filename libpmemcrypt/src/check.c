// SPDX-License-Identifier: BSD-3-Clause
/* check.c -- consistency check of an open pool */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "header.h"
#include "hw.h"
#include "store.h"

/* Counts problems in the header copies and lane logs. */
static uint64_t check_metadata(struct pmemcrypt_pool *p)
{
	struct pc_header h;
	uint64_t errors = 0;

	for (int i = 0; i < 2; i++) {
		const uint8_t *copy =
			pc_media_at(&p->media, i * PC_HDR_SIZE, PC_HDR_SIZE);

		if (!copy) {
			errors++;
			continue;
		}
		memcpy(&h, copy, sizeof(h));
		if (pc_header_check(&h) != PC_HDR_OK ||
		    pc_header_mac_verify(&h, p->sec->mac_key))
			errors++;
	}
	for (uint32_t i = 0; i < p->nlanes; i++) {
		const uint8_t *head =
			pc_media_at(&p->media, p->lanes[i].log_off, 8);

		errors +=
			p->hw ? pc_hw_pending(p, i) != 0
			      : !head || __atomic_load_n((const uint64_t *)head,
							 __ATOMIC_RELAXED) != 0;
	}
	return errors;
}

/*
 * Whether the media's map entry of unit u is the one the pool holds: an
 * entry changed under the open pool is counted, never followed.
 */
static int map_entry_matches(struct pmemcrypt_pool *p, uint64_t u)
{
	const uint8_t *e = pc_media_at(&p->media, pc_map_off(p, u), 8);

	return e && __atomic_load_n((const uint64_t *)e, __ATOMIC_RELAXED) ==
			    p->map[u];
}

PC_EXPORT int pmemcrypt_pool_check(struct pmemcrypt_pool *pool,
				   struct pmemcrypt_check_report *r,
				   pmemcrypt_progress_fn *progress, void *arg)
{
	uint64_t *used;
	struct pc_lane *l;
	int ret = 0;

	if (!pool || !r)
		return pc_err(PMEMCRYPT_E_INVALID, "check: NULL argument");
	used = calloc((pool->blocks + 63) / 64, sizeof(uint64_t));
	if (!used)
		return pc_err(-ENOMEM, "out of memory");
	memset(r, 0, sizeof(*r));
	r->errors = check_metadata(pool);
	if (pool->hw) {
		/* No map, no cipher: every unit is its own block. */
		r->units_mapped = pool->units;
		if (progress)
			progress(arg, "check", pool->units, pool->units);
		free(used);
		return r->errors ? pc_err(PMEMCRYPT_E_CORRUPT,
					  "%s: %llu inconsistencies",
					  pool->path,
					  (unsigned long long)r->errors)
				 : 0;
	}
	l = pc_lane_get(pool);
	for (uint64_t u = 0; u < pool->units && !ret; u++) {
		uint64_t v, b;

		pthread_mutex_lock(pc_stripe(pool, u));
		v = pool->map[u];
		b = v - 1;
		r->errors += !map_entry_matches(pool, u);
		if (!v) {
			r->units_unmapped++;
		} else if (b >= pool->blocks ||
			   (used[b / 64] & (1ull << (b % 64)))) {
			r->errors++;
		} else {
			used[b / 64] |= 1ull << (b % 64);
			r->units_mapped++;
			/* Exercises the cipher path over every unit. */
			ret = pc_store_read_unit(pool, l->xts, u, l->scratch);
		}
		pthread_mutex_unlock(pc_stripe(pool, u));
		if (progress && (u % 4096 == 4095 || u + 1 == pool->units))
			progress(arg, "check", u + 1, pool->units);
	}
	pc_lane_put(l);
	r->blocks_free = pool->blocks - r->units_mapped;
	free(used);
	if (!ret && r->errors)
		ret = pc_err(PMEMCRYPT_E_CORRUPT, "%s: %llu inconsistencies",
			     pool->path, (unsigned long long)r->errors);
	return ret;
}

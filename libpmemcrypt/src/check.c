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
	const uint8_t *base = p->media.base;
	uint64_t errors = 0;

	for (int i = 0; i < 2; i++) {
		const struct pc_header *h = (const void *)(base + i * PC_HDR_SIZE);

		if (pc_header_check(h) != PC_HDR_OK ||
		    pc_header_mac_verify(h, p->sec->mac_key))
			errors++;
	}
	for (uint32_t i = 0; i < p->nlanes; i++) {
		const struct pc_log_head *h = (const void *)(
			base + p->hdr.lanes_off + (uint64_t)i * p->hdr.lane_size);

		errors += p->hw ? pc_hw_pending(p, i) != 0 : h->seq != 0;
	}
	return errors;
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
		v = pc_media_load8(&pool->media, pc_map_off(pool, u));
		b = v - 1;
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

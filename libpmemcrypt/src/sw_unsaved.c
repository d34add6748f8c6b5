// SPDX-License-Identifier: BSD-3-Clause
/*
 * sw_unsaved.c -- the software engine's stores never made durable, for
 * check mode: the view compared with the media's content
 */

#include "checkmode.h"
#include "sw.h"

/*
 * Units absent from the view hold no store, nor do clean ones (eviction
 * keeps the others).  A dirty unit is decrypted and compared under its
 * lock, which persist and write hold while they change it.
 */
int pc_sw_unsaved(struct pmemcrypt_pool *p, uint64_t off, uint64_t len,
		  pc_run_fn *fn, void *arg)
{
	const struct pc_view *v = &pc_sw(p)->view;
	struct pc_lane *lane = pc_lane_get(&p->lanes);
	struct pc_sw_lane *l = pc_sw_lane(p, lane);
	uint64_t end = off + len;
	int ret = 0;

	for (uint64_t u = off / PC_UNIT;
	     len && u <= (end - 1) / PC_UNIT && !ret; u++) {
		uint64_t lo = u * PC_UNIT > off ? u * PC_UNIT : off;
		uint64_t hi = (u + 1) * PC_UNIT < end ? (u + 1) * PC_UNIT : end;

		if (!pc_view_present(v, u) || pc_view_clean(v, u))
			continue;
		pthread_mutex_lock(pc_unit_lock(&p->locks, u));
		if (pc_view_present(v, u) && !pc_view_clean(v, u)) {
			ret = pc_store_read_unit(p, l->xts, u, l->scratch);
			if (!ret)
				pc_diff_runs(p->base + lo,
					     l->scratch + (lo - u * PC_UNIT),
					     NULL, hi - lo, lo, fn, arg);
		}
		pthread_mutex_unlock(pc_unit_lock(&p->locks, u));
	}
	pc_lane_put(lane);
	return ret;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * hw.c -- the hardware engine: its layout, start, persist, read, write,
 * transactions and check, and its ops table
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "hw.h"
#include "layout.h"
#include "tx.h"
#include "units.h"

#define ROUND_UP(x, a) (((x) + (a)-1) / (a) * (a))

/*
 * Each lane holds a log for per_tx units; the data follows the lanes (no
 * map, no spare blocks).  Lanes share an eighth of the pool between them
 * (at least 16 units each).
 */
static void hw_layout(struct pc_layout *lay, const struct pmemcrypt_config *cfg,
		      uint64_t units)
{
	uint64_t per_tx = units / 8 / cfg->lanes;

	per_tx = per_tx > PC_LAYOUT_MIN_UNITS ? per_tx : PC_LAYOUT_MIN_UNITS;
	per_tx = cfg->units_per_tx < per_tx ? cfg->units_per_tx : per_tx;
	lay->lanes = cfg->lanes;
	lay->lane_size = (uint32_t)ROUND_UP(
		PC_UNDO_START + per_tx * PC_UNDO_PER_UNIT, PC_UNIT);
	lay->units = units;
	lay->blocks = units;
	lay->lanes_off = PC_HDR_AREA;
	lay->map_off = lay->lanes_off + (uint64_t)lay->lanes * lay->lane_size;
	lay->data_off = lay->map_off;
	lay->file_size = lay->data_off + units * PC_UNIT;
}

/*
 * The view is the data area of the mapping.  A random first sequence
 * number per lane keeps this session's records apart from stale entries
 * of others.
 */
static int hw_start(struct pmemcrypt_pool *p)
{
	p->base = p->media.base + p->hdr.data_off;
	p->units_per_tx = pc_undo_lane_units(p->hdr.lane_size);
	for (uint32_t i = 0; i < p->lanes.n; i++) {
		int ret = pc_random(&p->lanes.v[i].seq,
				    sizeof(p->lanes.v[i].seq));

		if (ret)
			return ret;
	}
	return pc_hw_recover(p);
}

static void hw_stop(struct pmemcrypt_pool *p)
{
	p->base = NULL;
}

/* The memory controller holds the data keys, not this process. */
static void hw_forget_keys(struct pmemcrypt_pool *p)
{
}

/* Flushes [off, off+len) of the view; durable after the next fence. */
static void flush(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	p->media.flush_fn(p->base + off, len);
}

static int hw_persist(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	flush(p, off, len);
	pc_media_fence(&p->media);
	return 0;
}

/* Locks or unlocks the units of [off, off+len) (len > 0). */
static int lock_range(struct pmemcrypt_pool *p, struct pc_units *u,
		      uint64_t set[PC_STRIPES / 64], uint64_t off, size_t len,
		      int lock)
{
	if (lock) {
		pc_units_init(u);
		for (uint64_t i = off / PC_UNIT; i <= (off + len - 1) / PC_UNIT;
		     i++) {
			int ret = pc_units_add(u, i, PC_ALL_SECTORS);

			if (ret) {
				pc_units_fini(u);
				return ret;
			}
		}
	}
	pc_units_lock(&p->locks, u->v, u->n, set, lock);
	if (!lock)
		pc_units_fini(u);
	return 0;
}

/*
 * A redo record: the new content goes to the log first (the commit
 * point), then in place.  An undo record would read the old content, out
 * of cache, where this reads the caller's buffer twice.
 */
static int hw_write(struct pmemcrypt_pool *p, const void *buf, size_t len,
		    uint64_t off)
{
	uint64_t set[PC_STRIPES / 64];
	struct pc_undo redo = {0};
	struct pc_units u;
	int ret, end;

	if (len > (size_t)p->units_per_tx * PC_UNIT)
		return pc_err(PMEMCRYPT_E_TOO_BIG,
			      "write of %zu bytes exceeds the pool's atomic "
			      "limit of %u units",
			      len, p->units_per_tx);
	ret = lock_range(p, &u, set, off, len, 1);
	if (ret)
		return ret;
	ret = pc_hw_log(p, &redo, off, buf, len);
	if (!ret) {
		ret = pc_media_write(&p->media, p->hdr.data_off + off, buf,
				     len);
		pc_media_fence(&p->media);
	}
	end = pc_undo_end(p, &redo, 0);
	ret = ret ? ret : end;
	lock_range(p, &u, set, off, len, 0);
	return ret;
}

static int hw_read(struct pmemcrypt_pool *p, void *buf, size_t len,
		   uint64_t off)
{
	uint8_t *dst = buf;

	while (len) {
		uint64_t lba = off / PC_UNIT;
		size_t n = PC_UNIT - off % PC_UNIT;

		n = n < len ? n : len;
		pthread_mutex_lock(pc_unit_lock(&p->locks, lba));
		memcpy(dst, p->base + off, n);
		pthread_mutex_unlock(pc_unit_lock(&p->locks, lba));
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * Each range's old content goes to the transaction's undo record when it
 * is added (the view is the media); commit flushes the ranges.
 */
static int hw_tx_add(struct pmemcrypt_tx *tx, uint64_t off, size_t len)
{
	int ret;

	if (pc_tx_covers(tx, off, len))
		return 0;
	ret = pc_tx_reserve(tx);
	if (!ret)
		ret = pc_undo_add(tx->pool, tx->priv, off, len);
	if (!ret)
		pc_tx_append(tx, off, len);
	return ret;
}

/* Ends the transaction's undo record (rolled back or not). */
static int tx_end(struct pmemcrypt_tx *tx, int rollback)
{
	return pc_undo_end(tx->pool, tx->priv, rollback);
}

/* The view is the media: no DRAM to budget. */
static int hw_set_view_budget(struct pmemcrypt_pool *p, uint64_t bytes)
{
	(void)p;
	(void)bytes;
	return 0;
}

static int hw_tx_commit(struct pmemcrypt_tx *tx)
{
	for (size_t i = 0; i < tx->n; i++)
		flush(tx->pool, tx->ranges[i].off, tx->ranges[i].len);
	pc_media_fence(&tx->pool->media);
	return tx_end(tx, 0);
}

static void hw_tx_abort(struct pmemcrypt_tx *tx)
{
	(void)tx_end(tx, 1);
}

/* No map, no cipher: every unit is its own block. */
static int hw_check_units(struct pmemcrypt_pool *p,
			  struct pmemcrypt_check_report *r,
			  pmemcrypt_progress_fn *progress, void *arg)
{
	r->units_mapped = p->units;
	if (progress)
		progress(arg, "check", p->units, p->units);
	return 0;
}

const struct pc_engine pc_engine_hardware = {
	.id = PMEMCRYPT_ENGINE_HARDWARE,
	.minor = 1, /* 1.0 readers refuse it by its geometry */
	.incompat = PC_INCOMPAT_HARDWARE,
	.zero_data = 1, /* no map to say a unit reads as zeros */
	.tx_size = sizeof(struct pc_undo),
	.layout = hw_layout,
	.start = hw_start,
	.stop = hw_stop,
	.forget_keys = hw_forget_keys,
	.release_forked = hw_stop,
	.persist = hw_persist,
	.read = hw_read,
	.write = hw_write,
	.tx_add = hw_tx_add,
	.tx_commit = hw_tx_commit,
	.tx_abort = hw_tx_abort,
	.set_view_budget = hw_set_view_budget,
	.pending = pc_hw_pending,
	.check_units = hw_check_units,
	.unsaved = NULL, /* the view is the media */
};

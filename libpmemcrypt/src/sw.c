// SPDX-License-Identifier: BSD-3-Clause
/* sw.c -- the software engine: its layout, start and stop, its ops table */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigarray.h"
#include "layout.h"
#include "record.h"
#include "sw.h"

#define ROUND_UP(x, a) (((x) + (a)-1) / (a) * (a))

/*
 * Lanes of redo logs, the map, then the blocks: the units and spare
 * blocks that bound the size of one update (small pools keep at most an
 * eighth of their size spare), and one more per lane.
 */
static void sw_layout(struct pc_layout *lay, const struct pmemcrypt_config *cfg,
		      uint64_t units)
{
	uint64_t per_tx, entries_cap;

	per_tx = units / 8 > PC_LAYOUT_MIN_UNITS ? units / 8
						 : PC_LAYOUT_MIN_UNITS;
	per_tx = cfg->units_per_tx < per_tx ? cfg->units_per_tx : per_tx;
	lay->lanes = cfg->lanes;
	lay->lane_size = (uint32_t)ROUND_UP(
		PC_LOG_HEAD + per_tx * sizeof(struct pc_log_entry), PC_UNIT);
	entries_cap =
		(lay->lane_size - PC_LOG_HEAD) / sizeof(struct pc_log_entry);
	per_tx = entries_cap < per_tx ? entries_cap : per_tx;
	lay->units = units;
	lay->blocks = units + per_tx + cfg->lanes;
	lay->lanes_off = PC_HDR_AREA;
	lay->map_off = lay->lanes_off + (uint64_t)lay->lanes * lay->lane_size;
	lay->data_off = ROUND_UP(lay->map_off + units * 8, PC_UNIT);
	lay->file_size = lay->data_off + lay->blocks * PC_UNIT;
}

static int sw_start(struct pmemcrypt_pool *p)
{
	int ret = pc_store_init(p);

	if (!ret)
		ret = pc_store_recover(p);
	if (!ret)
		ret = pc_view_open(p);
	return ret;
}

static void sw_stop(struct pmemcrypt_pool *p)
{
	if (pc_sw(p))
		pc_view_close(p);
	pc_store_fini(p);
}

static void sw_forget_keys(struct pmemcrypt_pool *p)
{
	struct pc_sw *sw = pc_sw(p);

	for (uint32_t i = 0; sw && sw->lanes && i < p->lanes.n; i++)
		if (sw->lanes[i].xts)
			pc_xts_forget(sw->lanes[i].xts);
	if (sw && sw->view.xts)
		pc_xts_forget(sw->view.xts);
}

/*
 * In a forked child: the heap and descriptors of the engine.  Staging
 * pages and the view are not mapped there; the cipher contexts (already
 * re-keyed) stay, as libgcrypt's locks may be held by threads the child
 * does not have.
 */
static void sw_release_forked(struct pmemcrypt_pool *p)
{
	struct pc_sw *sw = pc_sw(p);

	if (!sw)
		return;
	for (uint32_t i = 0; sw->lanes && i < p->lanes.n; i++) {
		free(sw->lanes[i].entries);
		free(sw->lanes[i].old);
		free(sw->lanes[i].pbas);
	}
	free(sw->lanes);
	if (sw->view.uffd >= 0)
		close(sw->view.uffd);
	if (sw->view.stop_fd >= 0)
		close(sw->view.stop_fd);
	if (sw->view.trim_fd >= 0)
		close(sw->view.trim_fd);
	free(sw->view.present);
	free(sw->view.dirty);
	pc_array_free(sw->free_stack, sw->blocks, sizeof(uint64_t));
	pc_array_free(sw->map, p->units, sizeof(uint64_t));
	free(sw);
	p->priv = NULL;
}

/*
 * Whether a lane holds a committed record (as recovery sees one: a torn
 * or unknown record was never committed and is left alone there too).
 */
static int sw_pending(struct pmemcrypt_pool *p, uint32_t lane)
{
	size_t size = p->hdr.lane_size;
	const uint8_t *log =
		pc_media_at(&p->media, p->lanes.v[lane].log_off, size);
	struct pc_log_head h;
	uint64_t sum;

	if (!log)
		return 1;
	memcpy(&h, log, sizeof(h));
	if (!h.seq || !h.count || h.kind > PC_LOG_SECTORS ||
	    pc_record_len(h.kind, h.count) > size)
		return 0;
	sum = h.checksum;
	h.checksum = 0;
	return pc_fletcher64_more(pc_fletcher64_more(0, &h, sizeof(h)),
				  log + sizeof(h),
				  h.count * sizeof(struct pc_log_entry)) == sum;
}

const struct pc_engine pc_engine_software = {
	.id = PMEMCRYPT_ENGINE_SOFTWARE,
	.minor = 0, /* 1.0 readers keep opening software pools */
	.incompat = 0,
	.zero_data = 0, /* map entries of 0 read as zeros */
	.tx_size = sizeof(struct pc_sw_tx),
	.layout = sw_layout,
	.start = sw_start,
	.stop = sw_stop,
	.forget_keys = sw_forget_keys,
	.release_forked = sw_release_forked,
	.persist = pc_sw_persist,
	.read = pc_sw_read,
	.write = pc_sw_write,
	.tx_add = pc_sw_tx_add,
	.tx_commit = pc_sw_tx_commit,
	.tx_abort = pc_sw_tx_abort,
	.set_view_budget = pc_view_set_budget,
	.pending = sw_pending,
	.check_units = pc_sw_check_units,
	.unsaved = pc_sw_unsaved,
};

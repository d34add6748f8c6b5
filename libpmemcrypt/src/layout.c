// SPDX-License-Identifier: BSD-3-Clause
/* layout.c -- where the parts of a pool go */

#include <string.h>

#include "errormsg.h"
#include "layout.h"

#define ROUND_UP(x, a) (((x) + (a)-1) / (a) * (a))
#define MIN_UNITS 16

/*
 * Hardware engine: each lane holds an undo log for per_tx units; the data
 * follows the lanes (no map, no spare blocks).  Lanes share an eighth of
 * the pool between them (at least 16 units each).
 */
static void layout_hardware(struct pc_layout *lay,
			    const struct pmemcrypt_config *cfg, uint64_t units)
{
	uint64_t per_tx = units / 8 / cfg->lanes;

	per_tx = per_tx > MIN_UNITS ? per_tx : MIN_UNITS;
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

int pc_layout_for_size(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t units)
{
	uint64_t per_tx, entries_cap;

	if (units < MIN_UNITS || units > PC_MAP_PBA_MASK / 2)
		return pc_err(PMEMCRYPT_E_NO_SPACE,
			      "a pool holds %d to %llu units of %u bytes",
			      MIN_UNITS,
			      (unsigned long long)PC_MAP_PBA_MASK / 2, PC_UNIT);
	/* Spare blocks bound the size of one update; small pools keep at
	 * most an eighth of their size spare. */
	if (cfg->engine == PMEMCRYPT_ENGINE_HARDWARE) {
		layout_hardware(lay, cfg, units);
		return 0;
	}
	per_tx = units / 8 > MIN_UNITS ? units / 8 : MIN_UNITS;
	per_tx = cfg->units_per_tx < per_tx ? cfg->units_per_tx : per_tx;
	lay->lanes = cfg->lanes;
	lay->lane_size = (uint32_t)ROUND_UP(
		sizeof(struct pc_log_head) + per_tx * sizeof(struct pc_log_entry),
		PC_UNIT);
	entries_cap = (lay->lane_size - sizeof(struct pc_log_head)) /
		      sizeof(struct pc_log_entry);
	per_tx = entries_cap < per_tx ? entries_cap : per_tx;
	lay->units = units;
	lay->blocks = units + per_tx + cfg->lanes;
	lay->lanes_off = PC_HDR_AREA;
	lay->map_off = lay->lanes_off + (uint64_t)lay->lanes * lay->lane_size;
	lay->data_off = ROUND_UP(lay->map_off + units * 8, PC_UNIT);
	lay->file_size = lay->data_off + lay->blocks * PC_UNIT;
	return 0;
}

int pc_layout_for_file(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t file_size)
{
	uint64_t lo = MIN_UNITS, hi = file_size / PC_UNIT, best = 0;

	/* The size is monotonic in units: bisect for the largest fit. */
	while (lo <= hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (!pc_layout_for_size(lay, cfg, mid) &&
		    lay->file_size <= file_size) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (!best)
		return pc_err(PMEMCRYPT_E_NO_SPACE,
			      "%llu bytes hold no pool; give a size",
			      (unsigned long long)file_size);
	return pc_layout_for_size(lay, cfg, best);
}

void pc_layout_header(struct pc_header *h, const struct pc_layout *lay,
		      const struct pmemcrypt_config *cfg)
{
	int hw = cfg->engine == PMEMCRYPT_ENGINE_HARDWARE;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, PC_MAGIC, sizeof(h->magic));
	h->major = PC_FORMAT_MAJOR;
	/* Software pools stay 1.0: readers of 1.0 keep opening them. */
	h->minor = hw ? PC_FORMAT_MINOR : 0;
	h->incompat = hw ? PC_INCOMPAT_HARDWARE : 0;
	h->file_size = lay->file_size;
	h->unit_size = PC_UNIT;
	h->cipher = cfg->cipher;
	h->units = lay->units;
	h->blocks = lay->blocks;
	h->lanes_off = lay->lanes_off;
	h->lanes = lay->lanes;
	h->lane_size = lay->lane_size;
	h->map_off = lay->map_off;
	h->data_off = lay->data_off;
}

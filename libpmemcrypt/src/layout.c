// SPDX-License-Identifier: BSD-3-Clause
/* layout.c -- where the parts of a pool go */

#include <string.h>

#include "engine.h"
#include "errormsg.h"
#include "layout.h"

int pc_layout_for_size(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t units)
{
	if (units < PC_LAYOUT_MIN_UNITS || units > PC_MAP_PBA_MASK / 2)
		return pc_err(PMEMCRYPT_E_NO_SPACE,
			      "a pool holds %d to %llu units of %u bytes",
			      PC_LAYOUT_MIN_UNITS,
			      (unsigned long long)PC_MAP_PBA_MASK / 2, PC_UNIT);
	pc_engine_by_id(cfg->engine)->layout(lay, cfg, units);
	/* The token area goes between the engine's metadata and the data. */
	lay->tokens_off = lay->data_off;
	lay->data_off += PC_TOKEN_AREA;
	lay->file_size += PC_TOKEN_AREA;
	return 0;
}

int pc_layout_for_file(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t file_size)
{
	uint64_t lo = PC_LAYOUT_MIN_UNITS, hi = file_size / PC_UNIT, best = 0;

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
	const struct pc_engine *engine = pc_engine_by_id(cfg->engine);

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, PC_MAGIC, sizeof(h->magic));
	h->major = PC_FORMAT_MAJOR;
	h->minor = engine->minor;
	h->incompat = engine->incompat;
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
	h->tokens_off = lay->tokens_off;
}

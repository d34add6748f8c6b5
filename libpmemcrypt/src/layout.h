/* SPDX-License-Identifier: BSD-3-Clause */
/* layout.h -- where the parts of a pool go */

#ifndef PC_LAYOUT_H
#define PC_LAYOUT_H

#include "config.h"
#include "format.h"

#define PC_LAYOUT_MIN_UNITS 16 /* units of the smallest pool */

struct pc_layout {
	uint64_t units, blocks;
	uint32_t lanes, lane_size;
	uint64_t lanes_off, map_off, tokens_off, data_off, file_size;
};

/* Layout of a pool of the given number of units, by cfg's engine. */
int pc_layout_for_size(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t units);
/* Largest pool that fits in file_size bytes. */
int pc_layout_for_file(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t file_size);
/*
 * A fresh header (no slots, no uuid) for a layout; cfg->engine is
 * software or hardware (resolved), as for the layout functions.
 */
void pc_layout_header(struct pc_header *h, const struct pc_layout *lay,
		      const struct pmemcrypt_config *cfg);
#endif

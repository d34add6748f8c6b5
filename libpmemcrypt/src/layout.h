/* SPDX-License-Identifier: BSD-3-Clause */
/* layout.h -- where the parts of a pool go */

#ifndef PC_LAYOUT_H
#define PC_LAYOUT_H

#include "config.h"
#include "format.h"

struct pc_layout {
	uint64_t units, blocks;
	uint32_t lanes, lane_size;
	uint64_t lanes_off, map_off, data_off, file_size;
};

/* Layout of a pool of the given number of units. */
int pc_layout_for_size(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t units);
/* Largest pool that fits in file_size bytes. */
int pc_layout_for_file(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t file_size);
/* A fresh header (no slots, no uuid) for a layout. */
void pc_layout_header(struct pc_header *h, const struct pc_layout *lay,
		      enum pmemcrypt_cipher cipher);

#endif

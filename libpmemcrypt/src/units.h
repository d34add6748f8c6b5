/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * units.h -- entries naming a unit and its dirty sectors, and small sorted
 * sets of them
 */

#ifndef PC_UNITS_H
#define PC_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* An entry: a unit and the mask of its sectors an update writes. */
#define PC_ENT(lba, mask) (((uint64_t)(lba) << 4) | (mask))
#define PC_ENT_LBA(e) ((e) >> 4)
#define PC_ENT_MASK(e) ((unsigned)(e)&0xf)
#define PC_ALL_SECTORS 0xfu

struct pc_units {
	uint64_t *v;
	size_t n, cap;
	uint64_t inline_buf[64];
};

void pc_units_init(struct pc_units *u);
void pc_units_fini(struct pc_units *u);
/* Adds a unit with a mask of its sectors (a PC_ENT). */
int pc_units_add(struct pc_units *u, uint64_t unit, unsigned mask);
/* Sorts and merges entries of the same unit. */
void pc_units_sort(struct pc_units *u);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* units.h -- small sorted sets of units and their dirty sectors */

#ifndef PC_UNITS_H
#define PC_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct pc_units {
	uint64_t *v;
	size_t n, cap;
	uint64_t inline_buf[64];
};

void pc_units_init(struct pc_units *u);
void pc_units_fini(struct pc_units *u);
/* Adds a unit with a mask of its sectors (store.h's PC_ENT encoding). */
int pc_units_add(struct pc_units *u, uint64_t unit, unsigned mask);
/* Sorts and merges entries of the same unit. */
void pc_units_sort(struct pc_units *u);

#endif

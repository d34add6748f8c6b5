// SPDX-License-Identifier: BSD-3-Clause
/* units.c -- small sorted sets of units and their dirty sectors */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "units.h"

void pc_units_init(struct pc_units *u)
{
	u->v = u->inline_buf;
	u->n = 0;
	u->cap = sizeof(u->inline_buf) / sizeof(u->inline_buf[0]);
}

void pc_units_fini(struct pc_units *u)
{
	if (u->v != u->inline_buf)
		free(u->v);
	pc_units_init(u);
}

int pc_units_add(struct pc_units *u, uint64_t unit, unsigned mask)
{
	if (u->n == u->cap) {
		size_t cap = u->cap * 2;
		uint64_t *v = malloc(cap * sizeof(*v));

		if (!v)
			return pc_err(-ENOMEM, "out of memory");
		memcpy(v, u->v, u->n * sizeof(*v));
		if (u->v != u->inline_buf)
			free(u->v);
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = PC_ENT(unit, mask);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void pc_units_sort(struct pc_units *u)
{
	size_t j = 0;

	if (u->n < 2)
		return;
	qsort(u->v, u->n, sizeof(u->v[0]), cmp_u64);
	for (size_t i = 0; i < u->n; i++)
		if (j && PC_ENT_LBA(u->v[i]) == PC_ENT_LBA(u->v[j - 1]))
			u->v[j - 1] |= u->v[i];
		else
			u->v[j++] = u->v[i];
	u->n = j;
}

// SPDX-License-Identifier: BSD-3-Clause
/* lane.c -- lanes: one writer at a time on each lane's log */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "lane.h"

static __thread unsigned lane_hint;
static unsigned lane_next;

int pc_lanes_init(struct pc_lanes *lanes, const struct pc_header *h)
{
	lanes->v = aligned_alloc(64, h->lanes * sizeof(*lanes->v));
	if (!lanes->v)
		return pc_err(-ENOMEM, "out of memory");
	memset(lanes->v, 0, h->lanes * sizeof(*lanes->v));
	lanes->n = h->lanes;
	for (uint32_t i = 0; i < lanes->n; i++) {
		struct pc_lane *l = &lanes->v[i];

		pthread_mutex_init(&l->lock, NULL);
		l->index = i;
		l->log_off = h->lanes_off + (uint64_t)i * h->lane_size;
	}
	return 0;
}

void pc_lanes_fini(struct pc_lanes *lanes)
{
	for (uint32_t i = 0; lanes->v && i < lanes->n; i++)
		pthread_mutex_destroy(&lanes->v[i].lock);
	free(lanes->v);
	lanes->v = NULL;
	lanes->n = 0;
}

struct pc_lane *pc_lane_get(struct pc_lanes *lanes)
{
	unsigned n = lanes->n, start;

	if (!lane_hint)
		lane_hint = __atomic_add_fetch(&lane_next, 1, __ATOMIC_RELAXED);
	start = lane_hint % n;
	for (unsigned i = 0; i < n; i++) {
		struct pc_lane *l = &lanes->v[(start + i) % n];

		if (!pthread_mutex_trylock(&l->lock))
			return l;
	}
	pthread_mutex_lock(&lanes->v[start].lock);
	return &lanes->v[start];
}

void pc_lane_put(struct pc_lane *lane)
{
	pthread_mutex_unlock(&lane->lock);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* lane.h -- lanes: one writer at a time on each lane's log */

#ifndef PC_LANE_H
#define PC_LANE_H

#include <pthread.h>
#include <stdint.h>

#include "format.h"

struct pc_lane {
	/* A cache line of its own: lanes are taken by different threads. */
	_Alignas(64) pthread_mutex_t lock;
	uint32_t index;
	uint64_t log_off; /* media offset of the lane's log */
	uint64_t seq;	  /* sequence number of its last record */
};

struct pc_lanes {
	struct pc_lane *v;
	uint32_t n;
};

/* The lanes a header lays out (sequence numbers from 0). */
int pc_lanes_init(struct pc_lanes *lanes, const struct pc_header *h);
void pc_lanes_fini(struct pc_lanes *lanes);

/* Takes a free lane, preferring the one this thread used last. */
struct pc_lane *pc_lane_get(struct pc_lanes *lanes);
void pc_lane_put(struct pc_lane *lane);

#endif

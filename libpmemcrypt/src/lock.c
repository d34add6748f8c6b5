// SPDX-License-Identifier: BSD-3-Clause
/* lock.c -- unit locks: PC_STRIPES mutexes shared by unit number */

#include <string.h>

#include "lock.h"
#include "units.h"

void pc_locks_init(struct pc_locks *l)
{
	for (int i = 0; i < PC_STRIPES; i++)
		pthread_mutex_init(&l->stripes[i], NULL);
}

void pc_locks_fini(struct pc_locks *l)
{
	for (int i = 0; i < PC_STRIPES; i++)
		pthread_mutex_destroy(&l->stripes[i]);
}

void pc_units_lock(struct pc_locks *l, const uint64_t *ents, size_t n,
		   uint64_t set[PC_STRIPES / 64], int lock)
{
	if (n == 1) {
		pthread_mutex_t *m = pc_unit_lock(l, PC_ENT_LBA(ents[0]));

		(lock ? pthread_mutex_lock : pthread_mutex_unlock)(m);
		return;
	}
	if (lock) {
		memset(set, 0, PC_STRIPES / 8);
		for (size_t i = 0; i < n; i++) {
			uint64_t st = PC_ENT_LBA(ents[i]) % PC_STRIPES;

			set[st / 64] |= 1ull << (st % 64);
		}
	}
	for (int w = 0; w < PC_STRIPES / 64; w++)
		for (uint64_t b = set[w]; b; b &= b - 1) {
			pthread_mutex_t *m =
				&l->stripes[w * 64 + __builtin_ctzll(b)];

			(lock ? pthread_mutex_lock : pthread_mutex_unlock)(m);
		}
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* view.h -- the software engine's view: DRAM pages decrypted on first touch */

#ifndef PC_VIEW_H
#define PC_VIEW_H

#include <pthread.h>
#include <stdint.h>

#define PC_READAHEAD_MAX 64 /* units filled by one fault, at most */

struct pmemcrypt_pool;
struct pc_xts;

/* The view's base and size are the pool's (p->base, p->size). */
struct pc_view {
	uint64_t *present; /* bitmap: unit populated in the view */
	int uffd;	   /* -1: eager view (no userfaultfd) */
	int stop_fd;	   /* eventfd that stops the fault thread */
	pthread_t thread;
	int thread_started;
	struct pc_xts *xts; /* the fault thread's cipher context */
	uint8_t *page;	    /* the fault thread's staging pages */
};

int pc_view_open(struct pmemcrypt_pool *p);
void pc_view_close(struct pmemcrypt_pool *p);

static inline int pc_view_present(const struct pc_view *v, uint64_t unit)
{
	return (__atomic_load_n(&v->present[unit / 64], __ATOMIC_ACQUIRE) >>
		(unit % 64)) &
	       1;
}

#endif

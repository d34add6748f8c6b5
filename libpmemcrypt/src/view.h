/* SPDX-License-Identifier: BSD-3-Clause */
/* view.h -- the software engine's view: DRAM pages decrypted on first touch */

#ifndef PC_VIEW_H
#define PC_VIEW_H

#include <pthread.h>
#include <stdint.h>

#define PC_READAHEAD_MAX 64 /* units filled by one fault, at most */

struct pmemcrypt_pool;
struct pc_xts;

/*
 * The view's base and size are the pool's (p->base, p->size).  A unit is
 * present when its page holds its plaintext; a present unit is clean
 * when its page is write-protected and equals its durable content, dirty
 * otherwise (stores to it may not be durable).  Units are evicted (made
 * absent again) only by the fault thread, under their locks, and only
 * when they equal their durable content: unpersisted stores stay.
 */
struct pc_view {
	uint64_t *present; /* bitmap: unit populated in the view */
	uint64_t *dirty;   /* bitmap: present unit maybe not durable */
	uint64_t resident; /* units present (fault thread; atomic reads) */
	uint64_t budget;   /* units the view may hold (atomic) */
	uint64_t hand;	   /* where eviction looks next (fault thread) */
	int wp;		   /* the view can be write-protected */
	int uffd;	   /* -1: eager view (no userfaultfd) */
	int stop_fd;	   /* eventfd that stops the fault thread */
	int trim_fd;	   /* eventfd: the budget went down */
	pthread_t thread;
	int thread_started;
	struct pc_xts *xts; /* the fault thread's cipher context */
	uint8_t *page;	    /* the fault thread's staging pages */
	uint8_t *durable;   /* a unit's durable plaintext, for eviction */
};

int pc_view_open(struct pmemcrypt_pool *p);
void pc_view_close(struct pmemcrypt_pool *p);

static inline int pc_bit_test(const uint64_t *map, uint64_t unit)
{
	return (__atomic_load_n(&map[unit / 64], __ATOMIC_ACQUIRE) >>
		(unit % 64)) &
	       1;
}

static inline int pc_view_present(const struct pc_view *v, uint64_t unit)
{
	return pc_bit_test(v->present, unit);
}

/* Whether a present unit equals its durable content (caller holds its lock). */
static inline int pc_view_clean(const struct pc_view *v, uint64_t unit)
{
	return !pc_bit_test(v->dirty, unit);
}

/*
 * Before the library itself stores to a present unit's page, under the
 * unit's lock: makes the page writable (a clean page is write-protected)
 * and the unit dirty.
 */
void pc_view_make_writable(struct pmemcrypt_pool *p, uint64_t unit);

/*
 * Replaces a present unit's page with a whole unit from src, under the
 * unit's lock, with non-temporal stores: the page's lines are not read
 * into the cache only to be overwritten (about a fifth of a
 * pmemcrypt_write() of 4 KiB on the development machine), and are left
 * out of it.  The stores are weakly ordered: the caller fences
 * (pc_media_fence()) before it releases the lock, which also lets them
 * drain while the unit is encrypted.
 */
void pc_view_fill_unit(struct pmemcrypt_pool *p, uint64_t unit,
		       const void *src);

/* view_budget.c: how many units the view holds, and eviction */

/* The budget in bytes from PMEMCRYPT_VIEW_BUDGET or the default. */
int pc_view_budget_default(uint64_t *bytes);
/* Sets the budget (bytes; 0: the default). */
int pc_view_set_budget(struct pmemcrypt_pool *p, uint64_t bytes);
/*
 * Makes room for n more units: evicts clean units, and dirty units
 * found equal to their durable content, until the view holds at most
 * budget - n.  Fault thread only.  Returns whether pages filled next
 * must be write-protected (the budget is below the pool's size).
 */
int pc_view_make_room(struct pmemcrypt_pool *p, uint64_t n);

/* view.c, for view_budget.c: write-protects (1) or releases (0) units. */
int pc_view_protect(struct pc_view *v, uint8_t *addr, uint64_t n, int on);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* pool.h -- an open object pool: a libpmemcrypt pool and its heap */
#ifndef PCOBJ_POOL_H
#define PCOBJ_POOL_H 1

#include <pthread.h>
#include <stdint.h>

#include <libpmemobj.h>

#include "format.h"
#include "heap.h"

struct pmemobjpool {
	struct pmemcrypt_pool *pool;
	char *base; /* the view */
	uint64_t size;
	uint64_t uuid_lo;
	uint64_t run_id; /* this open's id: locks in objects compare it */
	size_t max_atomic;
	/*
	 * Blocks a transaction allocates up to this size are declared in it
	 * (the software engine: no copy is made), larger ones persisted
	 * before the commit (the hardware engine: 0, declaring copies the
	 * old contents into the undo log).  Chosen at open.
	 */
	uint64_t tx_declare_max;
	struct pcobj_hdr *hdr;	      /* in the view */
	uint64_t root_off, root_size; /* as committed */
	struct pcobj_heap heap;
	pthread_mutex_t root_lock;
	pthread_mutex_t list_lock;
	PMEMobjpool *next; /* in the registry */
};

/* The pool whose data holds [p, p + len); NULL if none. */
PMEMobjpool *pool_of_range(const void *p, size_t len);
/* Whether [p, p + len) lies in pop's data. */
static inline int pool_holds(const PMEMobjpool *pop, const void *p, size_t len)
{
	const char *c = p;

	return c >= pop->base && len <= pop->size &&
	       (uint64_t)(c - pop->base) <= pop->size - len;
}

static inline PMEMoid pool_oid(const PMEMobjpool *pop, uint64_t off)
{
	PMEMoid oid = {off ? pop->uuid_lo : 0, off};

	return oid;
}

/* Persists [addr, addr + len) in pieces of the atomic limit. */
int pool_persist(PMEMobjpool *pop, const void *addr, size_t len);

#endif

// SPDX-License-Identifier: BSD-3-Clause
/*
 * registry.c -- the open object pools of the process.  pmemobj_direct()
 * looks a pool up by its id; each thread keeps the last one it found,
 * valid while the registry's generation is unchanged.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>

#include "pool.h"
#include "registry.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static PMEMobjpool *pools;
static uint64_t generation = 1;

static __thread struct {
	uint64_t generation;
	uint64_t uuid_lo;
	PMEMobjpool *pop;
} cache;

int registry_add(PMEMobjpool *pop)
{
	int ret = 0;

	pthread_rwlock_wrlock(&lock);
	for (PMEMobjpool *p = pools; p; p = p->next)
		if (p->uuid_lo == pop->uuid_lo)
			ret = -EEXIST;
	if (!ret) {
		pop->next = pools;
		pools = pop;
		__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
	}
	pthread_rwlock_unlock(&lock);
	return ret;
}

void registry_remove(PMEMobjpool *pop)
{
	pthread_rwlock_wrlock(&lock);
	for (PMEMobjpool **pp = &pools; *pp; pp = &(*pp)->next) {
		if (*pp == pop) {
			*pp = pop->next;
			break;
		}
	}
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&lock);
}

PMEMobjpool *registry_find(uint64_t uuid_lo)
{
	uint64_t gen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
	PMEMobjpool *found = NULL;

	if (cache.generation == gen && cache.uuid_lo == uuid_lo)
		return cache.pop;
	pthread_rwlock_rdlock(&lock);
	for (PMEMobjpool *p = pools; p; p = p->next)
		if (p->uuid_lo == uuid_lo)
			found = p;
	gen = generation;
	pthread_rwlock_unlock(&lock);
	cache.generation = gen;
	cache.uuid_lo = uuid_lo;
	cache.pop = found;
	return found;
}

PMEMobjpool *pool_of_range(const void *p, size_t len)
{
	PMEMobjpool *found = NULL;

	pthread_rwlock_rdlock(&lock);
	for (PMEMobjpool *q = pools; q && !found; q = q->next)
		if (pool_holds(q, p, len))
			found = q;
	pthread_rwlock_unlock(&lock);
	return found;
}

void *pmemobj_direct(PMEMoid oid)
{
	PMEMobjpool *pop;

	if (oid.off == 0)
		return NULL;
	pop = registry_find(oid.pool_uuid_lo);
	if (!pop || oid.off >= pop->size)
		return NULL;
	return pop->base + oid.off;
}

PMEMobjpool *pmemobj_pool_by_oid(PMEMoid oid)
{
	return oid.off ? registry_find(oid.pool_uuid_lo) : NULL;
}

PMEMobjpool *pmemobj_pool_by_ptr(const void *addr)
{
	return pool_of_range(addr, 1);
}

PMEMoid pmemobj_oid(const void *addr)
{
	PMEMobjpool *pop = pool_of_range(addr, 1);

	if (!pop)
		return OID_NULL;
	return pool_oid(pop, (uint64_t)((const char *)addr - pop->base));
}

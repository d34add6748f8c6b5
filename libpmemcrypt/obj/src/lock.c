// SPDX-License-Identifier: BSD-3-Clause
/*
 * lock.c -- locks kept in objects.  Each holds the run id of the open it
 * was initialized in; the first use in a later open initializes it again,
 * so a lock left held by a crashed program is free after reopening.
 */
#include <errno.h>
#include <sched.h>

#include "err.h"
#include "pool.h"

/* Initializes the lock once per open; init does the type's part. */
static int lock_ready(PMEMobjpool *pop, uint64_t *runid, void (*init)(void *),
		      void *lock)
{
	uint64_t id, busy;

	if (!pop)
		return EINVAL;
	id = pop->run_id;
	busy = id - 1; /* run ids are even: odd means being set up */
	for (;;) {
		uint64_t cur = __atomic_load_n(runid, __ATOMIC_ACQUIRE);

		if (cur == id)
			return 0;
		if (cur != busy &&
		    __atomic_compare_exchange_n(runid, &cur, busy, 0,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			init(lock);
			__atomic_store_n(runid, id, __ATOMIC_RELEASE);
			return 0;
		}
		sched_yield();
	}
}

static void mutex_init(void *m)
{
	pthread_mutex_init(m, NULL);
}

static void rwlock_init(void *l)
{
	pthread_rwlock_init(l, NULL);
}

static void cond_init(void *c)
{
	pthread_cond_init(c, NULL);
}

#define MUTEX(pop, m)                                      \
	lock_ready(pop, &(m)->pmemmutex.runid, mutex_init, \
		   &(m)->pmemmutex.mutex)
#define RWLOCK(pop, l)                                       \
	lock_ready(pop, &(l)->pmemrwlock.runid, rwlock_init, \
		   &(l)->pmemrwlock.rwlock)
#define COND(pop, c) \
	lock_ready(pop, &(c)->pmemcond.runid, cond_init, &(c)->pmemcond.cond)

void pmemobj_mutex_zero(PMEMobjpool *pop, PMEMmutex *m)
{
	m->pmemmutex.runid = 0;
	pmemobj_persist(pop, &m->pmemmutex.runid, sizeof(m->pmemmutex.runid));
}

int pmemobj_mutex_lock(PMEMobjpool *pop, PMEMmutex *m)
{
	return MUTEX(pop, m) ?: pthread_mutex_lock(&m->pmemmutex.mutex);
}

int pmemobj_mutex_timedlock(PMEMobjpool *pop, PMEMmutex *m,
			    const struct timespec *abs_timeout)
{
	return MUTEX(pop, m)
		       ?: pthread_mutex_timedlock(&m->pmemmutex.mutex,
						  abs_timeout);
}

int pmemobj_mutex_trylock(PMEMobjpool *pop, PMEMmutex *m)
{
	return MUTEX(pop, m) ?: pthread_mutex_trylock(&m->pmemmutex.mutex);
}

int pmemobj_mutex_unlock(PMEMobjpool *pop, PMEMmutex *m)
{
	return MUTEX(pop, m) ?: pthread_mutex_unlock(&m->pmemmutex.mutex);
}

void pmemobj_rwlock_zero(PMEMobjpool *pop, PMEMrwlock *l)
{
	l->pmemrwlock.runid = 0;
	pmemobj_persist(pop, &l->pmemrwlock.runid, sizeof(l->pmemrwlock.runid));
}

int pmemobj_rwlock_rdlock(PMEMobjpool *pop, PMEMrwlock *l)
{
	return RWLOCK(pop, l) ?: pthread_rwlock_rdlock(&l->pmemrwlock.rwlock);
}

int pmemobj_rwlock_wrlock(PMEMobjpool *pop, PMEMrwlock *l)
{
	return RWLOCK(pop, l) ?: pthread_rwlock_wrlock(&l->pmemrwlock.rwlock);
}

int pmemobj_rwlock_tryrdlock(PMEMobjpool *pop, PMEMrwlock *l)
{
	return RWLOCK(pop, l)
		       ?: pthread_rwlock_tryrdlock(&l->pmemrwlock.rwlock);
}

int pmemobj_rwlock_trywrlock(PMEMobjpool *pop, PMEMrwlock *l)
{
	return RWLOCK(pop, l)
		       ?: pthread_rwlock_trywrlock(&l->pmemrwlock.rwlock);
}

int pmemobj_rwlock_unlock(PMEMobjpool *pop, PMEMrwlock *l)
{
	return RWLOCK(pop, l) ?: pthread_rwlock_unlock(&l->pmemrwlock.rwlock);
}

void pmemobj_cond_zero(PMEMobjpool *pop, PMEMcond *c)
{
	c->pmemcond.runid = 0;
	pmemobj_persist(pop, &c->pmemcond.runid, sizeof(c->pmemcond.runid));
}

int pmemobj_cond_broadcast(PMEMobjpool *pop, PMEMcond *c)
{
	return COND(pop, c) ?: pthread_cond_broadcast(&c->pmemcond.cond);
}

int pmemobj_cond_signal(PMEMobjpool *pop, PMEMcond *c)
{
	return COND(pop, c) ?: pthread_cond_signal(&c->pmemcond.cond);
}

int pmemobj_cond_wait(PMEMobjpool *pop, PMEMcond *c, PMEMmutex *m)
{
	return COND(pop, c) ?: MUTEX(pop, m) ?:
		       pthread_cond_wait(&c->pmemcond.cond,
					 &m->pmemmutex.mutex);
}

// SPDX-License-Identifier: BSD-3-Clause
/* fork.c -- what a forked child keeps of the open pools: no keys */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "errormsg.h"
#include "fork.h"
#include "pool.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct pmemcrypt_pool **pools;
static size_t npools, cap;
static int atfork_result;

static void before_fork(void)
{
	pthread_mutex_lock(&lock);
}

static void in_parent(void)
{
	pthread_mutex_unlock(&lock);
}

/* The child: one thread, the list as it was; nothing else to wait for. */
static void in_child(void)
{
	for (size_t i = 0; i < npools; i++) {
		pools[i]->forked = 1;
		if (pools[i]->engine)
			pools[i]->engine->forget_keys(pools[i]);
	}
	pthread_mutex_unlock(&lock);
}

static void register_once(void)
{
	atfork_result = pthread_atfork(before_fork, in_parent, in_child);
}

int pc_fork_track(struct pmemcrypt_pool *p)
{
	int ret = 0;

	pthread_once(&once, register_once);
	if (atfork_result)
		return pc_err(-atfork_result, "pthread_atfork failed");
	pthread_mutex_lock(&lock);
	if (npools == cap) {
		size_t n = cap ? cap * 2 : 8;
		struct pmemcrypt_pool **v = realloc(pools, n * sizeof(*v));

		if (v) {
			pools = v;
			cap = n;
		}
	}
	if (npools < cap)
		pools[npools++] = p;
	else
		ret = pc_err(-ENOMEM, "out of memory");
	pthread_mutex_unlock(&lock);
	return ret;
}

void pc_fork_untrack(struct pmemcrypt_pool *p)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < npools; i++)
		if (pools[i] == p) {
			pools[i] = pools[--npools];
			break;
		}
	pthread_mutex_unlock(&lock);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* pool.h -- the open pool object */

#ifndef PC_POOL_H
#define PC_POOL_H

#include <pthread.h>
#include <stdint.h>

#include "engine.h"
#include "format.h"
#include "lane.h"
#include "lock.h"
#include "media.h"
#include "slot.h"

struct pc_check;

/* Secrets, kept in one locked page. */
struct pc_secrets {
	uint8_t dek[PC_DEK_SIZE];
	uint8_t mac_key[32];
};

struct pmemcrypt_pool {
	char *path;
	const struct pc_engine *engine; /* chosen at create or open */
	void *priv;			/* the engine's state */
	struct pc_media media;
	struct pc_header hdr; /* the current header */
	struct pc_secrets *sec;
	struct pc_kdf_cost kdf;
	uint64_t units;
	uint32_t units_per_tx; /* set by the engine's start */
	uint8_t *base;	       /* the view: what the application uses */
	size_t size;
	struct pc_lanes lanes;
	struct pc_locks locks;
	pthread_mutex_t hdr_lock; /* header (key slot) changes */
	struct pc_check *check;	  /* check mode's state; NULL when off */
	int forked; /* 1 in a child made by fork() while the pool was open */
	/*
	 * Transactions open (atomic), on a cache line of its own: each
	 * tx_begin and its end write it, and every call reads the fields
	 * above.
	 */
	_Alignas(64) int ntx;
};

/*
 * 0 when pool may be used; else PMEMCRYPT_E_INVALID (a NULL pool, or the
 * parent's pool in a forked child), with what names the call.
 */
int pc_pool_usable(const struct pmemcrypt_pool *p, const char *what);

/* Writes both header copies (B first) with a new generation. */
int pc_pool_write_header(struct pmemcrypt_pool *p);

#endif

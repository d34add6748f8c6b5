/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine.h -- the engine interface: how a pool's data reaches the media,
 * chosen once when the pool is created or opened
 */

#ifndef PC_ENGINE_H
#define PC_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "libpmemcrypt.h"

#define PC_VIEW_BUDGET_MIN (64u << 10) /* bytes; the smallest view budget */

struct pmemcrypt_config;
struct pmemcrypt_pool;
struct pmemcrypt_tx;
struct pc_layout;

/* A run of len bytes at offset off of the view (check mode's reports). */
typedef void pc_run_fn(void *arg, uint64_t off, size_t len);

/*
 * An engine.  Offsets are offsets in the pool's view, already checked
 * against its size; lengths are not 0.
 */
struct pc_engine {
	enum pmemcrypt_engine id;
	uint32_t minor;	   /* the format version its pools need */
	uint32_t incompat; /* its incompatible feature flags */
	int zero_data;	   /* create zeroes the data area */
	size_t tx_size;	   /* its state per transaction: tx->priv, zeroed */

	/* The layout of a new pool of units units. */
	void (*layout)(struct pc_layout *lay,
		       const struct pmemcrypt_config *cfg, uint64_t units);
	/* Brings up a mapped, authenticated pool: recovery, the view. */
	int (*start)(struct pmemcrypt_pool *p);
	/* Undoes start (also after a failed start). */
	void (*stop)(struct pmemcrypt_pool *p);
	/* In a forked child: drops every key the engine holds. */
	void (*forget_keys)(struct pmemcrypt_pool *p);
	/*
	 * Frees, in a forked child, what the engine holds there: not what
	 * is not mapped in children (views, staging pages), nor threads.
	 */
	void (*release_forked)(struct pmemcrypt_pool *p);

	int (*persist)(struct pmemcrypt_pool *p, uint64_t off, size_t len);
	int (*read)(struct pmemcrypt_pool *p, void *buf, size_t len,
		    uint64_t off);
	int (*write)(struct pmemcrypt_pool *p, const void *buf, size_t len,
		     uint64_t off);

	int (*tx_add)(struct pmemcrypt_tx *tx, uint64_t off, size_t len);
	int (*tx_commit)(struct pmemcrypt_tx *tx);
	void (*tx_abort)(struct pmemcrypt_tx *tx);

	/*
	 * The most DRAM the view may hold (bytes: 0 for the default, else
	 * at least PC_VIEW_BUDGET_MIN).
	 */
	int (*set_view_budget)(struct pmemcrypt_pool *p, uint64_t bytes);
	/* Whether a lane holds a record (1 also when it is corrupt). */
	int (*pending)(struct pmemcrypt_pool *p, uint32_t lane);
	/* Checks every unit, counting into r. */
	int (*check_units)(struct pmemcrypt_pool *p,
			   struct pmemcrypt_check_report *r,
			   pmemcrypt_progress_fn *progress, void *arg);

	/*
	 * Check mode: calls fn for every run of bytes of [off, off+len) of
	 * the view whose content differs from their durable content.  NULL
	 * when every store to the view is a store to the media.
	 */
	int (*unsaved)(struct pmemcrypt_pool *p, uint64_t off, uint64_t len,
		       pc_run_fn *fn, void *arg);
};

extern const struct pc_engine pc_engine_software;
extern const struct pc_engine pc_engine_hardware;

/* The engine of a pool whose header has these incompatible flags. */
static inline const struct pc_engine *pc_engine_of(uint32_t incompat)
{
	return incompat & PC_INCOMPAT_HARDWARE ? &pc_engine_hardware
					       : &pc_engine_software;
}

/* The engine of a resolved choice (software or hardware). */
static inline const struct pc_engine *pc_engine_by_id(enum pmemcrypt_engine e)
{
	return e == PMEMCRYPT_ENGINE_HARDWARE ? &pc_engine_hardware
					      : &pc_engine_software;
}

#endif

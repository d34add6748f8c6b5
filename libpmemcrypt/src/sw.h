/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sw.h -- the software engine: AES-XTS units written out of place through
 * a map, sectors rewritten in place through redo records, a DRAM view
 */

#ifndef PC_SW_H
#define PC_SW_H

#include "pool.h"
#include "units.h"
#include "view.h"

/* What a lane holds on the software engine. */
struct pc_sw_lane {
	/* A cache line of its own: lanes are written by different threads. */
	_Alignas(64) struct pc_xts *xts;
	uint8_t *bounce;  /* ciphertext staging, PC_UNIT */
	uint8_t *scratch; /* plaintext staging, PC_UNIT */
	uint8_t *entries; /* DRAM image of the lane's record */
	uint64_t *old;	  /* blocks freed by the update */
	uint64_t *pbas;	  /* blocks taken by the update */
	/*
	 * A free block kept by the lane (block + 1; 0: none): a one-unit
	 * update takes it and leaves the block it freed in its place,
	 * without the pool-wide free list.  At most one per lane, so the
	 * free list always holds units_per_tx blocks for the others.
	 */
	uint64_t spare;
};

struct pc_sw {
	uint64_t blocks;
	/*
	 * The map: read from the media and validated at open, then kept
	 * here; the media's copy is written, never read back while the
	 * pool is open.  Entries change under unit locks.
	 */
	uint64_t *map;
	pthread_mutex_t alloc_lock;
	pthread_cond_t alloc_cond;
	uint64_t *free_stack;
	uint64_t nfree;
	struct pc_sw_lane *lanes; /* one per lane of the pool */
	struct pc_view view;
	/*
	 * Per unit-lock stripe (atomic), the open transactions that added a
	 * range in a unit of the stripe (low 32 bits), and how many times
	 * one did since open (high 32 bits): it tells an update that no
	 * other transaction may have stored into the sectors it makes
	 * durable (view_alone() in sw_io.c).
	 */
	uint64_t claims[PC_STRIPES];
};

/* A claim: one more transaction open on the stripe, one more claim made. */
#define PC_CLAIM_ADD ((1ull << 32) + 1)
#define PC_CLAIM_OPEN(w) ((uint32_t)(w))

/* Units a software transaction holds without allocating. */
#define PC_SW_TX_INLINE_UNITS 16

/*
 * A software transaction's state: the units its ranges cover, and the
 * stripes it holds a claim on.
 */
struct pc_sw_tx {
	uint64_t *v; /* sorted, each once: inline_units, or allocated */
	size_t n, cap;
	uint64_t claimed[PC_STRIPES / 64];
	uint64_t inline_units[PC_SW_TX_INLINE_UNITS];
};

static inline struct pc_sw *pc_sw(const struct pmemcrypt_pool *p)
{
	return p->priv;
}

static inline struct pc_sw_lane *pc_sw_lane(const struct pmemcrypt_pool *p,
					    const struct pc_lane *l)
{
	return &pc_sw(p)->lanes[l->index];
}

static inline uint64_t pc_map_off(const struct pmemcrypt_pool *p, uint64_t lba)
{
	return p->hdr.map_off + lba * 8;
}

static inline uint64_t pc_block_off(const struct pmemcrypt_pool *p,
				    uint64_t pba)
{
	return p->hdr.data_off + pba * PC_UNIT;
}

/* Media offset of a sector named pba * PC_SECTORS + n (sector records). */
static inline uint64_t pc_sector_off(const struct pmemcrypt_pool *p,
				     uint64_t sector)
{
	return pc_block_off(p, sector / PC_SECTORS) +
	       (sector % PC_SECTORS) * PC_SECTOR;
}

/* XTS tweak of a sector: (lba * 4 + sector, pba), little-endian. */
static inline void pc_tweak(uint8_t tweak[PC_TWEAK_SIZE], uint64_t lba,
			    unsigned sector, uint64_t pba)
{
	uint64_t n = lba * PC_SECTORS + sector;

	__builtin_memcpy(tweak, &n, 8);
	__builtin_memcpy(tweak + 8, &pba, 8);
}

/* store.c: units on the media */

/*
 * Gives the new plaintext of the i-th unit of an update, called with the
 * unit's lock held: at least the sectors in need (a mask) are valid.  It
 * may use the lane's scratch page and cipher.
 */
typedef const uint8_t *pc_plain_fn(void *arg, struct pc_sw_lane *lane, size_t i,
				   uint64_t lba, unsigned need);

/* The engine's state and lanes: started by sw.c, freed by pc_store_fini. */
int pc_store_init(struct pmemcrypt_pool *p);
void pc_store_fini(struct pmemcrypt_pool *p);
/* Writes n units (entries sorted, one per unit) as one atomic update. */
int pc_store_update(struct pmemcrypt_pool *p, const uint64_t *ents, size_t n,
		    pc_plain_fn *plain, void *arg);
/* Decrypts the durable content of a unit; caller holds its lock. */
int pc_store_read_unit(struct pmemcrypt_pool *p, struct pc_xts *xts,
		       uint64_t lba, uint8_t *dst);
/* Decrypts the durable content of the sectors in mask of a unit. */
int pc_store_read_sectors(struct pmemcrypt_pool *p, struct pc_xts *xts,
			  uint64_t lba, unsigned mask, uint8_t *dst);
/* Empties a lane's record once it is applied. */
int pc_record_clear(struct pmemcrypt_pool *p, uint64_t log_off);

/*
 * recover.c: reads and validates the map, replays committed redo records
 * and builds the free-block list.  Nothing on the media changes unless
 * the map and every record are valid.
 */
int pc_store_recover(struct pmemcrypt_pool *p);

/* sw_io.c: the engine's persist, read, write, transactions and check */
int pc_sw_persist(struct pmemcrypt_pool *p, uint64_t off, size_t len);
int pc_sw_read(struct pmemcrypt_pool *p, void *buf, size_t len, uint64_t off);
int pc_sw_write(struct pmemcrypt_pool *p, const void *buf, size_t len,
		uint64_t off);
int pc_sw_tx_add(struct pmemcrypt_tx *tx, uint64_t off, size_t len);
int pc_sw_tx_commit(struct pmemcrypt_tx *tx);
void pc_sw_tx_abort(struct pmemcrypt_tx *tx);
int pc_sw_check_units(struct pmemcrypt_pool *p,
		      struct pmemcrypt_check_report *r,
		      pmemcrypt_progress_fn *progress, void *arg);

/* sw_unsaved.c: check mode's runs of the view never made durable */
int pc_sw_unsaved(struct pmemcrypt_pool *p, uint64_t off, uint64_t len,
		  pc_run_fn *fn, void *arg);

#endif

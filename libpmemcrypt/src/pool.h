/* SPDX-License-Identifier: BSD-3-Clause */
/* pool.h -- the open pool object */

#ifndef PC_POOL_H
#define PC_POOL_H

#include <pthread.h>
#include <stdint.h>

#include "format.h"
#include "media.h"
#include "slot.h"
#include "view.h"

#define PC_STRIPES 1024 /* unit locks, by lba modulo */

/* Per-writer context: a cipher context, buffers and a redo log. */
struct pc_lane {
	pthread_mutex_t lock;
	struct pc_xts *xts;
	uint8_t *bounce;  /* ciphertext staging, PC_UNIT */
	uint8_t *scratch; /* plaintext staging, PC_UNIT */
	uint64_t log_off; /* media offset of this lane's log */
	uint64_t seq;
	uint8_t *entries; /* DRAM image of the record */
	uint64_t *old;		      /* blocks freed by the update */
	uint64_t *pbas;		      /* blocks taken by the update */
};

/* Secrets, kept in one locked page. */
struct pc_secrets {
	uint8_t dek[PC_DEK_SIZE];
	uint8_t mac_key[32];
};

struct pmemcrypt_pool {
	char *path;
	int hw; /* the hardware engine (PC_INCOMPAT_HARDWARE) */
	struct pc_media media;
	struct pc_header hdr; /* the current header */
	struct pc_secrets *sec;
	struct pc_kdf_cost kdf;
	uint64_t units, blocks;
	/*
	 * The map (software engine): read from the media and validated at
	 * open, then kept here; the media's copy is written, never read
	 * back while the pool is open.  Entries change under unit locks.
	 */
	uint64_t *map;
	uint32_t nlanes, units_per_tx;
	struct pc_lane *lanes;
	pthread_mutex_t stripes[PC_STRIPES];

	pthread_mutex_t alloc_lock;
	pthread_cond_t alloc_cond;
	uint64_t *free_stack;
	uint64_t nfree;

	pthread_mutex_t hdr_lock; /* header (key slot) changes */
	struct pc_view view;
};

static inline uint64_t pc_map_off(const struct pmemcrypt_pool *p,
				  uint64_t lba)
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

/* Writes both header copies (B first) with a new generation. */
int pc_pool_write_header(struct pmemcrypt_pool *p);

#endif

// SPDX-License-Identifier: BSD-3-Clause
/* store.c -- the software engine's units on the media: blocks, updates */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bigarray.h"
#include "errormsg.h"
#include "record.h"
#include "sw.h"

#define LOG_HEAD PC_LOG_HEAD

static void lane_fini(struct pc_sw_lane *l)
{
	pc_xts_delete(&l->xts);
	/* bounce and scratch: one secure allocation */
	pc_secure_free(l->bounce, 2 * PC_UNIT);
	free(l->entries);
	free(l->old);
	free(l->pbas);
}

static int lane_init(struct pmemcrypt_pool *p, struct pc_sw_lane *l)
{
	/* Plaintext staging gets the care of keys: locked, out of core
	 * dumps and children, wiped when freed. */
	l->bounce = pc_secure_alloc(2 * PC_UNIT);
	l->scratch = l->bounce ? l->bounce + PC_UNIT : NULL;
	l->entries = aligned_alloc(64, p->hdr.lane_size);
	l->old = calloc(p->units_per_tx, sizeof(uint64_t));
	l->pbas = calloc(p->units_per_tx, sizeof(uint64_t));
	if (!l->bounce || !l->scratch || !l->entries || !l->old || !l->pbas)
		return pc_err(-ENOMEM, "out of memory");
	return pc_xts_new(&l->xts, p->hdr.cipher, p->sec->dek);
}

int pc_store_init(struct pmemcrypt_pool *p)
{
	uint64_t log_cap =
		(p->hdr.lane_size - LOG_HEAD) / sizeof(struct pc_log_entry);
	/* The lanes' share of the spare blocks is slack for concurrency. */
	uint64_t spare = p->hdr.blocks - p->hdr.units - p->hdr.lanes;
	struct pc_sw *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return pc_err(-ENOMEM, "out of memory");
	p->priv = sw;
	sw->view.uffd = sw->view.stop_fd = sw->view.trim_fd = -1;
	p->units_per_tx = (uint32_t)(log_cap < spare ? log_cap : spare);
	sw->blocks = p->hdr.blocks;
	pthread_mutex_init(&sw->alloc_lock, NULL);
	pthread_cond_init(&sw->alloc_cond, NULL);
	sw->free_stack = pc_array_alloc(sw->blocks, sizeof(uint64_t));
	sw->map = pc_array_alloc(p->units, sizeof(uint64_t));
	sw->lanes = aligned_alloc(64, p->lanes.n * sizeof(*sw->lanes));
	if (sw->lanes)
		memset(sw->lanes, 0, p->lanes.n * sizeof(*sw->lanes));
	if (!sw->free_stack || !sw->map || !sw->lanes)
		return pc_err(-ENOMEM, "out of memory");
	for (uint32_t i = 0; i < p->lanes.n; i++) {
		int ret = lane_init(p, &sw->lanes[i]);

		if (ret)
			return ret;
	}
	return 0;
}

void pc_store_fini(struct pmemcrypt_pool *p)
{
	struct pc_sw *sw = pc_sw(p);

	if (!sw)
		return;
	for (uint32_t i = 0; sw->lanes && i < p->lanes.n; i++)
		lane_fini(&sw->lanes[i]);
	free(sw->lanes);
	pthread_mutex_destroy(&sw->alloc_lock);
	pthread_cond_destroy(&sw->alloc_cond);
	pc_array_free(sw->free_stack, sw->blocks, sizeof(uint64_t));
	pc_array_free(sw->map, p->units, sizeof(uint64_t));
	free(sw);
	p->priv = NULL;
}

/*
 * Takes n free blocks for the update of lane sl, waiting for concurrent
 * updates to release some: a one-unit update the lane's spare when it has
 * one; a larger update returns the spare to the free list first.
 */
static void blocks_take(struct pc_sw *sw, struct pc_sw_lane *sl, uint64_t *out,
			size_t n)
{
	if (n == 1 && sl->spare) {
		out[0] = sl->spare - 1;
		sl->spare = 0;
		return;
	}
	pthread_mutex_lock(&sw->alloc_lock);
	if (sl->spare) {
		sw->free_stack[sw->nfree++] = sl->spare - 1;
		sl->spare = 0;
		pthread_cond_broadcast(&sw->alloc_cond);
	}
	while (sw->nfree < n)
		pthread_cond_wait(&sw->alloc_cond, &sw->alloc_lock);
	sw->nfree -= n;
	memcpy(out, sw->free_stack + sw->nfree, n * sizeof(*out));
	pthread_mutex_unlock(&sw->alloc_lock);
}

/*
 * Returns blocks freed by lane sl's update (map values when map_values:
 * block + 1, 0 skipped): one block becomes the lane's spare when it has
 * none, the others go to the free list.
 */
static void blocks_give(struct pc_sw *sw, struct pc_sw_lane *sl,
			const uint64_t *in, size_t n, int map_values)
{
	if (n == 1 && !sl->spare && (!map_values || in[0])) {
		sl->spare = map_values ? in[0] : in[0] + 1;
		return;
	}
	pthread_mutex_lock(&sw->alloc_lock);
	for (size_t i = 0; i < n; i++) {
		if (map_values && !in[i])
			continue;
		sw->free_stack[sw->nfree++] = map_values ? in[i] - 1 : in[i];
	}
	pthread_cond_broadcast(&sw->alloc_cond);
	pthread_mutex_unlock(&sw->alloc_lock);
}

/* Seals and writes a record head: the commit point of an update. */
static int record_commit(struct pmemcrypt_pool *p, struct pc_lane *l,
			 uint32_t count, uint32_t kind, size_t len)
{
	struct pc_sw_lane *sl = pc_sw_lane(p, l);
	struct pc_log_head *h = (struct pc_log_head *)sl->entries;
	int ret;

	/* The whole head is this record's: no reserved byte is carried
	 * over from what the lane held before. */
	*h = (struct pc_log_head){.seq = ++l->seq, .count = count,
				  .kind = kind};
	h->checksum = pc_record_sum(h);
	ret = pc_media_write(&p->media, l->log_off, h, len);
	pc_media_fence(&p->media);
	return ret;
}

int pc_record_clear(struct pmemcrypt_pool *p, uint64_t log_off)
{
	int ret = pc_media_store8(&p->media, log_off, 0);

	pc_media_fence(&p->media);
	return ret;
}

/*
 * Encrypts the sectors of mask of a unit's plaintext for block pba and
 * writes them there, each as soon as it is encrypted (the copy drains
 * while the next sector is encrypted).
 */
static int write_block(struct pmemcrypt_pool *p, struct pc_lane *l,
		       const uint8_t *src, uint64_t lba, uint64_t pba)
{
	struct pc_sw_lane *sl = pc_sw_lane(p, l);
	uint8_t tweak[PC_TWEAK_SIZE];

	for (unsigned s = 0; s < PC_SECTORS; s++) {
		uint8_t *c = sl->bounce + s * PC_SECTOR;
		int ret;

		pc_tweak(tweak, lba, s, pba);
		ret = pc_xts_encrypt(sl->xts, c, src + s * PC_SECTOR, PC_SECTOR,
				     tweak);
		if (!ret)
			ret = pc_media_write(
				&p->media, pc_block_off(p, pba) + s * PC_SECTOR,
				c, PC_SECTOR);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Makes the map point at the new blocks: one store, or a redo record.
 * The map in DRAM follows the media's (the caller holds the units' locks).
 */
static int map_commit(struct pmemcrypt_pool *p, struct pc_lane *l,
		      const uint64_t *ents, size_t n)
{
	struct pc_sw_lane *sl = pc_sw_lane(p, l);
	struct pc_media *m = &p->media;
	struct pc_log_entry *e =
		(struct pc_log_entry *)(sl->entries + LOG_HEAD);
	int ret;

	if (n == 1) {
		uint64_t lba = PC_ENT_LBA(ents[0]);

		ret = pc_media_store8(m, pc_map_off(p, lba), sl->pbas[0] + 1);
		pc_media_fence(m);
		if (!ret)
			pc_sw(p)->map[lba] = sl->pbas[0] + 1;
		return ret;
	}
	for (size_t i = 0; i < n; i++)
		e[i] = (struct pc_log_entry){PC_ENT_LBA(ents[i]),
					     sl->pbas[i] + 1};
	ret = record_commit(p, l, (uint32_t)n, PC_LOG_MAP,
			    LOG_HEAD + n * sizeof(*e));
	for (size_t i = 0; i < n && !ret; i++)
		ret = pc_media_store8(m, pc_map_off(p, e[i].lba), e[i].value);
	pc_media_fence(m);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++)
		pc_sw(p)->map[e[i].lba] = e[i].value;
	return pc_record_clear(p, l->log_off);
}

/* Writes whole units into fresh blocks, then switches the map. */
static int update_out_of_place(struct pmemcrypt_pool *p, struct pc_lane *l,
			       const uint64_t *ents, size_t n,
			       pc_plain_fn *plain, void *arg)
{
	struct pc_sw_lane *sl = pc_sw_lane(p, l);
	int ret = 0;

	blocks_take(pc_sw(p), sl, sl->pbas, n);
	for (size_t i = 0; i < n && !ret; i++) {
		uint64_t lba = PC_ENT_LBA(ents[i]);
		const uint8_t *src = plain(arg, sl, i, lba, PC_ALL_SECTORS);

		ret = src ? write_block(p, l, src, lba, sl->pbas[i])
			  : PMEMCRYPT_E_CRYPTO;
	}
	/* Also orders the view's non-temporal stores (pc_view_fill_unit())
	 * before the units' locks are released, on success or not. */
	pc_media_fence(&p->media);
	if (ret) {
		blocks_give(pc_sw(p), sl, sl->pbas, n, 0);
		return ret;
	}
	for (size_t i = 0; i < n; i++)
		sl->old[i] = pc_sw(p)->map[PC_ENT_LBA(ents[i])];
	ret = map_commit(p, l, ents, n);
	if (ret)
		return ret;
	blocks_give(pc_sw(p), sl, sl->old, n, 1);
	return 0;
}

/*
 * Number of sectors an in-place update would write, or 0 when writing
 * whole units elsewhere is the better (or only) way: a unit never
 * written, a whole unit dirty, more than half the sectors dirty, or a
 * record too large for the lane.
 */
static size_t in_place_sectors(struct pmemcrypt_pool *p, const uint64_t *ents,
			       size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned mask = PC_ENT_MASK(ents[i]);

		if (mask == PC_ALL_SECTORS ||
		    !pc_sw(p)->map[PC_ENT_LBA(ents[i])])
			return 0;
		k += (size_t)__builtin_popcount(mask);
	}
	if (k * 2 > n * PC_SECTORS ||
	    pc_record_len(PC_LOG_SECTORS, k) > p->hdr.lane_size)
		return 0;
	return k;
}

/*
 * Rewrites dirty sectors of mapped units in place: their new ciphertext
 * goes to the lane's record first (made durable, then committed by the
 * record head), then to the blocks.
 */
static int update_in_place(struct pmemcrypt_pool *p, struct pc_lane *l,
			   const uint64_t *ents, size_t n, size_t k,
			   pc_plain_fn *plain, void *arg)
{
	struct pc_sw_lane *sl = pc_sw_lane(p, l);
	struct pc_log_entry *e =
		(struct pc_log_entry *)(sl->entries + LOG_HEAD);
	uint8_t *data = sl->entries + pc_record_data_off(k);
	uint8_t tweak[PC_TWEAK_SIZE];
	size_t j = 0;
	int ret;

	for (size_t i = 0; i < n; i++) {
		uint64_t lba = PC_ENT_LBA(ents[i]);
		uint64_t pba = pc_sw(p)->map[lba] - 1;
		const uint8_t *src =
			plain(arg, sl, i, lba, PC_ENT_MASK(ents[i]));

		if (!src)
			return PMEMCRYPT_E_CRYPTO;
		for (unsigned s = 0; s < PC_SECTORS; s++) {
			if (!(PC_ENT_MASK(ents[i]) & (1u << s)))
				continue;
			e[j] = (struct pc_log_entry){lba, pba * PC_SECTORS + s};
			pc_tweak(tweak, lba, s, pba);
			ret = pc_xts_encrypt(sl->xts, data + j * PC_SECTOR,
					     src + s * PC_SECTOR, PC_SECTOR,
					     tweak);
			if (ret)
				return ret;
			j++;
		}
	}
	/* Padding between the entries and the sectors: zeros, not what
	 * the lane's buffer held. */
	memset(e + k, 0, pc_record_data_off(k) - LOG_HEAD - k * sizeof(*e));
	ret = pc_media_write(&p->media, l->log_off + LOG_HEAD, e,
			     pc_record_len(PC_LOG_SECTORS, k) - LOG_HEAD);
	pc_media_fence(&p->media);
	if (!ret)
		ret = record_commit(p, l, (uint32_t)k, PC_LOG_SECTORS,
				    LOG_HEAD);
	for (j = 0; j < k && !ret; j++)
		ret = pc_media_write(&p->media, pc_sector_off(p, e[j].value),
				     data + j * PC_SECTOR, PC_SECTOR);
	pc_media_fence(&p->media);
	return ret ? ret : pc_record_clear(p, l->log_off);
}

int pc_store_update(struct pmemcrypt_pool *p, const uint64_t *ents, size_t n,
		    pc_plain_fn *plain, void *arg)
{
	uint64_t set[PC_STRIPES / 64];
	struct pc_lane *l;
	size_t k;
	int ret;

	if (n == 0)
		return 0;
	if (n > p->units_per_tx)
		return pc_err(PMEMCRYPT_E_TOO_BIG,
			      "update of %zu units exceeds the pool's atomic "
			      "limit of %u units",
			      n, p->units_per_tx);
	l = pc_lane_get(&p->lanes);
	pc_units_lock(&p->locks, ents, n, set, 1);
	k = in_place_sectors(p, ents, n);
	ret = k ? update_in_place(p, l, ents, n, k, plain, arg)
		: update_out_of_place(p, l, ents, n, plain, arg);
	pc_units_lock(&p->locks, ents, n, set, 0);
	pc_lane_put(l);
	return ret;
}

int pc_store_read_sectors(struct pmemcrypt_pool *p, struct pc_xts *xts,
			  uint64_t lba, unsigned mask, uint8_t *dst)
{
	uint64_t v = pc_sw(p)->map[lba];
	uint8_t tweak[PC_TWEAK_SIZE];
	const uint8_t *src;

	if (!v) {
		for (unsigned s = 0; s < PC_SECTORS; s++)
			if (mask & (1u << s))
				memset(dst + s * PC_SECTOR, 0, PC_SECTOR);
		return 0;
	}
	src = pc_media_at(&p->media, pc_block_off(p, v - 1), PC_UNIT);
	if (!src)
		return PMEMCRYPT_E_CORRUPT;
	for (unsigned s = 0; s < PC_SECTORS; s++) {
		int ret;

		if (!(mask & (1u << s)))
			continue;
		pc_tweak(tweak, lba, s, v - 1);
		ret = pc_xts_decrypt(xts, dst + s * PC_SECTOR,
				     src + s * PC_SECTOR, PC_SECTOR, tweak);
		if (ret)
			return ret;
	}
	return 0;
}

int pc_store_read_unit(struct pmemcrypt_pool *p, struct pc_xts *xts,
		       uint64_t lba, uint8_t *dst)
{
	return pc_store_read_sectors(p, xts, lba, PC_ALL_SECTORS, dst);
}

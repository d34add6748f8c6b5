// SPDX-License-Identifier: BSD-3-Clause
/*
 * recover.c -- the software engine at open: the map and the redo records
 * are read from the media, checked in full, and only then replayed
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "record.h"
#include "sw.h"

/* Copies the media's map into the pool's. */
static int map_load(struct pmemcrypt_pool *p)
{
	const uint8_t *src =
		pc_media_at(&p->media, p->hdr.map_off, p->units * 8);

	if (!src)
		return PMEMCRYPT_E_CORRUPT;
	memcpy(pc_sw(p)->map, src, p->units * 8);
	return 0;
}

/*
 * Checks every entry of the pool's map (0, or a block in range that no
 * other unit names) and leaves the blocks in use in the bitmap used.
 */
static int map_check(struct pmemcrypt_pool *p, uint64_t *used, const char *when)
{
	const struct pc_sw *sw = pc_sw(p);

	memset(used, 0, (sw->blocks + 63) / 64 * sizeof(*used));
	for (uint64_t u = 0; u < p->units; u++) {
		uint64_t v = sw->map[u], b = v - 1;

		if (!v)
			continue;
		if (b >= sw->blocks || (used[b / 64] & (1ull << (b % 64))))
			return pc_err(PMEMCRYPT_E_CORRUPT,
				      "%s: map entry of unit %llu is %s%s",
				      p->path, (unsigned long long)u,
				      b >= sw->blocks ? "out of range"
						      : "shared with another",
				      when);
		used[b / 64] |= 1ull << (b % 64);
	}
	return 0;
}

/* Whether entry e of a committed record of kind names what it may. */
static int entry_ok(const struct pmemcrypt_pool *p, uint32_t kind,
		    const struct pc_log_entry *e)
{
	const struct pc_sw *sw = pc_sw(p);

	if (e->lba >= p->units)
		return 0;
	if (kind == PC_LOG_MAP)
		return e->value && e->value - 1 < sw->blocks;
	/* A sector of the block the unit is mapped to. */
	return e->value / PC_SECTORS < sw->blocks &&
	       sw->map[e->lba] == e->value / PC_SECTORS + 1;
}

/*
 * Copies lane i's record into the lane's DRAM image and checks it there:
 * 0 when the lane holds no committed record (empty, or torn: its
 * checksum fails), 1 when it holds a committed one whose every entry is
 * valid, PMEMCRYPT_E_CORRUPT otherwise.
 */
static int record_load(struct pmemcrypt_pool *p, uint32_t i)
{
	const struct pc_lane *l = &p->lanes.v[i];
	struct pc_log_head *h = (struct pc_log_head *)pc_sw_lane(p, l)->entries;
	const struct pc_log_entry *e = (const void *)(h + 1);
	const uint8_t *src =
		pc_media_at(&p->media, l->log_off, p->hdr.lane_size);
	size_t len;

	if (!src)
		return PMEMCRYPT_E_CORRUPT;
	memcpy(h, src, PC_LOG_HEAD);
	if (!h->seq || !h->count || h->kind > PC_LOG_SECTORS)
		return 0;
	len = pc_record_len(h->kind, h->count);
	if (len > p->hdr.lane_size)
		return 0;
	memcpy(h + 1, src + PC_LOG_HEAD, len - PC_LOG_HEAD);
	if (pc_record_sum(h) != h->checksum)
		return 0;
	for (uint32_t k = 0; k < h->count; k++)
		if (!entry_ok(p, h->kind, &e[k]))
			return pc_err(PMEMCRYPT_E_CORRUPT,
				      "%s: redo record of lane %u names unit "
				      "%llu and %s %llu: out of range or not "
				      "the unit's",
				      p->path, i, (unsigned long long)e[k].lba,
				      h->kind == PC_LOG_MAP ? "map entry"
							    : "sector",
				      (unsigned long long)e[k].value);
	return 1;
}

/* Writes a checked record of lane i (its DRAM image) to the media. */
static int record_replay(struct pmemcrypt_pool *p, uint32_t i)
{
	const struct pc_lane *l = &p->lanes.v[i];
	const uint8_t *image = pc_sw_lane(p, l)->entries;
	const struct pc_log_head *h = (const void *)image;
	const struct pc_log_entry *e = (const void *)(h + 1);
	const uint8_t *data = image + pc_record_data_off(h->count);
	int ret = 0;

	for (uint32_t k = 0; k < h->count && !ret; k++)
		ret = h->kind == PC_LOG_MAP
			      ? pc_media_store8(&p->media,
						pc_map_off(p, e[k].lba),
						e[k].value)
			      : pc_media_write(&p->media,
					       pc_sector_off(p, e[k].value),
					       data + k * PC_SECTOR, PC_SECTOR);
	pc_media_fence(&p->media);
	return ret ? ret : pc_record_clear(p, l->log_off);
}

/* The map as the committed records of the lanes in pending leave it. */
static void map_apply(struct pmemcrypt_pool *p, const uint8_t *pending)
{
	for (uint32_t i = 0; i < p->lanes.n; i++) {
		const struct pc_log_head *h =
			(const void *)pc_sw(p)->lanes[i].entries;
		const struct pc_log_entry *e = (const void *)(h + 1);

		if (!pending[i] || h->kind != PC_LOG_MAP)
			continue;
		for (uint32_t k = 0; k < h->count; k++)
			pc_sw(p)->map[e[k].lba] = e[k].value;
	}
}

/*
 * Checks the committed sector records against the map as the map
 * records of other lanes leave it: a sector must still be of its unit's
 * block, or it would land in a block the unit no longer has.
 */
static int sectors_check(struct pmemcrypt_pool *p, const uint8_t *pending)
{
	for (uint32_t i = 0; i < p->lanes.n; i++) {
		const struct pc_log_head *h =
			(const void *)pc_sw(p)->lanes[i].entries;
		const struct pc_log_entry *e = (const void *)(h + 1);

		if (!pending[i] || h->kind != PC_LOG_SECTORS)
			continue;
		for (uint32_t k = 0; k < h->count; k++)
			if (!entry_ok(p, PC_LOG_SECTORS, &e[k]))
				return pc_err(PMEMCRYPT_E_CORRUPT,
					      "%s: redo record of lane %u "
					      "names sector %llu of unit %llu, "
					      "a block another lane's record "
					      "takes from the unit",
					      p->path, i,
					      (unsigned long long)e[k].value,
					      (unsigned long long)e[k].lba);
	}
	return 0;
}

int pc_store_recover(struct pmemcrypt_pool *p)
{
	struct pc_sw *sw = pc_sw(p);
	uint64_t *used = calloc((sw->blocks + 63) / 64, sizeof(uint64_t));
	uint8_t *pending = calloc(p->lanes.n, 1);
	int ret = used && pending ? 0 : pc_err(-ENOMEM, "out of memory");

	if (!ret)
		ret = map_load(p);
	if (!ret)
		ret = map_check(p, used, "");
	for (uint32_t i = 0; i < p->lanes.n && !ret; i++) {
		int r = record_load(p, i);

		if (r < 0)
			ret = r;
		else
			pending[i] = (uint8_t)r;
	}
	if (!ret) {
		map_apply(p, pending);
		ret = map_check(p, used, " once the redo records are replayed");
	}
	if (!ret)
		ret = sectors_check(p, pending);
	/* Everything is checked: only now does the media change. */
	for (uint32_t i = 0; i < p->lanes.n && !ret; i++)
		if (pending[i])
			ret = record_replay(p, i);
	sw->nfree = 0;
	for (uint32_t i = 0; i < p->lanes.n; i++)
		sw->lanes[i].spare = 0;
	for (uint64_t b = sw->blocks; b-- > 0 && !ret;)
		if (!(used[b / 64] & (1ull << (b % 64))))
			sw->free_stack[sw->nfree++] = b;
	free(pending);
	free(used);
	return ret;
}

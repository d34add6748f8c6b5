// SPDX-License-Identifier: BSD-3-Clause
/*
 * hw_log.c -- the hardware engine's lane logs: entries of undo and redo
 * records, recovery at open
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "errormsg.h"
#include "hw.h"

#define ROUND_UP(x, a) (((x) + (a)-1) / (a) * (a))
#define ENTRY sizeof(struct pc_undo_entry)

/* Bytes of log entries a lane holds. */
static size_t lane_cap(const struct pmemcrypt_pool *p)
{
	return p->hdr.lane_size - PC_UNDO_START;
}

/* Checksum of an entry (its checksum field taken as 0) and its data. */
static uint64_t entry_sum(const struct pc_undo_entry *e, const uint8_t *data)
{
	struct pc_undo_entry h = *e;
	size_t body = e->len & ~(size_t)3;
	uint8_t tail[4] = {0};
	uint64_t sum;

	h.checksum = 0;
	sum = pc_fletcher64_more(0, &h, sizeof(h));
	sum = pc_fletcher64_more(sum, data, body);
	if (e->len & 3) {
		memcpy(tail, data + body, e->len & 3);
		sum = pc_fletcher64_more(sum, tail, sizeof(tail));
	}
	return sum;
}

/*
 * Copies a lane's committed record into buf (lane_cap() bytes) entry by
 * entry, checking each on the copy: what is checked is what is used, and
 * only the record's own bytes are read.  Returns the number of entries,
 * or E_CORRUPT for an intact entry that names a range outside the pool.
 */
static long record_copy(struct pmemcrypt_pool *p, uint64_t log_off,
			uint8_t *buf)
{
	size_t cap = lane_cap(p), at = 0;
	const uint8_t *log =
		pc_media_at(&p->media, log_off + PC_UNDO_START, cap);
	uint64_t seq = 0;
	long n = 0;

	if (!log)
		return PMEMCRYPT_E_CORRUPT;
	while (at + ENTRY <= cap) {
		struct pc_undo_entry *e = (struct pc_undo_entry *)(buf + at);

		memcpy(e, log + at, ENTRY);
		seq = n ? seq : e->seq;
		if (!seq || e->seq != seq || e->len > cap - at - ENTRY)
			break;
		memcpy(e + 1, log + at + ENTRY, e->len);
		if (entry_sum(e, (const uint8_t *)(e + 1)) != e->checksum)
			break;
		if (e->off > p->size || e->len > p->size - e->off)
			return pc_err(PMEMCRYPT_E_CORRUPT,
				      "%s: a log entry names %llu+%llu, "
				      "outside the pool",
				      p->path, (unsigned long long)e->off,
				      (unsigned long long)e->len);
		n++;
		at += ENTRY + ROUND_UP(e->len, PC_UNDO_ALIGN);
	}
	return n;
}

/* Empties a lane's record: its first entry's seq goes to zero. */
static int record_clear(struct pmemcrypt_pool *p, uint64_t log_off)
{
	int ret = pc_media_store8(&p->media,
				  log_off + PC_UNDO_START +
					  offsetof(struct pc_undo_entry, seq),
				  0);

	pc_media_fence(&p->media);
	return ret;
}

/* Copies the n entries of a checked record copy back, newest first. */
static int restore_copy(struct pmemcrypt_pool *p, const uint8_t *buf, size_t n)
{
	const struct pc_undo_entry **e = malloc(n * sizeof(*e));
	size_t at = 0;
	int ret = 0;

	if (!e)
		return pc_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		e[i] = (const struct pc_undo_entry *)(buf + at);
		at += ENTRY + ROUND_UP(e[i]->len, PC_UNDO_ALIGN);
	}
	while (n-- && !ret)
		ret = pc_media_write(&p->media, p->hdr.data_off + e[n]->off,
				     e[n] + 1, e[n]->len);
	pc_media_fence(&p->media);
	free(e);
	return ret;
}

int pc_hw_pending(struct pmemcrypt_pool *p, uint32_t lane)
{
	uint8_t *buf = malloc(lane_cap(p));
	long n = buf ? record_copy(p, p->lanes.v[lane].log_off, buf) : -ENOMEM;

	free(buf);
	return n != 0;
}

int pc_hw_recover(struct pmemcrypt_pool *p)
{
	uint8_t *buf = malloc(lane_cap(p));
	int ret = buf ? 0 : pc_err(-ENOMEM, "out of memory");

	/* Every lane is checked before any is replayed. */
	for (uint32_t i = 0; i < p->lanes.n && !ret; i++) {
		long n = record_copy(p, p->lanes.v[i].log_off, buf);

		ret = n < 0 ? (int)n : 0;
	}
	for (uint32_t i = 0; i < p->lanes.n && !ret; i++) {
		long n = record_copy(p, p->lanes.v[i].log_off, buf);

		if (n > 0)
			ret = restore_copy(p, buf, (size_t)n);
		else
			ret = (int)n;
		if (n > 0 && !ret)
			ret = record_clear(p, p->lanes.v[i].log_off);
	}
	free(buf);
	return ret;
}

int pc_hw_log(struct pmemcrypt_pool *p, struct pc_undo *u, uint64_t off,
	      const uint8_t *data, size_t len)
{
	size_t need = ENTRY + ROUND_UP(len, PC_UNDO_ALIGN);
	struct pc_undo_entry e;
	uint64_t at;
	int ret;

	if (need > lane_cap(p) - u->used)
		return pc_err(PMEMCRYPT_E_TOO_BIG,
			      "the ranges of this update exceed the undo log "
			      "of a lane (%zu bytes)",
			      lane_cap(p));
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 8;
		struct pc_undo_range *r = realloc(u->r, cap * sizeof(*r));

		if (!r)
			return pc_err(-ENOMEM, "out of memory");
		u->r = r;
		u->cap = cap;
	}
	if (!u->lane) {
		u->lane = pc_lane_get(&p->lanes);
		u->seq = ++u->lane->seq ? u->lane->seq : ++u->lane->seq;
		u->used = 0;
	}
	e = (struct pc_undo_entry){off, len, u->seq, 0};
	e.checksum = entry_sum(&e, data);
	at = u->lane->log_off + PC_UNDO_START + u->used;
	ret = pc_media_write(&p->media, at, &e, ENTRY);
	if (!ret)
		ret = pc_media_write(&p->media, at + ENTRY, data, len);
	pc_media_fence(&p->media);
	if (ret)
		return ret;
	u->r[u->n++] = (struct pc_undo_range){u->used, off, len};
	u->used += need;
	return 0;
}

int pc_undo_add(struct pmemcrypt_pool *p, struct pc_undo *u, uint64_t off,
		size_t len)
{
	return pc_hw_log(p, u, off, p->base + off, len);
}

/*
 * Copies the saved content of u's entries back to their ranges, newest
 * first: the ranges and lengths are the ones u kept, not the media's.
 */
static int undo_ranges(struct pmemcrypt_pool *p, const struct pc_undo *u)
{
	const uint8_t *log = pc_media_at(
		&p->media, u->lane->log_off + PC_UNDO_START, lane_cap(p));
	int ret = log ? 0 : PMEMCRYPT_E_CORRUPT;

	for (size_t i = u->n; i-- > 0 && !ret;)
		ret = pc_media_write(&p->media, p->hdr.data_off + u->r[i].off,
				     log + u->r[i].pos + ENTRY, u->r[i].len);
	pc_media_fence(&p->media);
	return ret;
}

int pc_undo_end(struct pmemcrypt_pool *p, struct pc_undo *u, int rollback)
{
	int ret = 0;

	if (u->lane) {
		if (rollback)
			ret = undo_ranges(p, u);
		if (!ret)
			ret = record_clear(p, u->lane->log_off);
		pc_lane_put(u->lane);
	}
	free(u->r);
	memset(u, 0, sizeof(*u));
	return ret;
}

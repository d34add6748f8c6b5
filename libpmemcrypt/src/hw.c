// SPDX-License-Identifier: BSD-3-Clause
/* hw.c -- the hardware engine: the media is the view; undo and redo logs */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "errormsg.h"
#include "hw.h"
#include "store.h"
#include "units.h"

#define ROUND_UP(x, a) (((x) + (a)-1) / (a) * (a))
#define ENTRY sizeof(struct pc_undo_entry)

void pc_hw_view_open(struct pmemcrypt_pool *p)
{
	p->view.base = p->media.base + p->hdr.data_off;
	p->view.size = p->units * PC_UNIT;
	p->view.direct = 1;
}

/* Bytes of log entries a lane holds. */
static size_t lane_cap(const struct pmemcrypt_pool *p)
{
	return p->hdr.lane_size - PC_UNDO_START;
}

static uint8_t *lane_log(struct pmemcrypt_pool *p, uint64_t log_off)
{
	return p->media.base + log_off + PC_UNDO_START;
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
 * Walks a lane's committed record: calls fn on every entry in order (fn
 * may be NULL).  Returns the number of entries, or E_CORRUPT for an
 * entry that is intact but names a range outside the pool.
 */
static long walk(struct pmemcrypt_pool *p, uint64_t log_off,
		 void (*fn)(void *arg, size_t pos), void *arg)
{
	const uint8_t *log = lane_log(p, log_off);
	const struct pc_undo_entry *first = (const void *)log;
	size_t cap = lane_cap(p), pos = 0;
	long n = 0;

	while (first->seq && pos + ENTRY <= cap) {
		const struct pc_undo_entry *e = (const void *)(log + pos);

		if (e->seq != first->seq || e->len > cap - pos - ENTRY ||
		    entry_sum(e, (const uint8_t *)(e + 1)) != e->checksum)
			break;
		if (e->off > p->view.size || e->len > p->view.size - e->off)
			return pc_err(PMEMCRYPT_E_CORRUPT,
				      "%s: a log entry names %llu+%llu, "
				      "outside the pool",
				      p->path, (unsigned long long)e->off,
				      (unsigned long long)e->len);
		if (fn)
			fn(arg, pos);
		n++;
		pos += ENTRY + ROUND_UP(e->len, PC_UNDO_ALIGN);
	}
	return n;
}

/* Empties a lane's record: its first entry's seq goes to zero. */
static void record_clear(struct pmemcrypt_pool *p, uint64_t log_off)
{
	pc_media_store8(&p->media,
			log_off + PC_UNDO_START +
				offsetof(struct pc_undo_entry, seq),
			0);
	pc_media_fence(&p->media);
}

/* Copies the saved content of the entries at pos[n-1] .. pos[0] back. */
static void restore(struct pmemcrypt_pool *p, uint64_t log_off,
		    const size_t *pos, size_t n)
{
	const uint8_t *log = lane_log(p, log_off);

	while (n--) {
		const struct pc_undo_entry *e = (const void *)(log + pos[n]);

		pc_media_write(&p->media, p->hdr.data_off + e->off, e + 1,
			       e->len);
	}
	pc_media_fence(&p->media);
}

struct collect {
	size_t *pos;
	size_t n;
};

static void collect_pos(void *arg, size_t pos)
{
	struct collect *c = arg;

	c->pos[c->n++] = pos;
}

size_t pc_hw_pending(struct pmemcrypt_pool *p, uint32_t lane)
{
	long n = walk(p, p->hdr.lanes_off + (uint64_t)lane * p->hdr.lane_size,
		      NULL, NULL);

	return n < 0 ? 1 : (size_t)n;
}

int pc_hw_recover(struct pmemcrypt_pool *p)
{
	for (uint32_t i = 0; i < p->nlanes; i++) {
		uint64_t log_off = p->lanes[i].log_off;
		long n = walk(p, log_off, NULL, NULL);
		struct collect c = {NULL, 0};

		if (n < 0)
			return (int)n;
		if (!n)
			continue;
		c.pos = malloc((size_t)n * sizeof(*c.pos));
		if (!c.pos)
			return pc_err(-ENOMEM, "out of memory");
		walk(p, log_off, collect_pos, &c);
		restore(p, log_off, c.pos, c.n);
		free(c.pos);
		record_clear(p, log_off);
	}
	return 0;
}

/*
 * Appends an entry for [off, off+len) holding data to u's record, durable
 * when this returns (taking a lane on the first range).  Recovery copies
 * an entry's data to its range: the range's old content makes an undo
 * entry, its new content a redo entry.
 */
static int log_range(struct pmemcrypt_pool *p, struct pc_undo *u, uint64_t off,
		     const uint8_t *data, size_t len)
{
	size_t need = ENTRY + ROUND_UP(len, PC_UNDO_ALIGN);
	struct pc_undo_entry e;
	uint64_t at;

	if (need > lane_cap(p) - u->used)
		return pc_err(PMEMCRYPT_E_TOO_BIG,
			      "the ranges of this update exceed the undo log "
			      "of a lane (%zu bytes)",
			      lane_cap(p));
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 8;
		size_t *pos = realloc(u->pos, cap * sizeof(*pos));

		if (!pos)
			return pc_err(-ENOMEM, "out of memory");
		u->pos = pos;
		u->cap = cap;
	}
	if (!u->lane) {
		u->lane = pc_lane_get(p);
		u->seq = ++u->lane->seq ? u->lane->seq : ++u->lane->seq;
		u->used = 0;
	}
	e = (struct pc_undo_entry){off, len, u->seq, 0};
	e.checksum = entry_sum(&e, data);
	at = u->lane->log_off + PC_UNDO_START + u->used;
	pc_media_write(&p->media, at, &e, ENTRY);
	pc_media_write(&p->media, at + ENTRY, data, len);
	pc_media_fence(&p->media);
	u->pos[u->n++] = u->used;
	u->used += need;
	return 0;
}

int pc_undo_add(struct pmemcrypt_pool *p, struct pc_undo *u, uint64_t off,
		size_t len)
{
	return log_range(p, u, off, p->view.base + off, len);
}

void pc_undo_end(struct pmemcrypt_pool *p, struct pc_undo *u, int rollback)
{
	if (u->lane) {
		if (rollback)
			restore(p, u->lane->log_off, u->pos, u->n);
		record_clear(p, u->lane->log_off);
		pc_lane_put(u->lane);
	}
	free(u->pos);
	memset(u, 0, sizeof(*u));
}

void pc_hw_flush(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	p->media.flush_fn(p->view.base + off, len);
}

int pc_hw_persist(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	pc_hw_flush(p, off, len);
	pc_media_fence(&p->media);
	return 0;
}

/* Locks or unlocks the units of [off, off+len) (len > 0). */
static int lock_range(struct pmemcrypt_pool *p, struct pc_units *u,
		      uint64_t set[PC_STRIPES / 64], uint64_t off, size_t len,
		      int lock)
{
	if (lock) {
		pc_units_init(u);
		for (uint64_t i = off / PC_UNIT; i <= (off + len - 1) / PC_UNIT;
		     i++) {
			int ret = pc_units_add(u, i, PC_ALL_SECTORS);

			if (ret) {
				pc_units_fini(u);
				return ret;
			}
		}
	}
	pc_stripes_lock(p, u->v, u->n, set, lock);
	if (!lock)
		pc_units_fini(u);
	return 0;
}

/*
 * A redo record: the new content goes to the log first (the commit
 * point), then in place.  An undo record would read the old content, out
 * of cache, where this reads the caller's buffer twice.
 */
int pc_hw_write(struct pmemcrypt_pool *p, const void *buf, size_t len,
		uint64_t off)
{
	uint64_t set[PC_STRIPES / 64];
	struct pc_undo redo = {0};
	struct pc_units u;
	int ret;

	if (len > (size_t)p->units_per_tx * PC_UNIT)
		return pc_err(PMEMCRYPT_E_TOO_BIG,
			      "write of %zu bytes exceeds the pool's atomic "
			      "limit of %u units",
			      len, p->units_per_tx);
	ret = lock_range(p, &u, set, off, len, 1);
	if (ret)
		return ret;
	ret = log_range(p, &redo, off, buf, len);
	if (!ret) {
		pc_media_write(&p->media, p->hdr.data_off + off, buf, len);
		pc_media_fence(&p->media);
	}
	pc_undo_end(p, &redo, 0);
	lock_range(p, &u, set, off, len, 0);
	return ret;
}

int pc_hw_read(struct pmemcrypt_pool *p, void *buf, size_t len, uint64_t off)
{
	uint8_t *dst = buf;

	while (len) {
		uint64_t lba = off / PC_UNIT;
		size_t n = PC_UNIT - off % PC_UNIT;

		n = n < len ? n : len;
		pthread_mutex_lock(pc_stripe(p, lba));
		memcpy(dst, p->view.base + off, n);
		pthread_mutex_unlock(pc_stripe(p, lba));
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

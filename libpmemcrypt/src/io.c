// SPDX-License-Identifier: BSD-3-Clause
/* io.c -- persist, read and write */

#include <string.h>

#include "errormsg.h"
#include "hw.h"
#include "io.h"
#include "store.h"

int pc_check_range(const struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	if (off > p->view.size || len > p->view.size - off)
		return pc_err(PMEMCRYPT_E_RANGE,
			      "range %llu+%zu is outside the pool (%zu bytes)",
			      (unsigned long long)off, len, p->view.size);
	return 0;
}

/* Refuses caller buffers inside the view (they could fault under a lock). */
static int check_buffer(const struct pmemcrypt_pool *p, const void *buf,
			size_t len)
{
	uintptr_t b = (uintptr_t)buf, v = (uintptr_t)p->view.base;

	if (!buf)
		return pc_err(PMEMCRYPT_E_INVALID, "NULL buffer");
	if (b < v + p->view.size && v < b + len)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "buffer lies inside the pool view; store "
			      "through the view and use pmemcrypt_persist");
	return 0;
}

/* The sectors of unit lba that [off, off+len) touches. */
static unsigned range_mask(uint64_t off, size_t len, uint64_t lba)
{
	uint64_t u = lba * PC_UNIT;
	uint64_t lo = off > u ? off : u;
	uint64_t hi = off + len < u + PC_UNIT ? off + len : u + PC_UNIT;
	unsigned first = (unsigned)((lo - u) / PC_SECTOR);
	unsigned last = (unsigned)((hi - 1 - u) / PC_SECTOR);

	return ((1u << (last + 1)) - 1) & ~((1u << first) - 1);
}

/* Adds the units of [off, off+len), or only those present in the view. */
static int units_of_range(const struct pmemcrypt_pool *p, struct pc_units *u,
			  uint64_t off, size_t len, int present_only)
{
	if (!len)
		return 0;
	for (uint64_t i = off / PC_UNIT; i <= (off + len - 1) / PC_UNIT; i++) {
		int ret;

		if (present_only && !pc_view_present(&p->view, i))
			continue;
		ret = pc_units_add(u, i, range_mask(off, len, i));
		if (ret)
			return ret;
	}
	return 0;
}

int pc_units_present(const struct pmemcrypt_pool *p, struct pc_units *u,
		     uint64_t off, size_t len)
{
	return units_of_range(p, u, off, len, 1);
}

static const uint8_t *view_plain(void *arg, struct pc_lane *l, size_t i,
				 uint64_t lba)
{
	struct pmemcrypt_pool *p = arg;

	return p->view.base + lba * PC_UNIT;
}

int pc_persist_units(struct pmemcrypt_pool *p, const struct pc_units *u)
{
	return pc_store_update(p, u->v, u->n, view_plain, p);
}

PC_EXPORT int pmemcrypt_persist(struct pmemcrypt_pool *pool, const void *addr,
				size_t len)
{
	uint64_t off = (uintptr_t)addr - (uintptr_t)pool->view.base;
	struct pc_units u;
	int ret;

	if ((uintptr_t)addr < (uintptr_t)pool->view.base)
		return pc_err(PMEMCRYPT_E_RANGE, "persist: address %p is "
			      "below the pool view", addr);
	ret = pc_check_range(pool, off, len);
	if (ret || !len)
		return ret;
	if (pool->hw)
		return pc_hw_persist(pool, off, len);
	pc_units_init(&u);
	ret = pc_units_present(pool, &u, off, len);
	if (!ret)
		ret = pc_persist_units(pool, &u);
	pc_units_fini(&u);
	return ret;
}

struct write_ctx {
	struct pmemcrypt_pool *p;
	const uint8_t *buf;
	uint64_t off;
	size_t len;
	int error;
};

/* The new plaintext of a unit a write covers, fully or in part. */
static const uint8_t *write_plain(void *arg, struct pc_lane *l, size_t i,
				  uint64_t lba)
{
	struct write_ctx *w = arg;
	uint64_t u = lba * PC_UNIT;
	uint64_t lo = w->off > u ? w->off : u;
	uint64_t hi = w->off + w->len < u + PC_UNIT ? w->off + w->len
						    : u + PC_UNIT;
	uint8_t *view = w->p->view.base + u;

	if (pc_view_present(&w->p->view, lba)) {
		memcpy(view + (lo - u), w->buf + (lo - w->off), hi - lo);
		return view;
	}
	if (lo == u && hi == u + PC_UNIT)
		return w->buf + (u - w->off);
	w->error = pc_store_read_unit(w->p, l->xts, lba, l->scratch);
	if (w->error)
		return NULL;
	memcpy(l->scratch + (lo - u), w->buf + (lo - w->off), hi - lo);
	return l->scratch;
}

PC_EXPORT int pmemcrypt_write(struct pmemcrypt_pool *pool, const void *buf,
			      size_t len, uint64_t offset)
{
	struct write_ctx w = {pool, buf, offset, len, 0};
	struct pc_units u;
	int ret;

	ret = pc_check_range(pool, offset, len);
	if (!ret)
		ret = check_buffer(pool, buf, len);
	if (ret || !len)
		return ret;
	if (pool->hw)
		return pc_hw_write(pool, buf, len, offset);
	pc_units_init(&u);
	ret = units_of_range(pool, &u, offset, len, 0);
	if (!ret)
		ret = pc_store_update(pool, u.v, u.n, write_plain, &w);
	pc_units_fini(&u);
	return w.error ? w.error : ret;
}

/* Copies [off, off+len) within one unit out of the view or the media. */
static int read_unit(struct pmemcrypt_pool *p, struct pc_lane *l,
		     uint64_t off, size_t len, uint8_t *dst)
{
	uint64_t lba = off / PC_UNIT, u = lba * PC_UNIT;
	int ret = 0;

	pthread_mutex_lock(pc_stripe(p, lba));
	if (pc_view_present(&p->view, lba)) {
		memcpy(dst, p->view.base + off, len);
	} else if (len == PC_UNIT) {
		ret = pc_store_read_unit(p, l->xts, lba, dst);
	} else {
		ret = pc_store_read_unit(p, l->xts, lba, l->scratch);
		memcpy(dst, l->scratch + (off - u), len);
	}
	pthread_mutex_unlock(pc_stripe(p, lba));
	return ret;
}

PC_EXPORT int pmemcrypt_read(struct pmemcrypt_pool *pool, void *buf,
			     size_t len, uint64_t offset)
{
	uint8_t *dst = buf;
	struct pc_lane *l;
	int ret;

	ret = pc_check_range(pool, offset, len);
	if (!ret)
		ret = check_buffer(pool, buf, len);
	if (ret || !len)
		return ret;
	if (pool->hw)
		return pc_hw_read(pool, buf, len, offset);
	l = pc_lane_get(pool);
	while (len && !ret) {
		size_t n = PC_UNIT - offset % PC_UNIT;

		n = n < len ? n : len;
		ret = read_unit(pool, l, offset, n, dst);
		dst += n;
		offset += n;
		len -= n;
	}
	pc_lane_put(l);
	return ret;
}

int pc_restore_range(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	struct pc_lane *l = pc_lane_get(p);
	int ret = 0;

	while (len && !ret) {
		uint64_t lba = off / PC_UNIT, u = lba * PC_UNIT;
		size_t n = PC_UNIT - off % PC_UNIT;

		n = n < len ? n : len;
		pthread_mutex_lock(pc_stripe(p, lba));
		if (pc_view_present(&p->view, lba)) {
			ret = pc_store_read_unit(p, l->xts, lba, l->scratch);
			if (!ret)
				memcpy(p->view.base + off,
				       l->scratch + (off - u), n);
		}
		pthread_mutex_unlock(pc_stripe(p, lba));
		off += n;
		len -= n;
	}
	pc_lane_put(l);
	return ret;
}

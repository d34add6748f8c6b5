// SPDX-License-Identifier: BSD-3-Clause
/*
 * sw_io.c -- the software engine's persist, read, write, transactions and
 * check: units of the view made durable through store.c
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errormsg.h"
#include "sw.h"
#include "tx.h"

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

/*
 * Adds the units of [off, off+len), or only those of the view that may
 * differ from their durable content (dirty_only): present and not clean.
 * A unit skipped here may change before its lock is taken only by stores
 * that race with the caller, which no order promises to include.
 */
static int units_of_range(const struct pmemcrypt_pool *p, struct pc_units *u,
			  uint64_t off, size_t len, int dirty_only)
{
	const struct pc_view *v = &pc_sw(p)->view;

	if (!len)
		return 0;
	for (uint64_t i = off / PC_UNIT; i <= (off + len - 1) / PC_UNIT; i++) {
		int ret;

		if (dirty_only &&
		    (!pc_view_present(v, i) || pc_view_clean(v, i)))
			continue;
		ret = pc_units_add(u, i, range_mask(off, len, i));
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The bytes an update makes durable: sorted, disjoint ranges of the view.
 * Other bytes of the sectors it writes keep their durable content while
 * another transaction may have stored there (durable_plain()).
 */
struct durable {
	struct pmemcrypt_pool *p;
	const struct pc_range *r;
	size_t n;
	int own; /* the caller's claim on its units: 1 at commit, else 0 */
	int error;
};

/* The first of the sorted ranges that ends after off. */
static size_t first_ending_after(const struct pc_range *r, size_t n,
				 uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].off + r[mid].len > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * Copies the sectors in need of unit lba from the view into dst when no
 * other transaction can have stored into them: none open held a claim on
 * the unit's stripe, and none was made while they were copied (the
 * stripe's claim word read around the copy, as a seqlock reader does;
 * pc_sw_tx_add() is its writer).  Stores of no transaction may become
 * durable with them, as a cache line may be written back at any time on
 * persistent memory.
 */
static int view_alone(struct durable *d, uint64_t lba, unsigned need,
		      uint8_t *dst)
{
	const uint64_t *claim = &pc_sw(d->p)->claims[lba % PC_STRIPES];
	const uint8_t *src = d->p->base + lba * PC_UNIT;
	uint64_t w = __atomic_load_n(claim, __ATOMIC_ACQUIRE);

	if (PC_CLAIM_OPEN(w) != (uint32_t)d->own)
		return 0;
	for (unsigned s = 0; s < PC_SECTORS; s++)
		if (need & (1u << s))
			memcpy(dst + s * PC_SECTOR, src + s * PC_SECTOR,
			       PC_SECTOR);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(claim, __ATOMIC_RELAXED) == w;
}

/*
 * The new plaintext of unit lba, for the sectors in need: sectors wholly
 * inside the ranges, and all of them when no other transaction can have
 * stored there (view_alone()), come from the view; otherwise its durable
 * content with the bytes of the ranges taken from the view, so that an
 * open transaction's stores stay out of it.
 */
static const uint8_t *durable_plain(void *arg, struct pc_sw_lane *l, size_t i,
				    uint64_t lba, unsigned need)
{
	struct durable *d = arg;
	struct pmemcrypt_pool *p = d->p;
	uint64_t u = lba * PC_UNIT, end = u + PC_UNIT;
	size_t first = first_ending_after(d->r, d->n, u);
	unsigned full = 0;

	/* Evicted since it was chosen: the view held the durable content. */
	if (!pc_view_present(&pc_sw(p)->view, lba)) {
		d->error =
			pc_store_read_sectors(p, l->xts, lba, need, l->scratch);
		return d->error ? NULL : l->scratch;
	}
	/* Sectors wholly inside a range come from the view alone. */
	for (size_t k = first; k < d->n && d->r[k].off < end; k++)
		for (unsigned s = 0; s < PC_SECTORS; s++)
			if (d->r[k].off <= u + s * PC_SECTOR &&
			    u + (s + 1) * PC_SECTOR <=
				    d->r[k].off + d->r[k].len)
				full |= 1u << s;
	if (!(need & ~full))
		return p->base + u;
	if (view_alone(d, lba, need, l->scratch))
		return l->scratch;
	d->error =
		pc_store_read_sectors(p, l->xts, lba, need & ~full, l->scratch);
	if (d->error)
		return NULL;
	for (size_t k = first; k < d->n && d->r[k].off < end; k++) {
		uint64_t lo = d->r[k].off > u ? d->r[k].off : u;
		uint64_t hi = d->r[k].off + d->r[k].len < end
				      ? d->r[k].off + d->r[k].len
				      : end;

		memcpy(l->scratch + (lo - u), p->base + lo, hi - lo);
	}
	return l->scratch;
}

/* Makes the bytes of d (of the units in u, sorted) durable as one update. */
static int persist_ranges(struct durable *d, const struct pc_units *u)
{
	int ret = pc_store_update(d->p, u->v, u->n, durable_plain, d);

	return d->error ? d->error : ret;
}

/* Refuses a range that spans more units than one update may. */
static int check_span(const struct pmemcrypt_pool *p, const char *what,
		      uint64_t off, size_t len)
{
	uint64_t units = (off + len - 1) / PC_UNIT - off / PC_UNIT + 1;

	if (units <= p->units_per_tx)
		return 0;
	return pc_err(PMEMCRYPT_E_TOO_BIG,
		      "%s of %zu bytes spans %llu units; the pool's atomic "
		      "limit is %u units",
		      what, len, (unsigned long long)units, p->units_per_tx);
}

/*
 * The range must fit in one update whether or not its units were
 * touched: the same call fails the same way.
 */
int pc_sw_persist(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	struct pc_range r = {off, len};
	struct durable d = {p, &r, 1, 0, 0};
	struct pc_units u;
	int ret = check_span(p, "persist", off, len);

	if (ret)
		return ret;
	pc_units_init(&u);
	ret = units_of_range(p, &u, off, len, 1);
	if (!ret)
		ret = persist_ranges(&d, &u);
	pc_units_fini(&u);
	return ret;
}

struct write_ctx {
	struct durable d; /* the written range */
	const uint8_t *buf;
};

/* The new plaintext of a unit a write covers, fully or in part. */
static const uint8_t *write_plain(void *arg, struct pc_sw_lane *l, size_t i,
				  uint64_t lba, unsigned need)
{
	struct write_ctx *w = arg;
	struct pmemcrypt_pool *p = w->d.p;
	uint64_t off = w->d.r->off, len = w->d.r->len, u = lba * PC_UNIT;
	uint64_t lo = off > u ? off : u;
	uint64_t hi = off + len < u + PC_UNIT ? off + len : u + PC_UNIT;

	if (pc_view_present(&pc_sw(p)->view, lba)) {
		/* The view shows the write; the written bytes of it, and
		 * only those, become durable: the whole unit is the caller's
		 * buffer, which the cipher reads. */
		if (lo == u && hi == u + PC_UNIT) {
			pc_view_fill_unit(p, lba, w->buf + (u - off));
			return w->buf + (u - off);
		}
		pc_view_make_writable(p, lba);
		memcpy(p->base + lo, w->buf + (lo - off), hi - lo);
		return durable_plain(&w->d, l, i, lba, need);
	}
	if (lo == u && hi == u + PC_UNIT)
		return w->buf + (u - off);
	w->d.error = pc_store_read_sectors(p, l->xts, lba, need, l->scratch);
	if (w->d.error)
		return NULL;
	memcpy(l->scratch + (lo - u), w->buf + (lo - off), hi - lo);
	return l->scratch;
}

int pc_sw_write(struct pmemcrypt_pool *p, const void *buf, size_t len,
		uint64_t off)
{
	struct pc_range r = {off, len};
	struct write_ctx w = {{p, &r, 1, 0, 0}, buf};
	struct pc_units u;
	int ret;

	pc_units_init(&u);
	ret = units_of_range(p, &u, off, len, 0);
	if (!ret)
		ret = pc_store_update(p, u.v, u.n, write_plain, &w);
	pc_units_fini(&u);
	return w.d.error ? w.d.error : ret;
}

/* Copies [off, off+len) within one unit out of the view or the media. */
static int read_unit(struct pmemcrypt_pool *p, struct pc_sw_lane *l,
		     uint64_t off, size_t len, uint8_t *dst)
{
	uint64_t lba = off / PC_UNIT, u = lba * PC_UNIT;
	int ret = 0;

	pthread_mutex_lock(pc_unit_lock(&p->locks, lba));
	if (pc_view_present(&pc_sw(p)->view, lba)) {
		memcpy(dst, p->base + off, len);
	} else if (len == PC_UNIT) {
		ret = pc_store_read_unit(p, l->xts, lba, dst);
	} else {
		ret = pc_store_read_unit(p, l->xts, lba, l->scratch);
		memcpy(dst, l->scratch + (off - u), len);
	}
	pthread_mutex_unlock(pc_unit_lock(&p->locks, lba));
	return ret;
}

int pc_sw_read(struct pmemcrypt_pool *p, void *buf, size_t len, uint64_t off)
{
	struct pc_lane *l = pc_lane_get(&p->lanes);
	uint8_t *dst = buf;
	int ret = 0;

	while (len && !ret) {
		size_t n = PC_UNIT - off % PC_UNIT;

		n = n < len ? n : len;
		ret = read_unit(p, pc_sw_lane(p, l), off, n, dst);
		dst += n;
		off += n;
		len -= n;
	}
	pc_lane_put(l);
	return ret;
}

/* Restores [off, off+len) of the view from the media. */
static int restore_range(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	struct pc_lane *lane = pc_lane_get(&p->lanes);
	struct pc_sw_lane *l = pc_sw_lane(p, lane);
	int ret = 0;

	while (len && !ret) {
		uint64_t lba = off / PC_UNIT, u = lba * PC_UNIT;
		size_t n = PC_UNIT - off % PC_UNIT;

		n = n < len ? n : len;
		pthread_mutex_lock(pc_unit_lock(&p->locks, lba));
		/* A clean unit shows its durable content already. */
		if (pc_view_present(&pc_sw(p)->view, lba) &&
		    !pc_view_clean(&pc_sw(p)->view, lba)) {
			ret = pc_store_read_unit(p, l->xts, lba, l->scratch);
			if (!ret)
				memcpy(p->base + off, l->scratch + (off - u),
				       n);
		}
		pthread_mutex_unlock(pc_unit_lock(&p->locks, lba));
		off += n;
		len -= n;
	}
	pc_lane_put(lane);
	return ret;
}

/* Index of the first unit >= unit in the sorted set. */
static size_t units_find(const struct pc_sw_tx *s, uint64_t unit)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid] < unit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Units of [first, last] not in the set yet. */
static uint64_t units_new(const struct pc_sw_tx *s, uint64_t first,
			  uint64_t last)
{
	size_t i = units_find(s, first);
	uint64_t have = 0;

	while (i < s->n && s->v[i] <= last) {
		have++;
		i++;
	}
	return last - first + 1 - have;
}

static int grow(struct pc_sw_tx *s)
{
	int in = s->v == s->inline_units;
	uint64_t *v = in ? malloc(s->cap * 2 * sizeof(*v))
			 : realloc(s->v, s->cap * 2 * sizeof(*v));

	if (!v)
		return -1;
	if (in)
		memcpy(v, s->inline_units, sizeof(s->inline_units));
	s->v = v;
	s->cap *= 2;
	return 0;
}

static int units_insert(struct pc_sw_tx *s, uint64_t first, uint64_t last)
{
	for (uint64_t u = first; u <= last; u++) {
		size_t i = units_find(s, u);

		if (i < s->n && s->v[i] == u)
			continue;
		if (!s->cap) {
			s->v = s->inline_units;
			s->cap = PC_SW_TX_INLINE_UNITS;
		}
		if (s->n == s->cap && grow(s))
			return pc_err(-ENOMEM, "out of memory");
		memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof(*s->v));
		s->v[i] = u;
		s->n++;
	}
	return 0;
}

/*
 * Claims the stripes of units [first, last] that the transaction holds no
 * claim on yet, then a release fence: both before the caller may store
 * into the range.
 */
static void claim_stripes(struct pmemcrypt_tx *tx, uint64_t first,
			  uint64_t last)
{
	uint64_t *claims = pc_sw(tx->pool)->claims;
	struct pc_sw_tx *s = tx->priv;

	for (uint64_t u = first; u <= last && u - first < PC_STRIPES; u++) {
		unsigned st = (unsigned)(u % PC_STRIPES);
		uint64_t bit = 1ull << (st % 64);

		if (s->claimed[st / 64] & bit)
			continue;
		s->claimed[st / 64] |= bit;
		__atomic_fetch_add(&claims[st], PC_CLAIM_ADD, __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/*
 * The ranges are persisted as one update at commit; a range that would
 * take the transaction past the atomic limit is refused when it is added.
 */
int pc_sw_tx_add(struct pmemcrypt_tx *tx, uint64_t off, size_t len)
{
	uint64_t first = off / PC_UNIT, last = (off + len - 1) / PC_UNIT;
	struct pc_sw_tx *s = tx->priv;
	uint64_t more;
	int ret;

	more = units_new(s, first, last);
	if (s->n + more > tx->pool->units_per_tx)
		return pc_err(PMEMCRYPT_E_TOO_BIG,
			      "tx_add: the transaction would cover %llu units; "
			      "the pool's atomic limit is %u units",
			      (unsigned long long)(s->n + more),
			      tx->pool->units_per_tx);
	ret = pc_tx_reserve(tx);
	if (!ret)
		ret = units_insert(s, first, last);
	/* Before the caller stores into the range: see view_alone(). */
	claim_stripes(tx, first, last);
	if (!ret)
		pc_tx_append(tx, off, len);
	return ret;
}

/*
 * Gives up the transaction's claims, once its update is durable or its
 * ranges restored: an update of another transaction that waited for the
 * units' locks no longer needs to keep its stores out.
 */
static void tx_units_free(struct pmemcrypt_tx *tx)
{
	uint64_t *claims = pc_sw(tx->pool)->claims;
	struct pc_sw_tx *s = tx->priv;

	for (unsigned w = 0; w < PC_STRIPES / 64; w++)
		while (s->claimed[w]) {
			unsigned b = (unsigned)__builtin_ctzll(s->claimed[w]);

			__atomic_fetch_sub(&claims[w * 64 + b], 1,
					   __ATOMIC_RELEASE);
			s->claimed[w] &= s->claimed[w] - 1;
		}
	if (s->v != s->inline_units)
		free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* Restores every declared range from the media. */
void pc_sw_tx_abort(struct pmemcrypt_tx *tx)
{
	for (size_t i = 0; i < tx->n; i++)
		restore_range(tx->pool, tx->ranges[i].off, tx->ranges[i].len);
	tx_units_free(tx);
}

static int by_offset(const void *a, const void *b)
{
	const struct pc_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * A sorted copy of n ranges with overlapping and adjacent ones merged: in
 * buf when it holds them (PC_TX_INLINE_RANGES), else allocated.
 */
static struct pc_range *merged(const struct pc_range *r, size_t *n,
			       struct pc_range *buf)
{
	struct pc_range *m =
		*n <= PC_TX_INLINE_RANGES ? buf : malloc(*n * sizeof(*m));
	size_t k = 0;

	if (!m)
		return NULL;
	memcpy(m, r, *n * sizeof(*m));
	if (*n > 1)
		qsort(m, *n, sizeof(*m), by_offset);
	for (size_t i = 0; i < *n; i++) {
		if (k && m[i].off <= m[k - 1].off + m[k - 1].len) {
			uint64_t end = m[i].off + m[i].len;

			if (end > m[k - 1].off + m[k - 1].len)
				m[k - 1].len = end - m[k - 1].off;
			continue;
		}
		m[k++] = m[i];
	}
	*n = k;
	return m;
}

/*
 * The declared ranges, and only they, become durable as one update: the
 * stores of other transactions in the same sectors stay out of it.
 */
int pc_sw_tx_commit(struct pmemcrypt_tx *tx)
{
	struct durable d = {tx->pool, NULL, tx->n, 1, 0};
	struct pc_range buf[PC_TX_INLINE_RANGES];
	struct pc_range *r = tx->n ? merged(tx->ranges, &d.n, buf) : NULL;
	struct pc_units u;
	int ret = tx->n && !r ? pc_err(-ENOMEM, "out of memory") : 0;

	d.r = r;
	pc_units_init(&u);
	for (size_t i = 0; i < d.n && !ret; i++)
		ret = units_of_range(tx->pool, &u, r[i].off, r[i].len, 1);
	if (!ret) {
		pc_units_sort(&u);
		ret = persist_ranges(&d, &u);
	}
	pc_units_fini(&u);
	if (r != buf)
		free(r);
	if (ret)
		pc_sw_tx_abort(tx);
	tx_units_free(tx);
	return ret;
}

/*
 * Whether the media's map entry of unit u is the one the pool holds: an
 * entry changed under the open pool is counted, never followed.
 */
static int map_entry_matches(struct pmemcrypt_pool *p, uint64_t u)
{
	const uint8_t *e = pc_media_at(&p->media, pc_map_off(p, u), 8);

	return e && __atomic_load_n((const uint64_t *)e, __ATOMIC_RELAXED) ==
			    pc_sw(p)->map[u];
}

int pc_sw_check_units(struct pmemcrypt_pool *p,
		      struct pmemcrypt_check_report *r,
		      pmemcrypt_progress_fn *progress, void *arg)
{
	struct pc_sw *sw = pc_sw(p);
	uint64_t *used = calloc((sw->blocks + 63) / 64, sizeof(uint64_t));
	struct pc_lane *lane;
	struct pc_sw_lane *l;
	int ret = 0;

	if (!used)
		return pc_err(-ENOMEM, "out of memory");
	lane = pc_lane_get(&p->lanes);
	l = pc_sw_lane(p, lane);
	for (uint64_t u = 0; u < p->units && !ret; u++) {
		uint64_t v, b;

		pthread_mutex_lock(pc_unit_lock(&p->locks, u));
		v = sw->map[u];
		b = v - 1;
		r->errors += !map_entry_matches(p, u);
		if (!v) {
			r->units_unmapped++;
		} else if (b >= sw->blocks ||
			   (used[b / 64] & (1ull << (b % 64)))) {
			r->errors++;
		} else {
			used[b / 64] |= 1ull << (b % 64);
			r->units_mapped++;
			/* Exercises the cipher path over every unit. */
			ret = pc_store_read_unit(p, l->xts, u, l->scratch);
		}
		pthread_mutex_unlock(pc_unit_lock(&p->locks, u));
		if (progress && (u % 4096 == 4095 || u + 1 == p->units))
			progress(arg, "check", u + 1, p->units);
	}
	pc_lane_put(lane);
	r->blocks_free = sw->blocks - r->units_mapped;
	free(used);
	return ret;
}

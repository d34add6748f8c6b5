// SPDX-License-Identifier: BSD-3-Clause
/*
 * checkmode.c -- check mode: the pool's engine wrapped at open, so that a
 * commit reports stores to the view outside any declared range and close
 * reports stores never made durable
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkmode.h"
#include "crypto.h"
#include "errormsg.h"
#include "pool.h"
#include "tx.h"

/* A unit's content as a transaction's commit compares it with the view. */
struct snap {
	uint64_t unit;
	uint8_t *copy; /* PC_UNIT bytes of plaintext: secure memory */
};

/* What check mode keeps of a transaction with ranges. */
struct pc_check_tx {
	struct pc_check_tx *prev, *next; /* the pool's open transactions */
	struct pc_range *r;		 /* its declared ranges */
	size_t n, cap;
	struct snap *s; /* sorted by unit */
	size_t ns, caps;
};

struct pc_check {
	struct pc_engine ops;	       /* the pool's engine, wrapped */
	const struct pc_engine *inner; /* the engine itself */
	pthread_mutex_t lock;	       /* the list and every pc_check_tx */
	struct pc_check_tx *open;      /* open transactions with ranges */
};

/* Index of the first copy of a unit >= unit. */
static size_t snap_find(const struct pc_check_tx *t, uint64_t unit)
{
	size_t lo = 0, hi = t->ns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->s[mid].unit < unit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Copies the units of [off, off+len) that t has no copy of yet. */
static int snap_range(struct pmemcrypt_pool *p, struct pc_check_tx *t,
		      uint64_t off, size_t len)
{
	for (uint64_t u = off / PC_UNIT; u <= (off + len - 1) / PC_UNIT; u++) {
		size_t i = snap_find(t, u);
		uint8_t *copy;

		if (i < t->ns && t->s[i].unit == u)
			continue;
		if (t->ns == t->caps) {
			size_t cap = t->caps ? t->caps * 2 : 8;
			struct snap *s = realloc(t->s, cap * sizeof(*s));

			if (!s)
				return pc_err(-ENOMEM, "out of memory");
			t->s = s;
			t->caps = cap;
		}
		copy = pc_secure_alloc(PC_UNIT);
		if (!copy)
			return pc_err(-ENOMEM, "out of memory");
		memcpy(copy, p->base + u * PC_UNIT, PC_UNIT);
		memmove(t->s + i + 1, t->s + i, (t->ns - i) * sizeof(*t->s));
		t->s[i] = (struct snap){u, copy};
		t->ns++;
	}
	return 0;
}

/* Copies [off, off+len) of the view into t's copies of its units. */
static void snap_follow(struct pmemcrypt_pool *p, struct pc_check_tx *t,
			uint64_t off, size_t len)
{
	for (size_t i = snap_find(t, off / PC_UNIT);
	     i < t->ns && t->s[i].unit * PC_UNIT < off + len; i++) {
		uint64_t u = t->s[i].unit * PC_UNIT;
		uint64_t lo = off > u ? off : u;
		uint64_t hi = off + len < u + PC_UNIT ? off + len : u + PC_UNIT;

		memcpy(t->s[i].copy + (lo - u), p->base + lo, hi - lo);
	}
}

/*
 * Bytes of [off, off+len) were made durable (by a persist, a write, or
 * the end of a transaction other than skip): the open transactions'
 * copies take them from the view.  Called with the lock held.
 */
static void made_durable(struct pmemcrypt_pool *p, uint64_t off, size_t len,
			 const struct pc_check_tx *skip)
{
	for (struct pc_check_tx *t = p->check->open; t; t = t->next)
		if (t != skip)
			snap_follow(p, t, off, len);
}

/* Runs of bytes, in the order found. */
struct runs {
	struct pc_range *v;
	size_t n, cap;
	int lost; /* out of memory: runs were dropped */
};

static void runs_add(void *arg, uint64_t off, size_t len)
{
	struct runs *r = arg;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct pc_range *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			r->lost = 1;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (struct pc_range){off, len};
}

/*
 * Collects the runs of bytes of t's units that differ from its copies,
 * outside the ranges of every open transaction.  Called with the lock
 * held.
 */
static void compare(struct pmemcrypt_pool *p, const struct pc_check_tx *t,
		    struct runs *runs)
{
	uint8_t skip[PC_UNIT];

	for (size_t i = 0; i < t->ns; i++) {
		uint64_t u = t->s[i].unit * PC_UNIT;
		const uint8_t *view = p->base + u;

		if (!memcmp(view, t->s[i].copy, PC_UNIT))
			continue;
		memset(skip, 0, sizeof(skip));
		for (const struct pc_check_tx *o = p->check->open; o;
		     o = o->next)
			for (size_t k = 0; k < o->n; k++) {
				uint64_t off = o->r[k].off;
				uint64_t end = off + o->r[k].len;

				off = off > u ? off : u;
				end = end < u + PC_UNIT ? end : u + PC_UNIT;
				if (off < end)
					memset(skip + (off - u), 1, end - off);
			}
		pc_diff_runs(view, t->s[i].copy, skip, PC_UNIT, u, runs_add,
			     runs);
	}
}

/* The check state of tx, made and listed as open on its first range. */
static int tx_state(struct pc_check *c, struct pmemcrypt_tx *tx)
{
	struct pc_check_tx *t = tx->check;

	if (t)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return pc_err(-ENOMEM, "out of memory");
	t->next = c->open;
	if (c->open)
		c->open->prev = t;
	c->open = t;
	tx->check = t;
	return 0;
}

/* Frees t's heap; its copies too unless in a forked child. */
static void tx_state_free(struct pc_check_tx *t, int forked)
{
	for (size_t i = 0; i < t->ns && !forked; i++)
		pc_secure_free(t->s[i].copy, PC_UNIT);
	free(t->s);
	free(t->r);
	free(t);
}

/*
 * Ends tx's check state: its ranges, as they are now durable (committed
 * or restored), become the other open transactions' copies.
 */
static void tx_end(struct pc_check *c, struct pmemcrypt_tx *tx)
{
	struct pc_check_tx *t = tx->check;

	if (!t)
		return;
	pthread_mutex_lock(&c->lock);
	for (size_t k = 0; k < t->n; k++)
		made_durable(tx->pool, t->r[k].off, t->r[k].len, t);
	if (t->prev)
		t->prev->next = t->next;
	else
		c->open = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&c->lock);
	tx_state_free(t, 0);
	tx->check = NULL;
}

/*
 * The units a range touches are copied before the engine declares it
 * (neither engine's tx_add changes the view).
 */
static int check_tx_add(struct pmemcrypt_tx *tx, uint64_t off, size_t len)
{
	struct pc_check *c = tx->pool->check;
	struct pc_check_tx *t;
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = tx_state(c, tx);
	t = tx->check;
	if (!ret && t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct pc_range *r = realloc(t->r, cap * sizeof(*r));

		ret = r ? 0 : pc_err(-ENOMEM, "out of memory");
		if (r) {
			t->r = r;
			t->cap = cap;
		}
	}
	if (!ret)
		ret = snap_range(tx->pool, t, off, len);
	pthread_mutex_unlock(&c->lock);
	if (!ret)
		ret = c->inner->tx_add(tx, off, len);
	if (!ret) {
		pthread_mutex_lock(&c->lock);
		t->r[t->n++] = (struct pc_range){off, len};
		pthread_mutex_unlock(&c->lock);
	}
	return ret;
}

/* Reports a run with one of two tails, in offset order across both. */
static void report_as(struct pc_reporter *to, struct pc_reporter *other,
		      uint64_t off, size_t len)
{
	if (len) {
		pc_report_flush(other);
		pc_report_run(to, off, len);
	}
}

/*
 * Reports each run as what the commit made of it: durable (its sector
 * was written whole), or not (the view differs from the media there).
 */
static void report_outcome(struct pmemcrypt_pool *p, const struct runs *r)
{
	struct pc_check *c = p->check;
	struct pc_reporter made = {
		p, "tx_commit",
		"outside any declared range; made durable without being "
		"declared",
		0, 0};
	struct pc_reporter kept = {
		p, "tx_commit",
		"outside any declared range; not made durable by this "
		"transaction",
		0, 0};

	for (size_t i = 0; i < r->n; i++) {
		uint64_t pos = r->v[i].off, end = pos + r->v[i].len;
		struct runs out = {NULL, 0, 0, 0};

		if (c->inner->unsaved &&
		    (c->inner->unsaved(p, pos, end - pos, runs_add, &out) ||
		     out.lost)) {
			/* Unknown outcome: reported as kept, the safe side. */
			out.n = 0;
			runs_add(&out, pos, end - pos);
		}
		for (size_t k = 0; k < out.n; k++) {
			report_as(&made, &kept, pos, out.v[k].off - pos);
			report_as(&kept, &made, out.v[k].off, out.v[k].len);
			pos = out.v[k].off + out.v[k].len;
		}
		report_as(&made, &kept, pos, end - pos);
		free(out.v);
	}
	pc_report_flush(&made);
	pc_report_flush(&kept);
}

/*
 * Finds the stores outside the declared ranges, commits as the engine
 * does (the result is the engine's), then reports what became of them.
 */
static int check_tx_commit(struct pmemcrypt_tx *tx)
{
	struct pc_check *c = tx->pool->check;
	struct runs r = {NULL, 0, 0, 0};
	int ret;

	if (tx->check) {
		pthread_mutex_lock(&c->lock);
		compare(tx->pool, tx->check, &r);
		pthread_mutex_unlock(&c->lock);
	}
	ret = c->inner->tx_commit(tx);
	tx_end(c, tx);
	report_outcome(tx->pool, &r);
	if (r.lost)
		fprintf(stderr, "pmemcrypt: check: tx_commit: out of memory; "
				"some stores were not reported\n");
	free(r.v);
	return ret;
}

static void check_tx_abort(struct pmemcrypt_tx *tx)
{
	struct pc_check *c = tx->pool->check;

	c->inner->tx_abort(tx);
	tx_end(c, tx);
}

/* Runs the engine's persist; the persisted bytes are accounted for. */
static int check_persist(struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	struct pc_check *c = p->check;
	int ret = c->inner->persist(p, off, len);

	if (!ret) {
		pthread_mutex_lock(&c->lock);
		made_durable(p, off, len, NULL);
		pthread_mutex_unlock(&c->lock);
	}
	return ret;
}

static int check_write(struct pmemcrypt_pool *p, const void *buf, size_t len,
		       uint64_t off)
{
	struct pc_check *c = p->check;
	int ret = c->inner->write(p, buf, len, off);

	if (!ret) {
		pthread_mutex_lock(&c->lock);
		made_durable(p, off, len, NULL);
		pthread_mutex_unlock(&c->lock);
	}
	return ret;
}

int pc_check_start(struct pmemcrypt_pool *p, int on)
{
	const char *env = secure_getenv("PMEMCRYPT_CHECK");
	struct pc_check *c;

	if (!on && !(env && !strcmp(env, "1")))
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return pc_err(-ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->inner = p->engine;
	c->ops = *p->engine;
	c->ops.persist = check_persist;
	c->ops.write = check_write;
	c->ops.tx_add = check_tx_add;
	c->ops.tx_commit = check_tx_commit;
	c->ops.tx_abort = check_tx_abort;
	p->check = c;
	p->engine = &c->ops;
	return 0;
}

void pc_check_close(struct pmemcrypt_pool *p)
{
	struct pc_check *c = p->check;
	struct pc_reporter rep = {p, "pool_close", "but never made durable", 0,
				  0};
	int ret;

	if (!c || p->forked || !c->inner->unsaved)
		return;
	ret = c->inner->unsaved(p, 0, p->units * PC_UNIT, pc_report_run, &rep);
	pc_report_flush(&rep);
	if (ret)
		fprintf(stderr,
			"pmemcrypt: check: pool_close: the view of %s could "
			"not be compared with its durable content: %s\n",
			p->path, pmemcrypt_strerror(ret));
}

/*
 * In a forked child the copies are not mapped and the lock may be held by
 * a thread the child does not have: only the heap is freed.
 */
void pc_check_stop(struct pmemcrypt_pool *p)
{
	struct pc_check *c = p->check;

	if (!c)
		return;
	while (c->open) {
		struct pc_check_tx *t = c->open;

		c->open = t->next;
		tx_state_free(t, p->forked);
	}
	if (!p->forked)
		pthread_mutex_destroy(&c->lock);
	p->engine = c->inner;
	p->check = NULL;
	free(c);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * view_budget.c -- how much of the pool the view holds in DRAM: a budget,
 * and the eviction of units that equal their durable content
 */

#include <errno.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "errormsg.h"
#include "sw.h"

/* Parses "<n>[KMGT]" or "unlimited" (UINT64_MAX); 0 on success. */
static int parse_size(const char *s, uint64_t *bytes)
{
	static const char suffix[] = "KMGT";
	unsigned long long n;
	const char *at;
	char *end;

	if (!strcmp(s, "unlimited")) {
		*bytes = UINT64_MAX;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		at = strchr(suffix, *end);
		if (!at || !*at || end[1])
			return -1;
		for (long i = 0; i <= at - suffix; i++) {
			if (n > UINT64_MAX / 1024)
				return -1;
			n *= 1024;
		}
	}
	*bytes = n;
	return 0;
}

int pc_view_budget_default(uint64_t *bytes)
{
	const char *s = secure_getenv("PMEMCRYPT_VIEW_BUDGET");
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	if (s) {
		if (parse_size(s, bytes) || *bytes < PC_VIEW_BUDGET_MIN)
			return pc_err(
				PMEMCRYPT_E_INVALID,
				"PMEMCRYPT_VIEW_BUDGET=\"%s\": expected a "
				"size of at least 64K (bytes, or with K, "
				"M, G or T) or \"unlimited\"",
				s);
		return 0;
	}
	/* A quarter of the machine's memory. */
	*bytes = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize / 4
					: UINT64_MAX;
	if (*bytes < PC_VIEW_BUDGET_MIN)
		*bytes = PC_VIEW_BUDGET_MIN;
	return 0;
}

int pc_view_set_budget(struct pmemcrypt_pool *p, uint64_t bytes)
{
	struct pc_view *v = &pc_sw(p)->view;
	int ret = 0;

	if (!bytes)
		ret = pc_view_budget_default(&bytes);
	if (ret)
		return ret;
	__atomic_store_n(&v->budget, bytes / PC_UNIT, __ATOMIC_RELAXED);
	/* The fault thread brings the view down to it now. */
	if (v->trim_fd >= 0 &&
	    __atomic_load_n(&v->resident, __ATOMIC_RELAXED) > bytes / PC_UNIT) {
		uint64_t one = 1;

		if (write(v->trim_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			return pc_err(-errno, "view: eventfd: %s",
				      strerror(errno));
	}
	return 0;
}

/* The first present unit at or after u, wrapping; UINT64_MAX if none. */
static uint64_t next_present(const struct pmemcrypt_pool *p, uint64_t u)
{
	const struct pc_view *v = &pc_sw(p)->view;
	uint64_t words = (p->units + 63) / 64;

	u = u < p->units ? u : 0;
	for (uint64_t k = 0; k <= words; k++) {
		uint64_t w = (u / 64 + k) % words;
		uint64_t bits =
			__atomic_load_n(&v->present[w], __ATOMIC_ACQUIRE);

		if (!k)
			bits &= ~0ull << (u % 64);
		if (bits)
			return w * 64 + (uint64_t)__builtin_ctzll(bits);
	}
	return UINT64_MAX;
}

static void bit_clear(uint64_t *map, uint64_t unit)
{
	__atomic_fetch_and(&map[unit / 64], ~(1ull << (unit % 64)),
			   __ATOMIC_RELEASE);
}

/*
 * Whether a dirty unit equals its durable content.  Its page is
 * write-protected, so no store can slip in between this and the drop.
 */
static int equals_durable(struct pmemcrypt_pool *p, uint64_t unit)
{
	struct pc_view *v = &pc_sw(p)->view;

	return !pc_store_read_unit(p, v->xts, unit, v->durable) &&
	       !memcmp(v->durable, p->base + unit * PC_UNIT, PC_UNIT);
}

#define SPAN 64 /* unit slots eviction looks at in one go */

/* A span of slots [u, u+n) and what eviction knows of each (bit i). */
struct span {
	uint64_t u, n;
	uint64_t present, locked, keep;
};

static int slot(uint64_t bits, uint64_t i)
{
	return (bits >> i) & 1;
}

/*
 * Calls fn on each maximal run of slots of s for which ok(s, i) holds,
 * then returns the number of slots in the runs.
 */
static uint64_t for_runs(struct pmemcrypt_pool *p, struct span *s,
			 int (*ok)(const struct span *s, uint64_t i),
			 void (*fn)(struct pmemcrypt_pool *p, struct span *s,
				    uint64_t from, uint64_t to))
{
	uint64_t from = 0, total = 0;

	for (uint64_t i = 0; i <= s->n; i++) {
		if (i < s->n && ok(s, i))
			continue;
		if (i > from) {
			fn(p, s, from, i);
			total += i - from;
		}
		from = i + 1;
	}
	return total;
}

/* Slots eviction may write-protect: absent, or present and locked. */
static int may_protect(const struct span *s, uint64_t i)
{
	return !slot(s->present, i) || slot(s->locked, i);
}

/* Slots whose pages may go: absent, or locked and not kept. */
static int may_drop(const struct span *s, uint64_t i)
{
	return !slot(s->present, i) ||
	       (slot(s->locked, i) && !slot(s->keep, i));
}

static void protect(struct pmemcrypt_pool *p, struct span *s, uint64_t from,
		    uint64_t to)
{
	struct pc_view *v = &pc_sw(p)->view;

	if (pc_view_protect(v, p->base + (s->u + from) * PC_UNIT, to - from, 1))
		for (uint64_t i = from; i < to; i++) /* keep what we cannot */
			if (!pc_view_clean(v, s->u + i))
				s->keep |= 1ull << i;
}

static void drop(struct pmemcrypt_pool *p, struct span *s, uint64_t from,
		 uint64_t to)
{
	struct pc_view *v = &pc_sw(p)->view;

	for (uint64_t i = from; i < to; i++)
		if (slot(s->present, i)) {
			bit_clear(v->present, s->u + i);
			bit_clear(v->dirty, s->u + i);
		}
	madvise(p->base + (s->u + from) * PC_UNIT, (to - from) * PC_UNIT,
		MADV_DONTNEED);
}

/*
 * Evicts what it can of the locked units of a span: clean units go; dirty
 * ones are write-protected (ranges of slots that hold no unit it has not
 * locked), compared with their durable content, and go if equal, else
 * stay and are released again.  Stores that hit the protection retry,
 * and fault the page in again where it went.  Returns the units evicted.
 */
static uint64_t evict_span(struct pmemcrypt_pool *p, struct span *s)
{
	struct pc_view *v = &pc_sw(p)->view;
	struct uffdio_range all = {(uintptr_t)p->base + s->u * PC_UNIT,
				   s->n * PC_UNIT};
	uint64_t dirty = 0, gone;

	for (uint64_t i = 0; i < s->n; i++)
		if (slot(s->locked, i) && !pc_view_clean(v, s->u + i))
			dirty |= 1ull << i;
	if (dirty)
		for_runs(p, s, may_protect, protect);
	for (uint64_t i = 0; i < s->n; i++)
		if (slot(dirty & ~s->keep, i) && !equals_durable(p, s->u + i))
			s->keep |= 1ull << i;
	for_runs(p, s, may_drop, drop);
	gone = (uint64_t)__builtin_popcountll(s->locked & ~s->keep);
	__atomic_sub_fetch(&v->resident, gone, __ATOMIC_RELAXED);
	for (uint64_t i = 0; i < s->n; i++)
		if (slot(dirty & s->keep, i))
			pc_view_protect(v, p->base + (s->u + i) * PC_UNIT, 1,
					0);
	ioctl(v->uffd, UFFDIO_WAKE, &all);
	return gone;
}

int pc_view_make_room(struct pmemcrypt_pool *p, uint64_t n)
{
	struct pc_view *v = &pc_sw(p)->view;
	uint64_t budget = __atomic_load_n(&v->budget, __ATOMIC_RELAXED);
	uint64_t resident = __atomic_load_n(&v->resident, __ATOMIC_RELAXED);
	uint64_t want, slack, freed = 0, seen = 0, limit;

	if (!v->wp || budget >= p->units)
		return 0;
	if (resident + n <= budget)
		return 1;
	slack = budget / 16 < PC_READAHEAD_MAX ? budget / 16 : PC_READAHEAD_MAX;
	want = resident + n + slack - budget;
	/* Units that stay dirty may keep the view over its budget. */
	limit = 2 * want + 2 * PC_READAHEAD_MAX;
	while (freed < want && seen < limit) {
		uint64_t u = next_present(p, v->hand);
		struct span sp = {u, 0, 0, 0, 0};

		if (u == UINT64_MAX)
			break;
		sp.n = p->units - u < SPAN ? p->units - u : SPAN;
		for (uint64_t i = 0; i < sp.n; i++) {
			if (!pc_view_present(v, u + i))
				continue;
			sp.present |= 1ull << i;
			if (!pthread_mutex_trylock(
				    pc_unit_lock(&p->locks, u + i)))
				sp.locked |= 1ull << i;
		}
		if (sp.locked)
			freed += evict_span(p, &sp);
		for (uint64_t i = 0; i < sp.n; i++)
			if (slot(sp.locked, i))
				pthread_mutex_unlock(
					pc_unit_lock(&p->locks, u + i));
		seen += (uint64_t)__builtin_popcountll(sp.present);
		v->hand = u + sp.n;
	}
	return 1;
}

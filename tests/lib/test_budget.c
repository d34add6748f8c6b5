// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_budget.c -- the view's memory budget: pools four times the budget
 * written and read entirely through the view, sequentially, at random and
 * from two threads, with the view's resident pages (mincore) and the
 * process's anonymous memory measured staying under the budget plus a
 * stated overhead; stores not yet persisted are never lost to eviction
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE
#define MIB (1ull << 20)
#define POOL (16 * MIB)
#define BUDGET (4 * MIB)
#define CHUNK 16 /* units stored, then persisted at once */
/*
 * What the view may hold on top of the budget: units stored to and not
 * yet persisted (a chunk here, for each of two threads at most).
 */
#define VIEW_OVER (2 * CHUNK * UNIT)
/* What the process may hold on top of that: the allocator's, the test's. */
#define OVERHEAD (1 * MIB)

#if defined(__SANITIZE_ADDRESS__)
#define RSS_CHECKED 0 /* shadow memory and quarantine blur RssAnon */
#else
#define RSS_CHECKED 1
#endif

/* The process's resident anonymous memory in bytes. */
static uint64_t rss_anon(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long kib = 0;
	char line[256];

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %llu kB", &kib) == 1)
			break;
	fclose(f);
	assert_true(kib > 0);
	return kib * 1024;
}

/* Bytes of the view resident in memory. */
static uint64_t view_resident(struct pmemcrypt_pool *p)
{
	size_t pages = pmemcrypt_pool_size(p) / (size_t)getpagesize();
	unsigned char *vec = malloc(pages);
	uint64_t n = 0;

	assert_non_null(vec);
	assert_int_equal(
		mincore(pmemcrypt_pool_base(p), pmemcrypt_pool_size(p), vec),
		0);
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n * (uint64_t)getpagesize();
}

struct watch {
	struct pmemcrypt_pool *p;
	uint64_t base; /* RssAnon with the pool open */
	uint64_t peak; /* of RssAnon */
	uint64_t view; /* peak of the view's resident bytes */
};

static void watch_start(struct watch *w, struct pmemcrypt_pool *p)
{
	w->p = p;
	w->base = w->peak = rss_anon();
	w->view = view_resident(p);
}

static void watch(struct watch *w)
{
	uint64_t now = rss_anon(), v = view_resident(w->p);

	w->peak = now > w->peak ? now : w->peak;
	w->view = v > w->view ? v : w->view;
}

static uint64_t grown(const struct watch *w)
{
	return w->peak > w->base ? w->peak - w->base : 0;
}

/* The view within budget + VIEW_OVER, the process within OVERHEAD more. */
static void assert_within(const struct watch *w, uint64_t budget)
{
	print_message("# view peak %llu KiB, RssAnon grew %llu KiB; budget "
		      "%llu KiB\n",
		      (unsigned long long)w->view / 1024,
		      (unsigned long long)grown(w) / 1024,
		      (unsigned long long)budget / 1024);
	assert_true(w->view <= budget + VIEW_OVER);
	if (RSS_CHECKED)
		assert_true(grown(w) <= budget + VIEW_OVER + OVERHEAD);
}

static uint32_t seed_of(uint64_t unit, uint32_t round)
{
	return (uint32_t)(unit * 2654435761u) ^ round;
}

/* Units 0..n-1 in order, or shuffled. */
static uint64_t *order(uint64_t n, int shuffled)
{
	uint64_t *v = malloc(n * sizeof(*v));

	assert_non_null(v);
	for (uint64_t i = 0; i < n; i++)
		v[i] = i;
	for (uint64_t i = n - 1; shuffled && i > 0; i--) {
		uint64_t j = (uint64_t)rand() % (i + 1), t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
	return v;
}

/* Stores then persists units ord[from..to) through the view. */
static void write_units(struct pmemcrypt_pool *p, const uint64_t *ord,
			uint64_t from, uint64_t to, uint32_t round,
			struct watch *w)
{
	uint8_t *base = pmemcrypt_pool_base(p);

	for (uint64_t i = from; i < to; i += CHUNK) {
		uint64_t end = i + CHUNK < to ? i + CHUNK : to;

		for (uint64_t k = i; k < end; k++)
			th_fill(base + ord[k] * UNIT, UNIT,
				seed_of(ord[k], round));
		for (uint64_t k = i; k < end; k++)
			assert_int_equal(pmemcrypt_persist(
						 p, base + ord[k] * UNIT, UNIT),
					 0);
		if (w)
			watch(w);
	}
}

/* Checks units ord[from..to) through the view; the bad ones, counted. */
static uint64_t check_units(struct pmemcrypt_pool *p, const uint64_t *ord,
			    uint64_t from, uint64_t to, uint32_t round,
			    struct watch *w)
{
	const uint8_t *base = pmemcrypt_pool_base(p);
	uint64_t bad = 0;
	uint8_t want[UNIT];

	for (uint64_t i = from; i < to; i++) {
		th_fill(want, UNIT, seed_of(ord[i], round));
		bad += memcmp(base + ord[i] * UNIT, want, UNIT) != 0;
		if (w && i % CHUNK == 0)
			watch(w);
	}
	return bad;
}

static void read_units(struct pmemcrypt_pool *p, const uint64_t *ord,
		       uint64_t from, uint64_t to, uint32_t round,
		       struct watch *w)
{
	assert_int_equal(check_units(p, ord, from, to, round, w), 0);
}

static void budget_roundtrip(int shuffled)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path(shuffled ? "random" : "seq");
	struct pmemcrypt_pool *p = th_create(path, POOL, key);
	uint64_t units = pmemcrypt_pool_size(p) / UNIT, *ord;
	struct watch w;

	assert_int_equal(pmemcrypt_pool_set_view_budget(p, BUDGET), 0);
	ord = order(units, shuffled);
	watch_start(&w, p);
	write_units(p, ord, 0, units, 1, &w);
	read_units(p, ord, 0, units, 1, &w);
	assert_within(&w, BUDGET);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);

	/* Durable, and read again under the budget after a reopen. */
	p = th_open(path, key);
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, BUDGET), 0);
	free(ord);
	ord = order(units, shuffled);
	watch_start(&w, p);
	read_units(p, ord, 0, units, 1, &w);
	assert_within(&w, BUDGET);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	free(ord);
	pmemcrypt_key_delete(&key);
}

static void budget_sequential(void **state)
{
	(void)state;
	budget_roundtrip(0);
}

static void budget_random(void **state)
{
	(void)state;
	srand(7);
	budget_roundtrip(1);
}

/* The measurement sees the view: without a budget it grows by the pool. */
static void unlimited_control(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *p = th_create(th_path("control"), POOL, key);
	uint64_t units = pmemcrypt_pool_size(p) / UNIT, *ord;
	struct watch w;

	(void)state;
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, 64 * POOL), 0);
	ord = order(units, 0);
	watch_start(&w, p);
	write_units(p, ord, 0, units, 2, &w);
	read_units(p, ord, 0, units, 2, &w);
	assert_true(w.view == units * UNIT);
	if (RSS_CHECKED)
		assert_true(grown(&w) >= units * UNIT * 9 / 10);

	/* Lowering the budget gives the memory back now. */
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, BUDGET), 0);
	for (int i = 0; i < 500 && view_resident(p) > BUDGET; i++)
		usleep(10000);
	assert_true(view_resident(p) <= BUDGET);
	if (RSS_CHECKED)
		assert_true(rss_anon() <= w.base + BUDGET + OVERHEAD);
	read_units(p, ord, 0, units, 2, NULL);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	free(ord);
	pmemcrypt_key_delete(&key);
}

struct half {
	struct pmemcrypt_pool *p;
	const uint64_t *ord;
	uint64_t from, to, bad;
};

static void *half_worker(void *arg)
{
	struct half *h = arg;
	uint8_t *base = pmemcrypt_pool_base(h->p);

	for (uint64_t k = h->from; k < h->to; k++) {
		th_fill(base + h->ord[k] * UNIT, UNIT, seed_of(h->ord[k], 3));
		h->bad += pmemcrypt_persist(h->p, base + h->ord[k] * UNIT,
					    UNIT) != 0;
	}
	h->bad += check_units(h->p, h->ord, h->from, h->to, 3, NULL);
	return NULL;
}

/* Two threads, each on its own shuffled half, one budget. */
static void budget_threads(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *p = th_create(th_path("threads"), POOL, key);
	uint64_t units = pmemcrypt_pool_size(p) / UNIT, *ord;
	struct half h[2];
	pthread_t t[2];
	struct watch w;

	(void)state;
	srand(11);
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, BUDGET), 0);
	ord = order(units, 1);
	watch_start(&w, p);
	for (int i = 0; i < 2; i++) {
		h[i] = (struct half){p, ord, i * units / 2, (i + 1) * units / 2,
				     0};
		assert_int_equal(
			pthread_create(&t[i], NULL, half_worker, &h[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].bad, 0);
	}
	watch(&w);
	assert_within(&w, BUDGET);
	read_units(p, ord, 0, units, 3, NULL);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	free(ord);
	pmemcrypt_key_delete(&key);
}

/*
 * Stores not persisted stay in the view however much else is read: the
 * pool is scanned four times over while they wait, then persisted.
 */
static void unpersisted_stay(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("stay");
	struct pmemcrypt_pool *p = th_create(path, POOL, key);
	uint64_t units = pmemcrypt_pool_size(p) / UNIT, *ord = order(units, 0);
	uint8_t *base = pmemcrypt_pool_base(p), want[UNIT];
	struct pmemcrypt_tx *tx;
	volatile uint8_t sink = 0;

	(void)state;
	write_units(p, ord, 0, units, 4, NULL);
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, MIB), 0);
	/* Units 0-31 get stores never persisted; unit 40 a transaction. */
	for (uint64_t u = 0; u < 32; u++)
		th_fill(base + u * UNIT + 100, 8, seed_of(u, 5));
	assert_int_equal(pmemcrypt_tx_begin(p, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 40 * UNIT, UNIT), 0);
	th_fill(base + 40 * UNIT, UNIT, seed_of(40, 5));
	for (int pass = 0; pass < 4; pass++)
		for (uint64_t u = 64; u < units; u++)
			sink ^= base[u * UNIT + pass];
	for (uint64_t u = 0; u < 32; u++) {
		uint8_t b[8];

		th_fill(b, 8, seed_of(u, 5));
		if (memcmp(base + u * UNIT + 100, b, 8))
			fail_msg("unpersisted store to unit %llu was lost",
				 (unsigned long long)u);
		assert_int_equal(pmemcrypt_persist(p, base + u * UNIT + 100, 8),
				 0);
	}
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);

	p = th_open(path, key);
	base = pmemcrypt_pool_base(p);
	for (uint64_t u = 0; u < 32; u++) {
		th_fill(want, UNIT, seed_of(u, 4));
		th_fill(want + 100, 8, seed_of(u, 5));
		assert_memory_equal(base + u * UNIT, want, UNIT);
	}
	th_fill(want, UNIT, seed_of(40, 5));
	assert_memory_equal(base + 40 * UNIT, want, UNIT);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	free(ord);
	pmemcrypt_key_delete(&key);
	(void)sink;
}

/* An abort restores the view of a unit evicted and faulted in again. */
static void abort_under_pressure(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *p = th_create(th_path("abort"), POOL, key);
	uint64_t units = pmemcrypt_pool_size(p) / UNIT, *ord = order(units, 0);
	uint8_t *base = pmemcrypt_pool_base(p), want[UNIT];
	struct pmemcrypt_tx *tx;
	volatile uint8_t sink = 0;

	(void)state;
	write_units(p, ord, 0, units, 6, NULL);
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, MIB), 0);
	assert_int_equal(pmemcrypt_tx_begin(p, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 3 * UNIT, UNIT), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 9 * UNIT, UNIT), 0);
	memset(base + 3 * UNIT, 0xa5, UNIT);
	for (uint64_t u = 16; u < units; u++)
		sink ^= base[u * UNIT];
	pmemcrypt_tx_abort(&tx);
	th_fill(want, UNIT, seed_of(3, 6));
	assert_memory_equal(base + 3 * UNIT, want, UNIT);
	th_fill(want, UNIT, seed_of(9, 6));
	assert_memory_equal(base + 9 * UNIT, want, UNIT);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	free(ord);
	pmemcrypt_key_delete(&key);
	(void)sink;
}

/* pmemcrypt_write and read of units the view holds, evicts and lacks. */
static void write_read_mixed(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *p = th_create(th_path("mixed"), POOL, key);
	uint64_t units = pmemcrypt_pool_size(p) / UNIT;
	uint8_t *base = pmemcrypt_pool_base(p), buf[UNIT], want[UNIT];
	volatile uint8_t sink = 0;

	(void)state;
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, MIB), 0);
	for (uint64_t u = 0; u < units; u++) {
		sink ^= base[u * UNIT]; /* in the view, then evicted */
		th_fill(buf, UNIT, seed_of(u, 8));
		assert_int_equal(
			pmemcrypt_write(p, buf + 10, UNIT - 20, u * UNIT + 10),
			0);
	}
	for (uint64_t u = 0; u < units; u++) {
		th_fill(want, UNIT, seed_of(u, 8));
		memset(want, 0, 10);
		memset(want + UNIT - 10, 0, 10);
		assert_int_equal(pmemcrypt_read(p, buf, UNIT, u * UNIT), 0);
		assert_memory_equal(buf, want, UNIT);
		assert_memory_equal(base + u * UNIT, want, UNIT);
	}
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	pmemcrypt_key_delete(&key);
	(void)sink;
}

static void bad_budgets(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("bad");
	struct pmemcrypt_pool *p = th_create(path, POOL, key);
	static const char *bad[] = {
		"", "12Q", "-5", "1K", "1MB", "lots", "99999999999999999999"};

	(void)state;
	assert_int_equal(pmemcrypt_pool_set_view_budget(p, 4096),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("smallest");
	assert_int_equal(pmemcrypt_pool_set_view_budget(NULL, MIB),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		setenv("PMEMCRYPT_VIEW_BUDGET", bad[i], 1);
		assert_int_equal(pmemcrypt_pool_open(&p, path, key, 0),
				 PMEMCRYPT_E_INVALID);
		th_assert_msg("PMEMCRYPT_VIEW_BUDGET");
		assert_null(p);
	}
	setenv("PMEMCRYPT_VIEW_BUDGET", "2M", 1);
	p = th_open(path, key);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	setenv("PMEMCRYPT_VIEW_BUDGET", "unlimited", 1);
	p = th_open(path, key);
	assert_int_equal(pmemcrypt_pool_close(&p), 0);
	unsetenv("PMEMCRYPT_VIEW_BUDGET");
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(budget_sequential),
		cmocka_unit_test(budget_random),
		cmocka_unit_test(unlimited_control),
		cmocka_unit_test(budget_threads),
		cmocka_unit_test(unpersisted_stay),
		cmocka_unit_test(abort_under_pressure),
		cmocka_unit_test(write_read_mixed),
		cmocka_unit_test(bad_budgets),
	};

	unsetenv("PMEMCRYPT_VIEW_BUDGET");
	unsetenv("PMEMCRYPT_NO_USERFAULTFD");
	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

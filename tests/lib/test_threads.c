// SPDX-License-Identifier: BSD-3-Clause
/* test_threads.c -- concurrent writers on disjoint ranges, same units */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE
#define NTHREADS 8
#define ROUNDS 40
#define POOL_SIZE (4u << 20)
#define SHARED_UNITS 24 /* units every thread writes a slice of */
#define SLICE (UNIT / NTHREADS)

static struct pmemcrypt_key *key;
static struct pmemcrypt_pool *pool;
static const char *path;
static uint8_t *base;

enum mode {
	OWN_UNITS_WRITE, /* pmemcrypt_write to units of its own */
	SHARED_PERSIST,	 /* view stores + persist of a slice of a unit */
	SHARED_WRITE,	 /* pmemcrypt_write of a slice of a unit */
	SHARED_TX,	 /* a transaction over slices of several units */
};

struct worker {
	pthread_t thread;
	int id;
	enum mode mode;
	uint64_t first; /* first unit of the shared area */
	int failed;	/* first failing call's result */
};

/* Content of thread id's piece after round r. */
static void piece(uint8_t *buf, size_t len, int id, int r, uint64_t unit)
{
	th_fill(buf, len, (uint32_t)(id * 100000 + r * 1000 + (int)unit));
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t buf[UNIT];

	for (int r = 0; r < ROUNDS && !w->failed; r++) {
		struct pmemcrypt_tx *tx = NULL;
		int ret = 0;

		if (w->mode == SHARED_TX)
			ret = pmemcrypt_tx_begin(pool, &tx);
		for (uint64_t u = 0; u < SHARED_UNITS && !ret; u++) {
			uint64_t unit = w->first + u, off;

			if (w->mode == OWN_UNITS_WRITE) {
				unit = w->first + u * NTHREADS + w->id;
				piece(buf, UNIT, w->id, r, unit);
				ret = pmemcrypt_write(pool, buf, UNIT,
						      unit * UNIT);
				continue;
			}
			off = unit * UNIT + (uint64_t)w->id * SLICE;
			piece(buf, SLICE, w->id, r, unit);
			if (w->mode == SHARED_WRITE) {
				ret = pmemcrypt_write(pool, buf, SLICE, off);
				continue;
			}
			memcpy(base + off, buf, SLICE);
			if (w->mode == SHARED_PERSIST)
				ret = pmemcrypt_persist(pool, base + off,
							SLICE);
			else
				ret = pmemcrypt_tx_add(tx, base + off, SLICE);
		}
		if (tx && !ret)
			ret = pmemcrypt_tx_commit(&tx);
		else if (tx)
			pmemcrypt_tx_abort(&tx);
		if (ret)
			w->failed = ret;
	}
	return NULL;
}

/* Runs NTHREADS workers in a mode; returns the first failure or 0. */
static int run(enum mode mode, uint64_t first)
{
	struct worker w[NTHREADS];
	int ret = 0, n;

	for (n = 0; n < NTHREADS; n++) {
		w[n] = (struct worker){.id = n, .mode = mode, .first = first};
		if (pthread_create(&w[n].thread, NULL, work, &w[n])) {
			ret = -1;
			break;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].failed) {
			print_error("mode %d thread %d: %d %s\n", mode, i,
				    w[i].failed,
				    pmemcrypt_strerror(w[i].failed));
			ret = ret ? ret : w[i].failed;
		}
	}
	return ret;
}

/* Checks every thread's last piece through read() and the view. */
static void verify(enum mode mode, uint64_t first)
{
	uint8_t want[UNIT], got[UNIT];

	for (int id = 0; id < NTHREADS; id++)
		for (uint64_t u = 0; u < SHARED_UNITS; u++) {
			uint64_t unit = first + u, off;
			size_t len = SLICE;

			if (mode == OWN_UNITS_WRITE) {
				unit = first + u * NTHREADS + (uint64_t)id;
				off = unit * UNIT;
				len = UNIT;
			} else {
				off = unit * UNIT + (uint64_t)id * SLICE;
			}
			piece(want, len, id, ROUNDS - 1, unit);
			assert_int_equal(pmemcrypt_read(pool, got, len, off),
					 0);
			assert_memory_equal(got, want, len);
			assert_memory_equal(base + off, want, len);
		}
}

static void reopen(void)
{
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pool = th_open(path, key);
	base = pmemcrypt_pool_base(pool);
}

static int pool_setup(void **state)
{
	key = th_raw_key(1);
	path = strdup(th_path("threads.pool"));
	pool = th_create(path, POOL_SIZE, key);
	base = pmemcrypt_pool_base(pool);
	return 0;
}

static int pool_teardown(void **state)
{
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	free((void *)path);
	return 0;
}

static void test_own_units(void **state)
{
	assert_int_equal(run(OWN_UNITS_WRITE, 0), 0);
	verify(OWN_UNITS_WRITE, 0);
	reopen();
	verify(OWN_UNITS_WRITE, 0);
}

static void test_same_unit_persist(void **state)
{
	assert_int_equal(run(SHARED_PERSIST, 300), 0);
	verify(SHARED_PERSIST, 300);
	reopen();
	verify(SHARED_PERSIST, 300);
}

/* Half the units are in the view, half are merged from the media. */
static void test_same_unit_write(void **state)
{
	volatile uint8_t sink = 0;

	for (uint64_t u = 0; u < SHARED_UNITS; u += 2)
		sink += base[(400 + u) * UNIT];
	(void)sink;
	assert_int_equal(run(SHARED_WRITE, 400), 0);
	verify(SHARED_WRITE, 400);
	reopen();
	verify(SHARED_WRITE, 400);
}

static void test_same_unit_tx(void **state)
{
	size_t max_units = pmemcrypt_pool_max_atomic(pool) / UNIT;

	assert_true(max_units >= SHARED_UNITS);
	assert_int_equal(run(SHARED_TX, 500), 0);
	verify(SHARED_TX, 500);
	reopen();
	verify(SHARED_TX, 500);
}

static const uint64_t mode_first[] = {0, 300, 400, 500};

/* All modes at once, on separate areas. */
static void *mode_thread(void *arg)
{
	enum mode m = (enum mode)(uintptr_t)arg;

	return (void *)(intptr_t)run(m, mode_first[m]);
}

static void test_all_modes(void **state)
{
	pthread_t t[4];
	void *ret;

	for (int m = 0; m < 4; m++)
		assert_int_equal(pthread_create(&t[m], NULL, mode_thread,
						(void *)(uintptr_t)m),
				 0);
	for (int m = 0; m < 4; m++) {
		assert_int_equal(pthread_join(t[m], &ret), 0);
		assert_int_equal((intptr_t)ret, 0);
	}
	for (int m = 0; m < 4; m++)
		verify((enum mode)m, mode_first[m]);
	reopen();
	for (int m = 0; m < 4; m++)
		verify((enum mode)m, mode_first[m]);
}

static void *fail_in_thread(void *arg)
{
	uint8_t b;
	int ret = pmemcrypt_read(pool, &b, 2, pmemcrypt_pool_size(pool) - 1);

	*(int *)arg = ret == PMEMCRYPT_E_RANGE &&
		      strstr(pmemcrypt_errormsg(), "outside the pool");
	return NULL;
}

/* One-unit write from a thread of its own (which takes a lane of its own). */
static void *write_one(void *arg)
{
	uint64_t unit = (uint64_t)(uintptr_t)arg;
	uint8_t buf[UNIT];

	piece(buf, UNIT, 7, 1, unit);
	return (void *)(uintptr_t)(pmemcrypt_write(pool, buf, UNIT,
						   unit * UNIT) != 0);
}

/*
 * Every lane keeps a free block for itself after a one-unit write: with
 * every unit mapped and every lane holding one, an update of the atomic
 * limit still finds its blocks (no wait for ever) and lands whole.
 */
static void test_lane_spares_leave_room(void **state)
{
	size_t max = pmemcrypt_pool_max_atomic(pool), units;
	struct pmemcrypt_info info;
	uint8_t *big, buf[UNIT];
	void *res;

	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	units = pmemcrypt_pool_size(pool) / UNIT;
	assert_true(info.lanes <= units && max / UNIT < units);
	for (uint64_t u = 0; u < units; u++) {
		piece(buf, UNIT, 1, 0, u);
		assert_int_equal(pmemcrypt_write(pool, buf, UNIT, u * UNIT), 0);
	}
	for (uint32_t i = 0; i < info.lanes; i++) {
		pthread_t t;

		assert_int_equal(
			pthread_create(&t, NULL, write_one,
				       (void *)(uintptr_t)(units - 1 - i)),
			0);
		assert_int_equal(pthread_join(t, &res), 0);
		assert_null(res);
	}
	big = malloc(max);
	assert_non_null(big);
	for (size_t k = 0; k < max / UNIT; k++)
		piece(big + k * UNIT, UNIT, 2, 0, k);
	alarm(60); /* a wait for blocks that never come fails the test */
	assert_int_equal(pmemcrypt_write(pool, big, max, 0), 0);
	alarm(0);
	for (size_t k = 0; k < max / UNIT; k++) {
		assert_int_equal(pmemcrypt_read(pool, buf, UNIT, k * UNIT), 0);
		assert_memory_equal(buf, big + k * UNIT, UNIT);
	}
	for (uint32_t i = 0; i < info.lanes; i++) {
		uint8_t want[UNIT];
		uint64_t u = units - 1 - i;

		piece(want, UNIT, 7, 1, u);
		assert_int_equal(pmemcrypt_read(pool, buf, UNIT, u * UNIT), 0);
		assert_memory_equal(buf, want, UNIT);
	}
	free(big);
}

/* Each thread has its own last error message. */
static void test_errormsg_per_thread(void **state)
{
	struct pmemcrypt_config *cfg = NULL;
	pthread_t t;
	int ok = 0;

	assert_int_equal(pmemcrypt_config_new(&cfg), 0);
	assert_int_equal(pmemcrypt_config_set_size(cfg, 1),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("multiple of 4096");
	assert_int_equal(pthread_create(&t, NULL, fail_in_thread, &ok), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(ok);
	th_assert_msg("multiple of 4096");
	pmemcrypt_config_delete(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_own_units, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_same_unit_persist,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_same_unit_write,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_same_unit_tx, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_all_modes, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_errormsg_per_thread,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_lane_spares_leave_room,
						pool_setup, pool_teardown),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_tx.c -- transactions: commit, abort, undeclared stores, size
 * limit, misuse
 */

#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE

static struct pmemcrypt_key *key;
static struct pmemcrypt_pool *pool;
static const char *path;
static uint8_t *base;

static int pool_setup(void **state)
{
	key = th_raw_key(2);
	path = strdup(th_path("tx.pool"));
	pool = th_create(path, TH_POOL_SIZE, key);
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

static void reopen(void)
{
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pool = th_open(path, key);
	base = pmemcrypt_pool_base(pool);
}

static void expect_content(uint64_t off, const void *want, size_t len)
{
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	assert_int_equal(pmemcrypt_read(pool, buf, len, off), 0);
	assert_memory_equal(buf, want, len);
	assert_memory_equal(base + off, want, len);
	free(buf);
}

static const struct {
	uint64_t off;
	size_t len;
} ranges[] = {
	{10, 100},
	{5 * UNIT - 60, 120},
	{17 * UNIT, UNIT},
	{100 * UNIT + 7, 1},
};
#define NRANGES (sizeof(ranges) / sizeof(ranges[0]))

/* Durable content d (seed) in every range, written outside a tx. */
static void write_ranges(uint32_t seed)
{
	uint8_t buf[UNIT];

	for (size_t i = 0; i < NRANGES; i++) {
		th_fill(buf, ranges[i].len, seed + (uint32_t)i);
		assert_int_equal(pmemcrypt_write(pool, buf, ranges[i].len,
						 ranges[i].off),
				 0);
	}
}

static void store_and_add(struct pmemcrypt_tx *tx, uint32_t seed)
{
	for (size_t i = 0; i < NRANGES; i++) {
		th_fill(base + ranges[i].off, ranges[i].len,
			seed + (uint32_t)i);
		assert_int_equal(pmemcrypt_tx_add(tx, base + ranges[i].off,
						  ranges[i].len),
				 0);
	}
}

static void expect_ranges(uint32_t seed)
{
	uint8_t buf[UNIT];

	for (size_t i = 0; i < NRANGES; i++) {
		th_fill(buf, ranges[i].len, seed + (uint32_t)i);
		expect_content(ranges[i].off, buf, ranges[i].len);
	}
}

static void test_commit(void **state)
{
	struct pmemcrypt_tx *tx = NULL;

	write_ranges(100);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_non_null(tx);
	store_and_add(tx, 200);
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_null(tx);
	expect_ranges(200);
	reopen();
	expect_ranges(200);
}

static void test_abort(void **state)
{
	struct pmemcrypt_tx *tx = NULL;

	write_ranges(300);
	/* Bring the units into the view first, as a program would. */
	expect_ranges(300);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	store_and_add(tx, 400);
	pmemcrypt_tx_abort(&tx);
	assert_null(tx);
	expect_ranges(300);
	reopen();
	expect_ranges(300);
}

/*
 * Stores no transaction declared, beside a persisted byte in the same
 * sector: they become durable with it when no open transaction holds a
 * claim on the unit (one open on another unit does not count), and stay
 * out while one that added a range in the unit is open.
 */
static void test_undeclared_stores(void **state)
{
	static const uint8_t zero[UNIT];
	uint64_t u = 5 * UNIT, other = 100 * UNIT;
	struct pmemcrypt_tx *tx = NULL;

	assert_int_equal(pmemcrypt_write(pool, zero, UNIT, u), 0);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + other, 8), 0);
	base[other] = 0x11;
	base[u] = 0xaa;
	base[u + 10] = 0xbb;
	assert_int_equal(pmemcrypt_persist(pool, base + u + 10, 1), 0);
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	reopen();
	expect_content(u, "\xaa", 1);
	expect_content(u + 10, "\xbb", 1);
	expect_content(other, "\x11", 1);

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + u, 1), 0);
	base[u] = 0xcc;
	base[u + 10] = 0xdd;
	assert_int_equal(pmemcrypt_persist(pool, base + u + 10, 1), 0);
	pmemcrypt_tx_abort(&tx);
	expect_content(u, "\xaa", 1);
	reopen();
	expect_content(u, "\xaa", 1);
	expect_content(u + 10, "\xdd", 1);
}

/* A transaction that would cover more units than an update may. */
static void test_too_many_units(void **state)
{
	size_t units = pmemcrypt_pool_max_atomic(pool) / UNIT + 1;
	struct pmemcrypt_tx *tx = NULL;
	uint8_t *old = malloc(units * UNIT), *new = malloc(units * UNIT);
	const uint64_t off = 20 * UNIT;

	assert_non_null(old);
	assert_non_null(new);
	th_fill(old, units * UNIT, 500);
	for (size_t u = 0; u < units; u++)
		assert_int_equal(pmemcrypt_write(pool, old + u * UNIT, UNIT,
						 off + u * UNIT),
				 0);
	th_fill(new, units * UNIT, 501);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	for (size_t u = 0; u + 1 < units; u++) {
		assert_int_equal(
			pmemcrypt_tx_add(tx, base + off + u * UNIT, UNIT), 0);
		memcpy(base + off + u * UNIT, new + u * UNIT, UNIT);
	}
	/* The unit past the limit is refused when it is added. */
	assert_int_equal(
		pmemcrypt_tx_add(tx, base + off + (units - 1) * UNIT, UNIT),
		PMEMCRYPT_E_TOO_BIG);
	th_assert_msg("atomic limit");
	pmemcrypt_tx_abort(&tx);
	assert_null(tx);
	expect_content(off, old, units * UNIT);
	reopen();
	expect_content(off, old, units * UNIT);
	free(old);
	free(new);
}

/* Many ranges (the range list grows), overlapping and repeated. */
static void test_many_ranges(void **state)
{
	size_t units = pmemcrypt_pool_max_atomic(pool) / UNIT;
	struct pmemcrypt_tx *tx = NULL;
	uint8_t *want = malloc(units * UNIT);
	const uint64_t off = 150 * UNIT;

	assert_non_null(want);
	th_fill(want, units * UNIT, 600);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	memcpy(base + off, want, units * UNIT);
	for (size_t u = 0; u < units; u++) {
		uint8_t *p = base + off + u * UNIT;

		assert_int_equal(pmemcrypt_tx_add(tx, p, UNIT / 2), 0);
		assert_int_equal(pmemcrypt_tx_add(tx, p + UNIT / 4, UNIT / 2),
				 0);
		assert_int_equal(pmemcrypt_tx_add(tx, p + UNIT / 2, UNIT / 2),
				 0);
		assert_int_equal(pmemcrypt_tx_add(tx, p, UNIT), 0);
	}
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	reopen();
	expect_content(off, want, units * UNIT);
	free(want);
}

static void test_misuse(void **state)
{
	struct pmemcrypt_tx *tx = NULL, *none = NULL;
	size_t size = pmemcrypt_pool_size(pool);
	uint8_t before[32], after[32];

	th_hash_file(path, before);
	assert_int_equal(pmemcrypt_tx_begin(NULL, &tx), PMEMCRYPT_E_INVALID);
	th_assert_msg("NULL");
	assert_int_equal(pmemcrypt_tx_begin(pool, NULL), PMEMCRYPT_E_INVALID);
	assert_null(tx);
	assert_int_equal(pmemcrypt_tx_add(NULL, base, 1), PMEMCRYPT_E_INVALID);
	th_assert_msg("no transaction");
	assert_int_equal(pmemcrypt_tx_commit(NULL), PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_tx_commit(&none), PMEMCRYPT_E_INVALID);
	th_assert_msg("no transaction");
	pmemcrypt_tx_abort(NULL);
	pmemcrypt_tx_abort(&none);

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base - 1, 1), PMEMCRYPT_E_RANGE);
	th_assert_msg("below the pool view");
	assert_int_equal(pmemcrypt_tx_add(tx, base + size - 1, 2),
			 PMEMCRYPT_E_RANGE);
	th_assert_msg("outside the pool");
	assert_int_equal(pmemcrypt_tx_add(tx, base + size, 0), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base, 0), 0);
	/* Nothing declared: an empty commit changes nothing. */
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_null(tx);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_abort, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_undeclared_stores,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_too_many_units, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_many_ranges, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_misuse, pool_setup,
						pool_teardown),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/* test_io.c -- persist, read, write and the atomic size limit */

#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE

struct fixture {
	struct pmemcrypt_key *key;
	struct pmemcrypt_pool *pool;
	const char *path;
	uint8_t *base;
	size_t size;
};

static struct fixture fx;

static int pool_setup(void **state)
{
	fx.key = th_raw_key(1);
	fx.path = strdup(th_path("io.pool"));
	fx.pool = th_create(fx.path, TH_POOL_SIZE, fx.key);
	fx.base = pmemcrypt_pool_base(fx.pool);
	fx.size = pmemcrypt_pool_size(fx.pool);
	return 0;
}

static int pool_teardown(void **state)
{
	pmemcrypt_pool_close(&fx.pool);
	pmemcrypt_key_delete(&fx.key);
	free((void *)fx.path);
	return 0;
}

static void reopen(void)
{
	assert_int_equal(pmemcrypt_pool_close(&fx.pool), 0);
	fx.pool = th_open(fx.path, fx.key);
	fx.base = pmemcrypt_pool_base(fx.pool);
	assert_int_equal(pmemcrypt_pool_size(fx.pool), fx.size);
}

/* Reads [off, off+len) and compares it with want. */
static void expect_content(uint64_t off, const void *want, size_t len)
{
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	assert_int_equal(pmemcrypt_read(fx.pool, buf, len, off), 0);
	assert_memory_equal(buf, want, len);
	free(buf);
}

static void test_write_read_boundaries(void **state)
{
	static const struct {
		uint64_t off;
		size_t len;
	} cases[] = {
		{0, 1},
		{UNIT - 1, 1},
		{UNIT - 1, 2},
		{UNIT, UNIT},
		{3 * UNIT - 7, 14},
		{4000, 10000},
		{5 * UNIT + 1, 3 * UNIT - 2},
		{TH_POOL_SIZE - 1, 1},
		{TH_POOL_SIZE - 5000, 5000},
	};
	uint8_t buf[4 * UNIT];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		th_fill(buf, cases[i].len, (uint32_t)i);
		assert_int_equal(pmemcrypt_write(fx.pool, buf, cases[i].len,
						 cases[i].off),
				 0);
		expect_content(cases[i].off, buf, cases[i].len);
		assert_memory_equal(fx.base + cases[i].off, buf, cases[i].len);
	}
	reopen();
	/* Later writes overlap earlier ones: check the survivors. */
	th_fill(buf, 5000, 8);
	expect_content(TH_POOL_SIZE - 5000, buf, 5000);
	th_fill(buf, 10000, 5);
	expect_content(4000, buf, 10000);
	assert_memory_equal(fx.base + 4000, buf, 10000);
}

/* Bytes next to a partial write keep their value. */
static void test_partial_unit(void **state)
{
	uint8_t before[3 * UNIT], after[3 * UNIT], patch[100];
	const uint64_t off = 40 * UNIT;

	th_fill(before, sizeof(before), 21);
	assert_int_equal(pmemcrypt_write(fx.pool, before, sizeof(before), off),
			 0);
	reopen();
	/* Not in the view yet: the write merges with the media copy. */
	th_fill(patch, sizeof(patch), 22);
	assert_int_equal(
		pmemcrypt_write(fx.pool, patch, sizeof(patch), off + UNIT + 50),
		0);
	memcpy(after, before, sizeof(after));
	memcpy(after + UNIT + 50, patch, sizeof(patch));
	expect_content(off, after, sizeof(after));
	reopen();
	expect_content(off, after, sizeof(after));
	assert_memory_equal(fx.base + off, after, sizeof(after));
}

static void test_persist_view(void **state)
{
	uint8_t buf[2 * UNIT + 300];
	const uint64_t off = 60 * UNIT - 150;

	th_fill(buf, sizeof(buf), 31);
	memcpy(fx.base + off, buf, sizeof(buf));
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base + off, sizeof(buf)),
			 0);
	/* Stored but never persisted: lost at close. */
	memset(fx.base + 80 * UNIT, 0x5a, 100);
	expect_content(off, buf, sizeof(buf));
	reopen();
	expect_content(off, buf, sizeof(buf));
	for (int i = 0; i < 100; i++)
		assert_int_equal(fx.base[80 * UNIT + i], 0);
}

/*
 * Whole units written over units present in the view (one clean, one
 * with stores never persisted), from an unaligned buffer: the view, a
 * read and the media after a reopen show the write, and the unpersisted
 * stores of the unit next to it stay in the view only.
 */
static void test_whole_units_in_view(void **state)
{
	uint8_t *mem = malloc(3 * UNIT + 1), *buf = mem + 1;
	uint8_t old[UNIT];
	const uint64_t off = 90 * UNIT;
	volatile uint8_t sum = 0;

	assert_non_null(mem);
	th_fill(old, sizeof(old), 41);
	assert_int_equal(pmemcrypt_write(fx.pool, old, UNIT, off + 3 * UNIT),
			 0);
	for (uint64_t i = 0; i < 4 * UNIT; i += 64)
		sum += fx.base[off + i];
	memset(fx.base + off + UNIT, 0x77, 200);
	memset(fx.base + off + 3 * UNIT, 0x5a, 100);
	th_fill(buf, 3 * UNIT, 42);
	assert_int_equal(pmemcrypt_write(fx.pool, buf, 3 * UNIT, off), 0);
	assert_memory_equal(fx.base + off, buf, 3 * UNIT);
	expect_content(off, buf, 3 * UNIT);
	/* The next unit keeps its view stores, not durable. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(fx.base[off + 3 * UNIT + i], 0x5a);
	expect_content(off + 3 * UNIT + 100, old + 100, UNIT - 100);
	reopen();
	assert_memory_equal(fx.base + off, buf, 3 * UNIT);
	assert_memory_equal(fx.base + off + 3 * UNIT, old, UNIT);
	free(mem);
}

static void test_range_errors(void **state)
{
	uint8_t buf[64] = {0};
	size_t size = fx.size;

	assert_int_equal(pmemcrypt_write(fx.pool, buf, 11, size - 10),
			 PMEMCRYPT_E_RANGE);
	th_assert_msg("outside the pool");
	assert_int_equal(pmemcrypt_read(fx.pool, buf, 11, size - 10),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_read(fx.pool, buf, 1, size),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_write(fx.pool, buf, 1, UINT64_MAX),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_read(fx.pool, buf, 2, UINT64_MAX - 1),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_write(fx.pool, buf, SIZE_MAX, 1),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base - 1, 1),
			 PMEMCRYPT_E_RANGE);
	th_assert_msg("below the pool view");
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base + size, 1),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base + size - 1, 2),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_persist(fx.pool, NULL, 1),
			 PMEMCRYPT_E_RANGE);
	assert_int_equal(pmemcrypt_write(fx.pool, NULL, 1, 0),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("NULL");
	assert_int_equal(pmemcrypt_read(fx.pool, NULL, 1, 0),
			 PMEMCRYPT_E_INVALID);
	/* The last byte is in range. */
	assert_int_equal(pmemcrypt_write(fx.pool, "z", 1, size - 1), 0);
	expect_content(size - 1, "z", 1);
}

static void test_buffer_in_view(void **state)
{
	uint8_t before[32], after[32];

	th_hash_file(fx.path, before);
	assert_int_equal(pmemcrypt_write(fx.pool, fx.base + 100, 10, 5000),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("inside the pool view");
	assert_int_equal(pmemcrypt_read(fx.pool, fx.base + 100, 10, 5000),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("inside the pool view");
	/* Overlapping either end of the view. */
	assert_int_equal(pmemcrypt_read(fx.pool, fx.base - 5, 10, 0),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_write(fx.pool, fx.base + fx.size - 5, 10, 0),
			 PMEMCRYPT_E_INVALID);
	th_hash_file(fx.path, after);
	assert_memory_equal(before, after, 32);
}

static void test_too_big(void **state)
{
	size_t max = pmemcrypt_pool_max_atomic(fx.pool);
	struct pmemcrypt_info info;
	uint8_t *buf, *old;

	assert_int_equal(pmemcrypt_info_read(&info, fx.path), 0);
	assert_int_equal(max, (size_t)info.units_per_tx * UNIT);
	assert_true(max >= UNIT && max < fx.size);
	buf = malloc(max + UNIT);
	old = malloc(max + UNIT);
	assert_non_null(buf);
	assert_non_null(old);
	assert_int_equal(pmemcrypt_read(fx.pool, old, max + UNIT, 0), 0);
	th_fill(buf, max + UNIT, 41);

	assert_int_equal(pmemcrypt_write(fx.pool, buf, max + 1, 0),
			 PMEMCRYPT_E_TOO_BIG);
	th_assert_msg("atomic limit");
	/* max bytes that straddle one more unit are too big as well. */
	assert_int_equal(pmemcrypt_write(fx.pool, buf, max, 1),
			 PMEMCRYPT_E_TOO_BIG);
	expect_content(0, old, max + UNIT);

	memcpy(fx.base, buf, max + UNIT);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base, max + 1),
			 PMEMCRYPT_E_TOO_BIG);
	reopen();
	expect_content(0, old, max + UNIT);

	assert_int_equal(pmemcrypt_write(fx.pool, buf, max, 0), 0);
	memcpy(fx.base + UNIT, buf + UNIT, max);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base + UNIT, max), 0);
	reopen();
	expect_content(0, buf, max + UNIT);
	free(buf);
	free(old);
}

static void test_zero_length(void **state)
{
	uint8_t before[32], after[32], b = 0x77;

	th_hash_file(fx.path, before);
	assert_int_equal(pmemcrypt_write(fx.pool, &b, 0, 0), 0);
	assert_int_equal(pmemcrypt_write(fx.pool, &b, 0, fx.size), 0);
	assert_int_equal(pmemcrypt_read(fx.pool, &b, 0, fx.size), 0);
	assert_int_equal(b, 0x77);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base, 0), 0);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base + fx.size, 0), 0);
	th_hash_file(fx.path, after);
	assert_memory_equal(before, after, 32);
}

static void test_whole_pool_survives(void **state)
{
	size_t max = pmemcrypt_pool_max_atomic(fx.pool);
	uint8_t *data = malloc(fx.size);

	assert_non_null(data);
	th_fill(data, fx.size, 51);
	for (size_t off = 0; off < fx.size; off += max) {
		size_t n = fx.size - off < max ? fx.size - off : max;

		assert_int_equal(pmemcrypt_write(fx.pool, data + off, n, off),
				 0);
	}
	reopen();
	expect_content(0, data, fx.size);
	assert_memory_equal(fx.base, data, fx.size);
	free(data);
}

/* The media holds ciphertext only. */
static void test_no_plaintext_on_media(void **state)
{
	static const char mark[] = "PLAINTEXT-MARKER-0123456789abcdef";
	char unit[UNIT];

	for (size_t i = 0; i + sizeof(mark) <= UNIT; i += sizeof(mark))
		memcpy(unit + i, mark, sizeof(mark));
	assert_int_equal(pmemcrypt_write(fx.pool, unit, UNIT, 90 * UNIT), 0);
	assert_int_equal(
		pmemcrypt_write(fx.pool, mark, sizeof(mark), 91 * UNIT + 7), 0);
	memcpy(fx.base + 92 * UNIT, unit, UNIT);
	assert_int_equal(pmemcrypt_persist(fx.pool, fx.base + 92 * UNIT, UNIT),
			 0);
	reopen();
	expect_content(90 * UNIT, unit, UNIT);
	assert_int_equal(pmemcrypt_pool_close(&fx.pool), 0);
	/* The search itself works: the header signature is there. */
	assert_true(th_file_contains(fx.path, "PMEMCRYP", 8));
	assert_false(th_file_contains(fx.path, mark, 16));
	assert_false(th_file_contains(fx.path, mark + 16, 16));
	fx.pool = th_open(fx.path, fx.key);
	fx.base = pmemcrypt_pool_base(fx.pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read_boundaries,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_partial_unit, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_persist_view, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_whole_units_in_view,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_range_errors, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_buffer_in_view, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_too_big, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_zero_length, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_whole_pool_survives,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_on_media,
						pool_setup, pool_teardown),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/* test_check.c -- the consistency check of an open pool */

#include <string.h>

#include "format.h"
#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE

struct progress {
	int calls, monotonic;
	uint64_t last, total;
};

static void on_progress(void *arg, const char *what, uint64_t done,
			uint64_t total)
{
	struct progress *p = arg;

	if (done < p->last || done > total || strcmp(what, "check"))
		p->monotonic = 0;
	p->calls++;
	p->last = done;
	p->total = total;
}

static void test_clean_pool(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("check.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	struct progress prog = {.monotonic = 1};
	struct pmemcrypt_check_report r;
	struct pmemcrypt_info info;
	uint8_t buf[3 * UNIT];

	th_fill(buf, sizeof(buf), 1);
	assert_int_equal(pmemcrypt_write(pool, buf, sizeof(buf), 10 * UNIT), 0);
	assert_int_equal(pmemcrypt_write(pool, buf, 100, 100 * UNIT + 5), 0);
	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	memset(&r, 0xff, sizeof(r));
	assert_int_equal(pmemcrypt_pool_check(pool, &r, on_progress, &prog), 0);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.units_mapped, 4);
	assert_int_equal(r.units_unmapped, info.units - 4);
	assert_int_equal(r.blocks_free, info.blocks - 4);
	assert_true(prog.calls > 0 && prog.monotonic);
	assert_int_equal(prog.last, info.units);
	assert_int_equal(prog.total, info.units);
	/* Without a progress callback. */
	assert_int_equal(pmemcrypt_pool_check(pool, &r, NULL, NULL), 0);
	assert_int_equal(r.units_mapped, 4);

	assert_int_equal(pmemcrypt_pool_check(NULL, &r, NULL, NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_check(pool, NULL, NULL, NULL),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("NULL");
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

/* A header copy damaged under an open pool is found. */
static void test_damaged_header_copy(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(2);
	const char *path = th_path("check-hdr.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	struct pmemcrypt_check_report r;
	uint8_t b;

	th_pread(path, &b, 1, PC_HDR_SIZE + 100);
	b ^= 0x20;
	th_pwrite(path, &b, 1, PC_HDR_SIZE + 100);
	assert_int_equal(pmemcrypt_pool_check(pool, &r, NULL, NULL),
			 PMEMCRYPT_E_CORRUPT);
	th_assert_msg("1 inconsistencies");
	assert_int_equal(r.errors, 1);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

/* A map entry pointing outside the pool is counted, not followed. */
static void test_bad_map_entry(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(3);
	const char *path = th_path("check-map.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	struct pmemcrypt_check_report r;
	struct pc_header h;
	uint64_t bad;

	th_pread(path, &h, sizeof(h), 0);
	bad = h.blocks + 1000;
	th_pwrite(path, &bad, 8, h.map_off + 7 * 8);
	assert_int_equal(pmemcrypt_pool_check(pool, &r, NULL, NULL),
			 PMEMCRYPT_E_CORRUPT);
	assert_int_equal(r.errors, 1);
	assert_int_equal(r.units_mapped, 0);
	bad = 0;
	th_pwrite(path, &bad, 8, h.map_off + 7 * 8);
	assert_int_equal(pmemcrypt_pool_check(pool, &r, NULL, NULL), 0);
	assert_int_equal(r.errors, 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_pool),
		cmocka_unit_test(test_damaged_header_copy),
		cmocka_unit_test(test_bad_map_entry),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

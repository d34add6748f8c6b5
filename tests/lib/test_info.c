// SPDX-License-Identifier: BSD-3-Clause
/* test_info.c -- reading a pool's public header, and error names */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "helpers.h"

static void test_fresh_pool(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("info.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	struct pmemcrypt_info info;
	uint8_t zero[16] = {0}, before[32], after[32];

	th_hash_file(path, before);
	memset(&info, 0xee, sizeof(info));
	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);

	assert_int_equal(info.major, PC_FORMAT_MAJOR);
	/* Software pools keep format 1.0; 1.1 marks hardware pools. */
	assert_int_equal(info.minor, 0);
	assert_int_equal(info.engine, PMEMCRYPT_ENGINE_SOFTWARE);
	assert_memory_not_equal(info.uuid, zero, 16);
	assert_int_equal(info.uuid[6] >> 4, 4);	     /* random UUID */
	assert_int_equal(info.uuid[8] & 0xc0, 0x80); /* RFC 4122 variant */
	assert_int_equal(info.cipher, PMEMCRYPT_CIPHER_AES256_XTS);
	assert_int_equal(info.size, pmemcrypt_pool_size(pool));
	assert_int_equal(info.file_size, th_file_size(path));
	assert_int_equal(info.units, TH_POOL_SIZE / PMEMCRYPT_UNIT_SIZE);
	assert_true(info.blocks > info.units);
	assert_true(info.lanes >= 1);
	assert_int_equal((size_t)info.units_per_tx * PMEMCRYPT_UNIT_SIZE,
			 pmemcrypt_pool_max_atomic(pool));
	assert_true(info.units_per_tx <= info.blocks - info.units);
	assert_int_equal(info.header_ok[0], 1);
	assert_int_equal(info.header_ok[1], 1);
	assert_true(info.slots[0].used);
	assert_int_equal(info.slots[0].type, PMEMCRYPT_KEY_RAW);
	for (int i = 1; i < PMEMCRYPT_MAX_SLOTS; i++) {
		assert_false(info.slots[i].used);
		assert_string_equal(info.slots[i].description, "");
	}
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

static void test_generation_and_uuid(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(2), *k2 = th_pass_key("two");
	const char *a = th_path("gen-a.pool"), *b = th_path("gen-b.pool");
	struct pmemcrypt_pool *pool = th_create(a, TH_POOL_SIZE, key);
	struct pmemcrypt_pool *other = th_create(b, TH_POOL_SIZE, key);
	struct pmemcrypt_info i1, i2, ib;

	assert_int_equal(pmemcrypt_info_read(&i1, a), 0);
	assert_int_equal(pmemcrypt_info_read(&ib, b), 0);
	assert_memory_not_equal(i1.uuid, ib.uuid, 16);
	assert_int_equal(pmemcrypt_pool_add_key(pool, k2, NULL), 0);
	assert_int_equal(pmemcrypt_info_read(&i2, a), 0);
	assert_true(i2.generation > i1.generation);
	assert_true(i2.slots[1].used);
	assert_int_equal(i2.slots[1].type, PMEMCRYPT_KEY_PASSPHRASE);
	assert_int_equal(i2.slots[1].kdf_t_cost, 1);
	assert_int_equal(i2.slots[1].kdf_m_cost_kib, 64);
	assert_int_equal(i2.slots[1].kdf_parallelism, 1);
	assert_memory_equal(i1.uuid, i2.uuid, 16);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_pool_close(&other), 0);
	pmemcrypt_key_delete(&key);
	pmemcrypt_key_delete(&k2);
}

/* With one bad copy, the intact one is reported (and the error). */
static void test_one_copy_bad(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(3);
	const char *path = th_path("onebad.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	struct pmemcrypt_info good, info;
	uint8_t b;

	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_info_read(&good, path), 0);
	th_pread(path, &b, 1, 64);
	b ^= 1;
	th_pwrite(path, &b, 1, 64);
	assert_int_equal(pmemcrypt_info_read(&info, path),
			 PMEMCRYPT_E_HDR_COPY);
	th_assert_msg("header copy 1");
	assert_int_equal(info.header_ok[0], 0);
	assert_int_equal(info.header_ok[1], 1);
	assert_memory_equal(info.uuid, good.uuid, 16);
	assert_int_equal(info.size, good.size);
	assert_int_equal(info.generation, good.generation);
	pmemcrypt_key_delete(&key);
}

static void test_errors(void **state)
{
	struct pmemcrypt_info info;
	const char *missing = th_path("missing.pool");
	const char *junk = th_path("junk");
	uint8_t buf[PC_HDR_AREA];

	assert_int_equal(pmemcrypt_info_read(NULL, missing),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_info_read(&info, NULL), PMEMCRYPT_E_INVALID);
	th_assert_msg("NULL");
	assert_int_equal(pmemcrypt_info_read(&info, missing), -ENOENT);
	th_assert_msg(missing);
	assert_int_equal(pmemcrypt_info_read(&info, th_dir()), -EISDIR);

	th_fill(buf, sizeof(buf), 4);
	fclose(fopen(junk, "w"));
	th_pwrite(junk, buf, 10, 0);
	assert_int_equal(pmemcrypt_info_read(&info, junk),
			 PMEMCRYPT_E_NOT_POOL);
	th_assert_msg("not a pmemcrypt pool");
	th_pwrite(junk, buf, sizeof(buf), 0);
	assert_int_equal(pmemcrypt_info_read(&info, junk),
			 PMEMCRYPT_E_NOT_POOL);
	/* The signature, then too few bytes. */
	assert_int_equal(truncate(junk, 6000), 0);
	th_pwrite(junk, PC_MAGIC, 8, 0);
	assert_int_equal(pmemcrypt_info_read(&info, junk),
			 PMEMCRYPT_E_TRUNCATED);
	th_assert_msg("truncated");
}

static void test_names(void **state)
{
	static const int codes[] = {
		PMEMCRYPT_E_WRONG_KEY,	 PMEMCRYPT_E_NOT_POOL,
		PMEMCRYPT_E_HDR_CORRUPT, PMEMCRYPT_E_HDR_COPY,
		PMEMCRYPT_E_VERSION,	 PMEMCRYPT_E_TRUNCATED,
		PMEMCRYPT_E_LOCKED,	 PMEMCRYPT_E_NO_SPACE,
		PMEMCRYPT_E_NO_SLOT,	 PMEMCRYPT_E_LAST_SLOT,
		PMEMCRYPT_E_RANGE,	 PMEMCRYPT_E_CORRUPT,
		PMEMCRYPT_E_KEY_SOURCE,	 PMEMCRYPT_E_TOO_BIG,
		PMEMCRYPT_E_CRYPTO,	 PMEMCRYPT_E_HDR_MAC,
		PMEMCRYPT_E_INVALID,	 PMEMCRYPT_E_TX_STATE,
	};
	const size_t n = sizeof(codes) / sizeof(codes[0]);

	for (size_t i = 0; i < n; i++) {
		const char *s = pmemcrypt_strerror(codes[i]);

		assert_true(codes[i] < PMEMCRYPT_E_BASE);
		assert_string_not_equal(s, "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s,
						pmemcrypt_strerror(codes[j]));
	}
	assert_string_equal(pmemcrypt_strerror(0), "success");
	assert_string_equal(pmemcrypt_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(pmemcrypt_strerror(5), "unknown error");
	assert_string_equal(pmemcrypt_strerror(PMEMCRYPT_E_BASE),
			    "unknown error");
	assert_string_equal(pmemcrypt_cipher_name(PMEMCRYPT_CIPHER_AES256_XTS),
			    "aes-256-xts");
	assert_string_equal(pmemcrypt_cipher_name(PMEMCRYPT_CIPHER_AES128_XTS),
			    "aes-128-xts");
	assert_string_equal(pmemcrypt_cipher_name(0), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_pool),
		cmocka_unit_test(test_generation_and_uuid),
		cmocka_unit_test(test_one_copy_bad),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

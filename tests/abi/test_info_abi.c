// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_info_abi.c -- pmemcrypt_info_read() through the shared library as
 * programs built against the 1.0 header and against this one call it:
 * each gets its own layout of struct pmemcrypt_info filled, and no byte
 * past it is written.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpmemcrypt.h>

/* struct pmemcrypt_info of the 1.0 header, as 1.0 programs were built. */
struct info_1_0 {
	uint32_t major, minor;
	uint8_t uuid[16];
	enum pmemcrypt_cipher cipher;
	uint64_t generation;
	uint64_t size;
	uint64_t file_size;
	uint64_t units;
	uint64_t blocks;
	uint32_t lanes;
	uint32_t units_per_tx;
	int header_ok[2];
	struct pmemcrypt_slot_info slots[PMEMCRYPT_MAX_SLOTS];
};

/* The call of a 1.0 program: its reference names the 1.0 version. */
int info_read_1_0(struct info_1_0 *info, const char *path);
__asm__(".symver info_read_1_0, pmemcrypt_info_read@LIBPMEMCRYPT_1.0");

#define CANARY 0xa5
#define CANARY_LEN 64

struct old_caller {
	struct info_1_0 info;
	uint8_t canary[CANARY_LEN];
};

struct new_caller {
	struct pmemcrypt_info info;
	uint8_t canary[CANARY_LEN];
};

static char dir[64], pool_path[128];

/* A pool of 1 MiB with one raw key slot, in a private directory. */
static int group_setup(void **state)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_key *key = NULL;
	struct pmemcrypt_pool *pool = NULL;
	int ret;

	snprintf(dir, sizeof(dir), "/tmp/pmemcrypt-abi.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(pool_path, sizeof(pool_path), "%s/info.pool", dir);
	memset(raw, 7, sizeof(raw));
	ret = pmemcrypt_key_from_raw(&key, raw);
	if (!ret)
		ret = pmemcrypt_config_new(&cfg);
	if (!ret)
		ret = pmemcrypt_config_set_size(cfg, 1 << 20);
	if (!ret)
		ret = pmemcrypt_config_set_engine(cfg,
						  PMEMCRYPT_ENGINE_SOFTWARE);
	if (!ret)
		ret = pmemcrypt_pool_create(&pool, pool_path, cfg, key);
	if (ret)
		fprintf(stderr, "# create: %s\n", pmemcrypt_errormsg());
	pmemcrypt_pool_close(&pool);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	return ret ? -1 : 0;
}

static int group_teardown(void **state)
{
	unlink(pool_path);
	rmdir(dir);
	return 0;
}

static void assert_canary(const uint8_t *canary)
{
	for (int i = 0; i < CANARY_LEN; i++)
		if (canary[i] != CANARY)
			fail_msg("byte %d past the struct was written (0x%02x)",
				 i, canary[i]);
}

/* A 1.0 program gets the 1.0 fields, and nothing past them is written. */
static void test_1_0_layout(void **state)
{
	struct old_caller c;

	memset(&c, CANARY, sizeof(c));
	assert_int_equal(info_read_1_0(&c.info, pool_path), 0);
	assert_canary(c.canary);
	assert_int_equal(c.info.major, 1);
	assert_int_equal(c.info.minor, 0);
	assert_int_equal(c.info.cipher, PMEMCRYPT_CIPHER_AES256_XTS);
	assert_int_equal(c.info.size, c.info.units * PMEMCRYPT_UNIT_SIZE);
	assert_true(c.info.blocks > c.info.units);
	assert_int_equal(c.info.header_ok[0], 1);
	assert_int_equal(c.info.header_ok[1], 1);
	assert_true(c.info.slots[0].used);
	assert_int_equal(c.info.slots[0].type, PMEMCRYPT_KEY_RAW);
	/* the last field a 1.0 program has is filled, not left as it was */
	assert_false(c.info.slots[PMEMCRYPT_MAX_SLOTS - 1].used);
	assert_int_equal(c.info.slots[PMEMCRYPT_MAX_SLOTS - 1].description[63],
			 0);
}

/* On an error a 1.0 program's struct is not touched either. */
static void test_1_0_error(void **state)
{
	struct old_caller c, before;

	memset(&c, CANARY, sizeof(c));
	before = c;
	assert_int_equal(info_read_1_0(&c.info, dir), -EISDIR);
	assert_memory_equal(&c, &before, sizeof(c));
}

/* A program built against this header gets engine too, and no more. */
static void test_current_layout(void **state)
{
	struct new_caller c;
	struct old_caller o;

	memset(&c, CANARY, sizeof(c));
	assert_int_equal(pmemcrypt_info_read(&c.info, pool_path), 0);
	assert_canary(c.canary);
	assert_int_equal(c.info.engine, PMEMCRYPT_ENGINE_SOFTWARE);
	/* the fields both layouts have hold the same */
	memset(&o, CANARY, sizeof(o));
	assert_int_equal(info_read_1_0(&o.info, pool_path), 0);
	assert_memory_equal(&o.info, &c.info, sizeof(o.info));
}

/* The library exports both versions, the current one as the default. */
static void test_versions_exported(void **state)
{
	void *v10 = dlvsym(RTLD_DEFAULT, "pmemcrypt_info_read",
			   "LIBPMEMCRYPT_1.0");
	void *v11 = dlvsym(RTLD_DEFAULT, "pmemcrypt_info_read",
			   "LIBPMEMCRYPT_1.1");

	assert_non_null(v10);
	assert_non_null(v11);
	assert_ptr_not_equal(v10, v11);
	assert_ptr_equal(dlsym(RTLD_DEFAULT, "pmemcrypt_info_read"), v11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_1_0_layout),
		cmocka_unit_test(test_1_0_error),
		cmocka_unit_test(test_current_layout),
		cmocka_unit_test(test_versions_exported),
	};

	/* Key files and pools private from the start. */
	umask(077);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/* test_config.c -- pool creation settings and their effect on a pool */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "helpers.h"

static void test_new_delete(void **state)
{
	struct pmemcrypt_config *cfg = NULL, d;

	assert_int_equal(pmemcrypt_config_new(&cfg), 0);
	assert_non_null(cfg);
	pc_config_defaults(&d);
	assert_int_equal(cfg->cipher, PMEMCRYPT_CIPHER_AES256_XTS);
	assert_int_equal(cfg->size, 0);
	assert_int_equal(cfg->t_cost, d.t_cost);
	assert_int_equal(cfg->m_cost_kib, d.m_cost_kib);
	assert_int_equal(cfg->lanes, d.lanes);
	assert_true(cfg->t_cost >= 1 &&
		    cfg->m_cost_kib >= 8 * cfg->parallelism);
	pmemcrypt_config_delete(&cfg);
	assert_null(cfg);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_config_delete(NULL);
	assert_int_equal(pmemcrypt_config_new(NULL), PMEMCRYPT_E_INVALID);
	th_assert_msg("out-pointer");
}

static void test_cipher(void **state)
{
	struct pmemcrypt_config *cfg = th_config(0);

	assert_int_equal(
		pmemcrypt_config_set_cipher(cfg, PMEMCRYPT_CIPHER_AES128_XTS),
		0);
	assert_int_equal(cfg->cipher, PMEMCRYPT_CIPHER_AES128_XTS);
	assert_int_equal(pmemcrypt_config_set_cipher(cfg, 0),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("cipher");
	assert_int_equal(pmemcrypt_config_set_cipher(cfg, 3),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(cfg->cipher, PMEMCRYPT_CIPHER_AES128_XTS);
	pmemcrypt_config_delete(&cfg);
}

static void test_size(void **state)
{
	struct pmemcrypt_config *cfg = th_config(0);

	assert_int_equal(pmemcrypt_config_set_size(cfg, 8 << 20), 0);
	assert_int_equal(cfg->size, 8 << 20);
	assert_int_equal(pmemcrypt_config_set_size(cfg, 4097),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("multiple of 4096");
	assert_int_equal(pmemcrypt_config_set_size(cfg, 100),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(cfg->size, 8 << 20);
	assert_int_equal(pmemcrypt_config_set_size(cfg, 0), 0);
	pmemcrypt_config_delete(&cfg);
}

static void test_kdf(void **state)
{
	static const uint32_t bad[][3] = {
		{1, 1024, 65},		/* p > 64 */
		{1, 15, 2},		/* m < 8 p */
		{1, (1u << 20) + 1, 1}, /* m > 1 GiB */
		{65, 1024, 1},		/* t > 64 */
		{1, 8, 0},		/* m < 8 * the default p */
	};
	struct pmemcrypt_config *cfg = th_config(0), d;

	pc_config_defaults(&d);
	assert_int_equal(pmemcrypt_config_set_kdf(cfg, 2, 16, 2), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pmemcrypt_config_set_kdf(cfg, bad[i][0],
							  bad[i][1], bad[i][2]),
				 PMEMCRYPT_E_INVALID);
		th_assert_msg("Argon2id");
		assert_int_equal(cfg->t_cost, 2);
		assert_int_equal(cfg->m_cost_kib, 16);
		assert_int_equal(cfg->parallelism, 2);
	}
	assert_int_equal(pmemcrypt_config_set_kdf(cfg, 64, 1u << 20, 64), 0);
	/* 0 picks the default of each. */
	assert_int_equal(pmemcrypt_config_set_kdf(cfg, 0, 0, 0), 0);
	assert_int_equal(cfg->t_cost, d.t_cost);
	assert_int_equal(cfg->m_cost_kib, d.m_cost_kib);
	assert_int_equal(cfg->parallelism, d.parallelism);
	assert_int_equal(pmemcrypt_config_set_kdf(cfg, 0, 64, 1), 0);
	assert_int_equal(cfg->t_cost, d.t_cost);
	assert_int_equal(cfg->m_cost_kib, 64);
	pmemcrypt_config_delete(&cfg);
}

static void test_lanes(void **state)
{
	struct pmemcrypt_config *cfg = th_config(0), d;

	pc_config_defaults(&d);
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 4, 16), 0);
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 1025, 16),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("lanes");
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 4, (1u << 20) + 1),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(cfg->lanes, 4);
	assert_int_equal(cfg->units_per_tx, 16);
	/* 0 picks the default. */
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 0, 16), 0);
	assert_int_equal(cfg->lanes, d.lanes);
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 4, 0), 0);
	assert_int_equal(cfg->lanes, 4);
	assert_int_equal(cfg->units_per_tx, d.units_per_tx);
	pmemcrypt_config_delete(&cfg);
}

struct progress {
	int calls;
	uint64_t last, total;
	int monotonic;
};

static void on_progress(void *arg, const char *what, uint64_t done,
			uint64_t total)
{
	struct progress *p = arg;

	assert_non_null(what);
	if (done < p->last || done > total)
		p->monotonic = 0;
	p->calls++;
	p->last = done;
	p->total = total;
}

/* The settings show in the created pool. */
static void test_applied_to_pool(void **state)
{
	struct pmemcrypt_config *cfg = th_config(2 << 20);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct progress prog = {.monotonic = 1};
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_info info;
	const char *path = th_path("cfg.pool");
	size_t size, max_atomic;
	int ret;

	assert_int_equal(
		pmemcrypt_config_set_cipher(cfg, PMEMCRYPT_CIPHER_AES128_XTS),
		0);
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 3, 20), 0);
	assert_int_equal(pmemcrypt_config_set_progress(cfg, on_progress, &prog),
			 0);
	ret = pmemcrypt_pool_create(&pool, path, cfg, key);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	assert_int_equal(ret, 0);
	size = pmemcrypt_pool_size(pool);
	max_atomic = pmemcrypt_pool_max_atomic(pool);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(size, 2 << 20);
	assert_true(prog.calls > 0);
	assert_true(prog.monotonic);
	assert_int_equal(prog.last, prog.total);

	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_int_equal(info.cipher, PMEMCRYPT_CIPHER_AES128_XTS);
	assert_int_equal(info.size, 2 << 20);
	assert_int_equal(info.lanes, 3);
	/* The configured units per atomic update, no more, no less. */
	assert_int_equal(info.units_per_tx, 20);
	assert_int_equal(max_atomic, 20 * 4096);
}

/* No config: defaults, and the size of an existing file. */
static void test_null_config(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(2);
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_info info;
	const char *path = th_path("defaults.pool");
	struct pmemcrypt_config d;
	int fd;

	pc_config_defaults(&d);
	unlink(path);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, NULL, NULL),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("key");
	/* An empty new file holds no pool; the failed create removes it. */
	assert_int_equal(pmemcrypt_pool_create(&pool, path, NULL, key),
			 PMEMCRYPT_E_NO_SPACE);
	th_assert_msg("give a size");
	assert_null(pool);
	assert_int_equal(access(path, F_OK), -1);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4 << 20), 0);
	close(fd);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, NULL, key), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_int_equal(info.cipher, PMEMCRYPT_CIPHER_AES256_XTS);
	assert_int_equal(info.lanes, d.lanes);
	assert_true(info.file_size <= 4 << 20);
	assert_true(info.size > 3 << 20);
	assert_int_equal(th_file_size(path), 4 << 20);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_delete),
		cmocka_unit_test(test_cipher),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_kdf),
		cmocka_unit_test(test_lanes),
		cmocka_unit_test(test_applied_to_pool),
		cmocka_unit_test(test_null_config),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

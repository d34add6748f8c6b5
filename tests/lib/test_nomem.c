// SPDX-License-Identifier: BSD-3-Clause
/* test_nomem.c -- every allocation of the library, failed in turn */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gcrypt.h>
#include <keyutils.h>

#include "helpers.h"

/*
 * The library's allocator calls are linked to these (-Wl,--wrap=...).
 * countdown > 0 fails the countdown-th call from now on, once.
 */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
char *__real_strdup(const char *s);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
char *__wrap_strdup(const char *s);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);

static int countdown, injected;

static int fail_now(void)
{
	if (__atomic_load_n(&countdown, __ATOMIC_RELAXED) <= 0 ||
	    __atomic_sub_fetch(&countdown, 1, __ATOMIC_RELAXED) != 0)
		return 0;
	injected = 1;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t size)
{
	return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fail_now() ? NULL : __real_realloc(p, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
	return fail_now() ? NULL : __real_aligned_alloc(align, size);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	return fail_now() ? MAP_FAILED
			  : __real_mmap(addr, len, prot, flags, fd, off);
}

/* Cipher and MAC contexts of libgcrypt: failed in turn, as out of memory. */
gcry_error_t __real_gcry_cipher_open(gcry_cipher_hd_t *hd, int algo, int mode,
				     unsigned int flags);
gcry_error_t __real_gcry_mac_open(gcry_mac_hd_t *hd, int algo,
				  unsigned int flags, gcry_ctx_t ctx);
gcry_error_t __wrap_gcry_cipher_open(gcry_cipher_hd_t *hd, int algo, int mode,
				     unsigned int flags);
gcry_error_t __wrap_gcry_mac_open(gcry_mac_hd_t *hd, int algo,
				  unsigned int flags, gcry_ctx_t ctx);

static int crypto_countdown;

static int crypto_fail_now(void)
{
	if (__atomic_load_n(&crypto_countdown, __ATOMIC_RELAXED) <= 0 ||
	    __atomic_sub_fetch(&crypto_countdown, 1, __ATOMIC_RELAXED) != 0)
		return 0;
	injected = 1;
	return 1;
}

gcry_error_t __wrap_gcry_cipher_open(gcry_cipher_hd_t *hd, int algo, int mode,
				     unsigned int flags)
{
	if (crypto_fail_now())
		return gcry_error(GPG_ERR_ENOMEM);
	return __real_gcry_cipher_open(hd, algo, mode, flags);
}

gcry_error_t __wrap_gcry_mac_open(gcry_mac_hd_t *hd, int algo,
				  unsigned int flags, gcry_ctx_t ctx)
{
	if (crypto_fail_now())
		return gcry_error(GPG_ERR_ENOMEM);
	return __real_gcry_mac_open(hd, algo, flags, ctx);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * Runs op with the 1st, 2nd, ... allocation failing until it runs with
 * none failing.  Every failure must be -ENOMEM and leave no object and
 * no descriptor behind; undo releases what a successful op made.
 */
static void every_allocation(const char *what, int (*op)(void *),
			     void (*undo)(void *), void *arg)
{
	int fds = count_fds(), n, ret;

	for (n = 1; n < 100000; n++) {
		injected = 0;
		__atomic_store_n(&countdown, n, __ATOMIC_RELAXED);
		ret = op(arg);
		__atomic_store_n(&countdown, 0, __ATOMIC_RELAXED);
		if (!injected) {
			assert_int_equal(ret, 0);
			undo(arg);
			break;
		}
		if (ret != -ENOMEM)
			print_error("%s, allocation %d failed: %d (%s)\n", what,
				    n, ret, pmemcrypt_errormsg());
		if (ret == 0)
			undo(arg);
		assert_int_equal(ret, -ENOMEM);
		th_assert_msg("memory");
		assert_int_equal(count_fds(), fds);
	}
	print_message("# %s: %d allocation points\n", what, n - 1);
	assert_int_equal(count_fds(), fds);
}

struct ctx {
	struct pmemcrypt_config *cfg;
	struct pmemcrypt_key *key, *key2;
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_tx *tx;
	const char *path, *key_path;
	char desc[64];
	int ret;
};

static struct ctx c;

static void undo_key(void *arg)
{
	pmemcrypt_key_delete(&c.key2);
}

static int op_key_raw(void *arg)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE] = {1};

	return pmemcrypt_key_from_raw(&c.key2, raw);
}

static int op_key_file(void *arg)
{
	return pmemcrypt_key_from_file(&c.key2, c.key_path);
}

static int op_key_pass(void *arg)
{
	return pmemcrypt_key_from_passphrase(&c.key2, "pass", 4);
}

static int op_key_keyring(void *arg)
{
	return pmemcrypt_key_from_keyring(&c.key2, c.desc);
}

static void test_keys(void **state)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];

	th_fill(raw, sizeof(raw), 3);
	c.key_path = th_path("nomem.key");
	fclose(fopen(c.key_path, "w"));
	th_pwrite(c.key_path, raw, sizeof(raw), 0);
	every_allocation("key_from_raw", op_key_raw, undo_key, NULL);
	every_allocation("key_from_file", op_key_file, undo_key, NULL);
	every_allocation("key_from_passphrase", op_key_pass, undo_key, NULL);
	snprintf(c.desc, sizeof(c.desc), "pmemcrypt-nomem:%d", (int)getpid());
	if (add_key("user", c.desc, raw, sizeof(raw),
		    KEY_SPEC_PROCESS_KEYRING) < 0) {
		print_message("# keyring unavailable (%s): keyring key not "
			      "tested\n",
			      strerror(errno));
		return;
	}
	every_allocation("key_from_keyring", op_key_keyring, undo_key, NULL);
}

static void undo_config(void *arg)
{
	pmemcrypt_config_delete(&c.cfg);
}

static int op_config(void *arg)
{
	int ret = pmemcrypt_config_new(&c.cfg);

	if (ret)
		assert_null(c.cfg);
	return ret;
}

static void test_config(void **state)
{
	every_allocation("config_new", op_config, undo_config, NULL);
}

static void undo_pool(void *arg)
{
	assert_int_equal(pmemcrypt_pool_close(&c.pool), 0);
}

static int op_create(void *arg)
{
	int ret = pmemcrypt_pool_create(&c.pool, c.path, c.cfg, c.key);

	if (ret)
		assert_null(c.pool);
	return ret;
}

static int op_open(void *arg)
{
	int ret = pmemcrypt_pool_open(&c.pool, c.path, c.key, 0);

	if (ret)
		assert_null(c.pool);
	return ret;
}

static void test_pool(void **state)
{
	uint8_t before[32], after[32];

	c.cfg = th_config(4 << 20);
	c.key = th_raw_key(1);
	c.path = th_path("nomem.pool");
	every_allocation("pool_create", op_create, undo_pool, NULL);
	th_hash_file(c.path, before);
	every_allocation("pool_open", op_open, undo_pool, NULL);
	th_hash_file(c.path, after);
	assert_memory_equal(before, after, 32);
}

static void undo_tx(void *arg)
{
	pmemcrypt_tx_abort(&c.tx);
}

/* Begin and nine ranges: the range list grows once. */
static int op_tx(void *arg)
{
	uint8_t *base = pmemcrypt_pool_base(c.pool);
	int ret = pmemcrypt_tx_begin(c.pool, &c.tx);

	for (int i = 0; i < 9 && !ret; i++)
		ret = pmemcrypt_tx_add(c.tx, base + i * 8192, 10);
	if (!ret)
		ret = pmemcrypt_tx_commit(&c.tx);
	pmemcrypt_tx_abort(&c.tx);
	return ret;
}

static void nothing(void *arg)
{
}

/* A write of more units than a unit set holds inline. */
static int op_big_write(void *arg)
{
	size_t len = 70 * PMEMCRYPT_UNIT_SIZE;
	uint8_t *buf = __real_malloc(len);
	int ret;

	assert_non_null(buf);
	memset(buf, 0x33, len);
	ret = pmemcrypt_write(c.pool, buf, len, 0);
	free(buf);
	return ret;
}

static int op_check(void *arg)
{
	struct pmemcrypt_check_report r;

	return pmemcrypt_pool_check(c.pool, &r, NULL, NULL);
}

static int op_change_key(void *arg)
{
	return pmemcrypt_pool_change_key(c.pool, c.key, c.key);
}

static void test_open_pool_calls(void **state)
{
	c.pool = th_open(c.path, c.key);
	assert_true(pmemcrypt_pool_max_atomic(c.pool) >=
		    70 * PMEMCRYPT_UNIT_SIZE);
	every_allocation("tx", op_tx, undo_tx, NULL);
	every_allocation("write of 70 units", op_big_write, nothing, NULL);
	every_allocation("pool_check", op_check, nothing, NULL);
	every_allocation("change_key", op_change_key, nothing, NULL);
	assert_int_equal(pmemcrypt_pool_close(&c.pool), 0);
	pmemcrypt_config_delete(&c.cfg);
	pmemcrypt_key_delete(&c.key);
}

static int op_add_key(void *arg)
{
	return pmemcrypt_pool_add_key(c.pool, c.key2, NULL);
}

/*
 * Fails the 1st, 2nd, ... cipher or MAC context of op.  A failure must be
 * reported (PMEMCRYPT_E_CRYPTO) and leave the pool as it was; an op that
 * reports success must have done its work: the pool opens afterwards with
 * both keys.
 */
static void every_crypto_context(const char *what, int (*op)(void *))
{
	int n, ret;

	for (n = 1; n < 1000; n++) {
		struct pmemcrypt_pool *check = NULL;

		c.pool = th_open(c.path, c.key);
		injected = 0;
		__atomic_store_n(&crypto_countdown, n, __ATOMIC_RELAXED);
		ret = op(NULL);
		__atomic_store_n(&crypto_countdown, 0, __ATOMIC_RELAXED);
		assert_int_equal(pmemcrypt_pool_close(&c.pool), 0);
		if (ret)
			assert_int_equal(ret, PMEMCRYPT_E_CRYPTO);
		ret = pmemcrypt_pool_open(&check, c.path, c.key, 0);
		if (ret)
			print_error("%s, crypto context %d failed: the pool no "
				    "longer opens: %s\n",
				    what, n, pmemcrypt_errormsg());
		assert_int_equal(ret, 0);
		if (!injected) {
			assert_int_equal(
				pmemcrypt_pool_find_slot(check, c.key2), 1);
			assert_int_equal(pmemcrypt_pool_remove_key(check, 1),
					 0);
			pmemcrypt_pool_close(&check);
			break;
		}
		pmemcrypt_pool_remove_key(check, 1);
		pmemcrypt_pool_close(&check);
	}
	print_message("# %s: %d cipher/MAC contexts\n", what, n - 1);
}

/* Open with its n-th cipher or MAC context failing: E_CRYPTO, no pool. */
static void open_crypto_contexts(void)
{
	int n, ret;

	for (n = 1; n < 1000; n++) {
		injected = 0;
		__atomic_store_n(&crypto_countdown, n, __ATOMIC_RELAXED);
		ret = pmemcrypt_pool_open(&c.pool, c.path, c.key, 0);
		__atomic_store_n(&crypto_countdown, 0, __ATOMIC_RELAXED);
		if (!injected) {
			assert_int_equal(ret, 0);
			assert_int_equal(pmemcrypt_pool_close(&c.pool), 0);
			break;
		}
		if (ret != PMEMCRYPT_E_CRYPTO)
			print_error("open, crypto context %d failed: %d (%s)\n",
				    n, ret, pmemcrypt_errormsg());
		if (!ret)
			pmemcrypt_pool_close(&c.pool);
		assert_int_equal(ret, PMEMCRYPT_E_CRYPTO);
		assert_null(c.pool);
	}
	print_message("# open: %d cipher/MAC contexts\n", n - 1);
}

static int crypto_setup(void **state)
{
	c.key = th_raw_key(1);
	c.key2 = th_raw_key(2);
	c.path = th_path("nomem-crypto.pool");
	c.pool = th_create(c.path, 1 << 20, c.key);
	return pmemcrypt_pool_close(&c.pool);
}

static int crypto_teardown(void **state)
{
	pmemcrypt_pool_close(&c.pool);
	pmemcrypt_key_delete(&c.key);
	pmemcrypt_key_delete(&c.key2);
	return 0;
}

static void test_open_crypto_contexts(void **state)
{
	open_crypto_contexts();
}

static void test_add_key_crypto_contexts(void **state)
{
	every_crypto_context("add_key", op_add_key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_open_pool_calls),
		cmocka_unit_test_setup_teardown(test_open_crypto_contexts,
						crypto_setup, crypto_teardown),
		cmocka_unit_test_setup_teardown(test_add_key_crypto_contexts,
						crypto_setup, crypto_teardown),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

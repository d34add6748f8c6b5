// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_create.c -- where a pool is created: never through a symbolic
 * link, on a descriptor the caller checked, never over a pool or data
 * unless asked, nothing left behind that a failed create made
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static const char victim_text[] = "a file that is not a pool";

/* A regular file with some text: what a link could point at. */
static const char *victim(const char *name)
{
	const char *path = th_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, victim_text, sizeof(victim_text)),
			 (ssize_t)sizeof(victim_text));
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	return path;
}

static int create(const char *path, struct pmemcrypt_pool **pool)
{
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(1);
	int ret;

	*pool = NULL;
	ret = pmemcrypt_pool_create(pool, path, cfg, key);
	pmemcrypt_key_delete(&key);
	pmemcrypt_config_delete(&cfg);
	return ret;
}

/* A link to a file, a dangling link: refused, nothing written. */
static void test_symlink_refused(void **state)
{
	const char *target = victim("victim");
	char link[256], dangling[256], where[256];
	struct pmemcrypt_pool *pool;
	uint8_t before[32], after[32];
	struct stat st;

	th_hash_file(target, before);
	snprintf(link, sizeof(link), "%s", th_path("link.pool"));
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(create(link, &pool), PMEMCRYPT_E_INVALID);
	th_assert_msg("symbolic link");
	assert_null(pool);
	th_hash_file(target, after);
	assert_memory_equal(before, after, sizeof(before));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	snprintf(where, sizeof(where), "%s", th_path("not-there"));
	snprintf(dangling, sizeof(dangling), "%s", th_path("dangling.pool"));
	assert_int_equal(symlink(where, dangling), 0);
	assert_int_equal(create(dangling, &pool), PMEMCRYPT_E_INVALID);
	assert_int_equal(access(where, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

/* A failed create removes the file it made, and only that. */
static void test_failure_leaves_nothing(void **state)
{
	const char *path = th_path("refused.pool");
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	const char *kept;

	unlink(path);
	/* No MKTME binding under a tmpfs: the hardware engine is refused. */
	assert_int_equal(
		pmemcrypt_config_set_engine(cfg, PMEMCRYPT_ENGINE_HARDWARE), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key),
			 PMEMCRYPT_E_ENGINE);
	assert_int_equal(access(path, F_OK), -1);
	/* A file that was there before stays (even when it may be
	 * overwritten: the engine is refused first). */
	assert_int_equal(pmemcrypt_config_set_overwrite(cfg, 1), 0);
	kept = victim("kept.pool");
	assert_int_equal(pmemcrypt_pool_create(&pool, kept, cfg, key),
			 PMEMCRYPT_E_ENGINE);
	assert_int_equal(access(kept, F_OK), 0);
	assert_true(th_file_contains(kept, victim_text, sizeof(victim_text)));
	pmemcrypt_key_delete(&key);
	pmemcrypt_config_delete(&cfg);
}

/*
 * On a descriptor: the pool is made in the file that was opened, even if
 * the path is swapped for a link to another file meanwhile.
 */
static void test_create_fd(void **state)
{
	const char *path = th_path("fd.pool");
	const char *target = victim("fd-victim");
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	uint8_t before[32], after[32];
	int fd;

	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	th_hash_file(target, before);
	assert_int_equal(rename(path, th_path("fd-moved.pool")), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(pmemcrypt_pool_create_fd(&pool, fd, path, cfg, key),
			 0);
	assert_int_equal(pmemcrypt_write(pool, "x", 1, 0), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_hash_file(target, after);
	assert_memory_equal(before, after, sizeof(before));
	/* The pool is in the file the descriptor names (its lock held
	 * until the descriptor is closed too). */
	close(fd);
	pool = th_open(th_path("fd-moved.pool"), key);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);

	assert_int_equal(pmemcrypt_pool_create_fd(&pool, -1, path, cfg, key),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_create_fd(&pool, 0, NULL, cfg, key),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_create_fd(NULL, 0, path, cfg, key),
			 PMEMCRYPT_E_INVALID);
	pmemcrypt_key_delete(&key);
	pmemcrypt_config_delete(&cfg);
}

/* Nothing that exists is overwritten unless asked for. */
static void test_overwrite(void **state)
{
	const char *data = victim("data.pool");
	const char *path = th_path("existing.pool");
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	uint8_t before[32], after[32];
	int fd;

	/* A pool, then data that is not one: refused, unchanged. */
	pool = th_create(path, TH_POOL_SIZE, key);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_hash_file(path, before);
	assert_int_equal(create(path, &pool), -EEXIST);
	th_assert_msg("holds a pmemcrypt pool");
	th_hash_file(path, after);
	assert_memory_equal(before, after, sizeof(before));
	th_hash_file(data, before);
	assert_int_equal(create(data, &pool), -EEXIST);
	th_assert_msg("holds data");
	th_hash_file(data, after);
	assert_memory_equal(before, after, sizeof(before));
	/* Zeros (truncate, fallocate) are no data. */
	fd = open(th_path("zeros.pool"), O_CREAT | O_WRONLY | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	assert_int_equal(create(th_path("zeros.pool"), &pool), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	/* Asked for: both are overwritten. */
	assert_int_equal(pmemcrypt_config_set_overwrite(cfg, 1), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, data, cfg, key), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_config_set_overwrite(NULL, 1),
			 PMEMCRYPT_E_INVALID);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_failure_leaves_nothing),
		cmocka_unit_test(test_create_fd),
		cmocka_unit_test(test_overwrite),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_shred.c -- pmemcrypt_pool_shred: every key destroyed, only the
 * header area written, and nothing written where it refuses.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "format.h"
#include "helpers.h"

#define SIZE (4u << 20)

/* A pool with three slots (two raw keys, a passphrase) and some data. */
static void make_pool(const char *path)
{
	struct pmemcrypt_key *k1 = th_raw_key(1), *k2 = th_raw_key(2);
	struct pmemcrypt_key *pw = th_pass_key("shred me, passphrase");
	struct pmemcrypt_pool *pool = th_create(path, SIZE, k1);
	char data[8192];

	assert_int_equal(pmemcrypt_pool_add_key(pool, k2, NULL), 0);
	assert_int_equal(pmemcrypt_pool_add_key(pool, pw, NULL), 0);
	th_fill(data, sizeof(data), 7);
	assert_int_equal(pmemcrypt_write(pool, data, sizeof(data), 40960), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&k1);
	pmemcrypt_key_delete(&k2);
	pmemcrypt_key_delete(&pw);
}

/* Copies the file at from to to. */
static void copy_file(const char *from, const char *to)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* Asserts that key opens nothing at path: not a pool, even repairing. */
static void assert_unopenable(const char *path, struct pmemcrypt_key *key)
{
	struct pmemcrypt_pool *pool = NULL;

	assert_int_equal(pmemcrypt_pool_open(&pool, path, key, 0),
			 PMEMCRYPT_E_NOT_POOL);
	assert_int_equal(
		pmemcrypt_pool_open(&pool, path, key, PMEMCRYPT_OPEN_REPAIR),
		PMEMCRYPT_E_NOT_POOL);
	assert_null(pool);
	pmemcrypt_key_delete(&key);
}

/* Asserts the file is what shred leaves: the mark, zeros, the rest kept. */
static void assert_shredded(const char *path, const char *before, uint64_t area)
{
	uint8_t head[PC_HDR_AREA], a[32], b[32];
	uint64_t size = th_file_size(path);

	assert_int_equal(size, th_file_size(before));
	th_pread(path, head, area, 0);
	assert_memory_equal(head, PC_SHRED_MARK, sizeof(PC_SHRED_MARK) - 1);
	for (uint64_t i = sizeof(PC_SHRED_MARK) - 1; i < area; i++)
		assert_int_equal(head[i], 0);
	if (size > area) {
		th_hash_range(path, area, size - area, a);
		th_hash_range(before, area, size - area, b);
		assert_memory_equal(a, b, 32);
	}
}

/* Every slot's key, and the repair path, open nothing after a shred. */
static void test_every_key_destroyed(void **state)
{
	const char *path = th_path("pool"), *before = th_path("pool.before");
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_key *key;
	struct pmemcrypt_info info;

	make_pool(path);
	copy_file(path, before);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), 0);
	assert_shredded(path, before, PC_HDR_AREA);
	assert_unopenable(path, th_raw_key(1));
	assert_unopenable(path, th_raw_key(2));
	assert_unopenable(path, th_pass_key("shred me, passphrase"));
	assert_int_equal(pmemcrypt_info_read(&info, path),
			 PMEMCRYPT_E_NOT_POOL);
	th_assert_msg("shredded");
	/* A copy taken before keeps its keys: shred erases this file. */
	key = th_raw_key(1);
	pool = th_open(before, key);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
	/* A second shred finds no pool and writes nothing. */
	copy_file(path, before);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), PMEMCRYPT_E_NOT_POOL);
	assert_shredded(path, before, PC_HDR_AREA);
}

/* Damaged headers still hold keys: they are shredded too. */
static void test_damaged_headers(void **state)
{
	const char *path = th_path("pool"), *before = th_path("pool.before");
	uint8_t byte = 0x5a;

	/* Copy A's checksum broken: copy B alone opens the pool. */
	make_pool(path);
	th_pwrite(path, &byte, 1, 100);
	copy_file(path, before);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), 0);
	assert_shredded(path, before, PC_HDR_AREA);
	assert_unopenable(path, th_raw_key(1));

	/* Both copies broken. */
	make_pool(path);
	th_pwrite(path, &byte, 1, 100);
	th_pwrite(path, &byte, 1, PC_HDR_SIZE + 100);
	copy_file(path, before);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), 0);
	assert_shredded(path, before, PC_HDR_AREA);

	/* Truncated inside copy B: what is there is shredded, the file
	 * keeps its size. */
	make_pool(path);
	assert_int_equal(truncate(path, 6000), 0);
	copy_file(path, before);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), 0);
	assert_shredded(path, before, 6000);
}

/* Refusals write nothing. */
static void test_refusals(void **state)
{
	const char *path = th_path("pool"), *link = th_path("link");
	const char *other = th_path("other"), *before = th_path("pool.before");
	struct pmemcrypt_key *k1 = th_raw_key(1);
	struct pmemcrypt_pool *pool;
	uint8_t h1[32], h2[32], junk[16384];
	struct pc_header h;
	int fd;

	assert_int_equal(pmemcrypt_pool_shred(NULL, 0), PMEMCRYPT_E_INVALID);
	make_pool(path);
	th_hash_file(path, h1);
	assert_int_equal(pmemcrypt_pool_shred(path, 1), PMEMCRYPT_E_INVALID);

	/* Open in this process (another open file): locked. */
	pool = th_open(path, k1);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), PMEMCRYPT_E_LOCKED);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_hash_file(path, h2);
	assert_memory_equal(h1, h2, 32);

	/* A symbolic link is not followed. */
	unlink(link);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(pmemcrypt_pool_shred(link, 0), PMEMCRYPT_E_INVALID);
	th_assert_msg("symbolic link");
	th_hash_file(path, h2);
	assert_memory_equal(h1, h2, 32);

	/* Not a pool: random bytes, an empty file, a directory. */
	th_fill(junk, sizeof(junk), 3);
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, junk, sizeof(junk)), sizeof(junk));
	close(fd);
	th_hash_file(other, h1);
	assert_int_equal(pmemcrypt_pool_shred(other, 0), PMEMCRYPT_E_NOT_POOL);
	th_hash_file(other, h2);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(truncate(other, 0), 0);
	assert_int_equal(pmemcrypt_pool_shred(other, 0), PMEMCRYPT_E_NOT_POOL);
	assert_int_equal(th_file_size(other), 0);
	assert_int_equal(pmemcrypt_pool_shred(th_dir(), 0) < 0, 1);

	/* A newer format: its keys may be elsewhere, so it is refused. */
	for (int copy = 0; copy < 2; copy++) {
		th_pread(path, &h, sizeof(h), copy * PC_HDR_SIZE);
		h.major = PC_FORMAT_MAJOR + 1;
		SHA256((const uint8_t *)&h,
		       offsetof(struct pc_header, checksum), h.checksum);
		th_pwrite(path, &h, sizeof(h), copy * PC_HDR_SIZE);
	}
	copy_file(path, before);
	assert_int_equal(pmemcrypt_pool_shred(path, 0), PMEMCRYPT_E_VERSION);
	th_hash_file(path, h1);
	th_hash_file(before, h2);
	assert_memory_equal(h1, h2, 32);
	pmemcrypt_key_delete(&k1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_destroyed),
		cmocka_unit_test(test_damaged_headers),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

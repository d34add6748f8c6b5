// SPDX-License-Identifier: BSD-3-Clause
/* test_pool.c -- creating, opening and closing pools, and every refusal */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format.h"
#include "helpers.h"

static const char marker[] = "pool test marker: still here";
#define MARKER_OFF 12345

/* A closed 1 MiB pool holding the marker. */
static const char *make_pool(const char *name, const struct pmemcrypt_key *key)
{
	const char *path = th_path(name);
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);

	assert_int_equal(
		pmemcrypt_write(pool, marker, sizeof(marker), MARKER_OFF), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	return path;
}

static void check_marker(const char *path, const struct pmemcrypt_key *key)
{
	struct pmemcrypt_pool *pool = th_open(path, key);
	char buf[sizeof(marker)];

	assert_int_equal(pmemcrypt_read(pool, buf, sizeof(buf), MARKER_OFF), 0);
	assert_memory_equal(buf, marker, sizeof(marker));
	assert_memory_equal((char *)pmemcrypt_pool_base(pool) + MARKER_OFF,
			    marker, sizeof(marker));
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
}

/* Open fails with err, says needle, and leaves the file as it was. */
static void open_fails(const char *path, const struct pmemcrypt_key *key,
		       unsigned flags, int err, const char *needle)
{
	/* whatever the out-pointer held, a failure leaves NULL */
	struct pmemcrypt_pool *pool = (struct pmemcrypt_pool *)&pool;
	uint8_t before[32], after[32];

	th_hash_file(path, before);
	assert_int_equal(pmemcrypt_pool_open(&pool, path, key, flags), err);
	assert_null(pool);
	th_assert_msg(needle);
	assert_string_not_equal(pmemcrypt_strerror(err), "unknown error");
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
}

/* Create over an existing file fails with err and leaves it as it was. */
static void create_fails(const char *path, const struct pmemcrypt_key *key,
			 int err, const char *needle)
{
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_pool *pool = (struct pmemcrypt_pool *)&pool;
	uint8_t before[32], after[32];

	th_hash_file(path, before);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key), err);
	assert_null(pool);
	th_assert_msg(needle);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
	pmemcrypt_config_delete(&cfg);
}

/* Rewrites header copies (mask bit i: copy i) with a fresh checksum. */
static void patch_header(const char *path, int mask,
			 void (*fn)(struct pc_header *h))
{
	struct pc_header h;

	for (int i = 0; i < 2; i++) {
		if (!(mask & (1 << i)))
			continue;
		th_pread(path, &h, sizeof(h), (uint64_t)i * PC_HDR_SIZE);
		fn(&h);
		pc_sha256(h.checksum, &h, offsetof(struct pc_header, checksum));
		th_pwrite(path, &h, sizeof(h), (uint64_t)i * PC_HDR_SIZE);
	}
}

static void flip_byte(const char *path, uint64_t off)
{
	uint8_t b;

	th_pread(path, &b, 1, off);
	b ^= 0x40;
	th_pwrite(path, &b, 1, off);
}

static void test_create_open_close(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("basic.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	char *base = pmemcrypt_pool_base(pool);

	assert_non_null(base);
	assert_int_equal(pmemcrypt_pool_size(pool), TH_POOL_SIZE);
	assert_true(th_file_size(path) > TH_POOL_SIZE);
	/* A new pool reads as zeros. */
	for (size_t i = 0; i < TH_POOL_SIZE; i += 4093)
		assert_int_equal(base[i], 0);
	memcpy(base + MARKER_OFF, marker, sizeof(marker));
	assert_int_equal(
		pmemcrypt_persist(pool, base + MARKER_OFF, sizeof(marker)), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_null(pool);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_pool_close(NULL), 0);
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
}

static void test_bad_arguments(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	const char *path = make_pool("args.pool", key);

	open_fails(path, key, 2, PMEMCRYPT_E_INVALID, "flags");
	open_fails(path, key, ~0u, PMEMCRYPT_E_INVALID, "flags");
	open_fails(path, NULL, 0, PMEMCRYPT_E_INVALID, "key");
	assert_int_equal(pmemcrypt_pool_open(&pool, NULL, key, 0),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_create(&pool, NULL, NULL, key),
			 PMEMCRYPT_E_INVALID);
	assert_null(pool);
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
}

/* Exit status 0 when both calls refuse a NULL out-pointer. */
static int null_out_pointer(void *arg)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	int a, b;

	th_raw_bytes(raw, 1);
	if (pmemcrypt_key_from_raw(&key, raw))
		return 10;
	a = pmemcrypt_pool_open(NULL, arg, key, 0);
	b = pmemcrypt_pool_create(NULL, th_path("null-out.pool"), NULL, key);
	pmemcrypt_key_delete(&key);
	return a == PMEMCRYPT_E_INVALID && b == PMEMCRYPT_E_INVALID ? 0 : 1;
}

/* A NULL out-pointer is refused, not written through (in a child). */
static void test_null_out_pointer(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = make_pool("nullout.pool", key);
	int ret = th_run_child(null_out_pointer, (void *)path, 10);

	if (ret)
		print_error("pool_open/create(NULL, ...): child %s %d\n",
			    ret < 0 ? "died of signal" : "exited",
			    ret < 0 ? -ret : ret);
	assert_int_equal(ret, 0);
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
}

static void test_missing_file(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	const char *path = th_path("no-such.pool");

	assert_int_equal(pmemcrypt_pool_open(&pool, path, key, 0), -ENOENT);
	assert_null(pool);
	th_assert_msg(path);
	assert_int_equal(access(path, F_OK), -1);
	pmemcrypt_key_delete(&key);
}

static void test_wrong_raw_key(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1), *other = th_raw_key(2);
	struct pmemcrypt_key *pass = th_pass_key("not a raw key");
	const char *path = make_pool("rawkey.pool", key);

	open_fails(path, other, 0, PMEMCRYPT_E_WRONG_KEY, "wrong key");
	open_fails(path, pass, 0, PMEMCRYPT_E_WRONG_KEY, "passphrase");
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
	pmemcrypt_key_delete(&other);
	pmemcrypt_key_delete(&pass);
}

static void test_wrong_passphrase(void **state)
{
	struct pmemcrypt_key *key = th_pass_key("correct horse");
	struct pmemcrypt_key *wrong = th_pass_key("correct horsf");
	struct pmemcrypt_key *raw = th_raw_key(1);
	const char *path = make_pool("pass.pool", key);

	open_fails(path, wrong, 0, PMEMCRYPT_E_WRONG_KEY, "wrong key");
	open_fails(path, raw, 0, PMEMCRYPT_E_WRONG_KEY, "raw key");
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
	pmemcrypt_key_delete(&wrong);
	pmemcrypt_key_delete(&raw);
}

/* One bad copy: refused, then repaired on request. */
static void corrupt_one_copy(int copy, const char *name, const char *needle)
{
	struct pmemcrypt_key *key = th_raw_key(3);
	const char *path = make_pool(name, key);
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_info info;

	flip_byte(path, (uint64_t)copy * PC_HDR_SIZE + 200);
	open_fails(path, key, 0, PMEMCRYPT_E_HDR_COPY, needle);
	th_assert_msg("--repair");
	assert_int_equal(pmemcrypt_info_read(&info, path),
			 PMEMCRYPT_E_HDR_COPY);
	assert_int_equal(info.header_ok[copy], 0);
	assert_int_equal(info.header_ok[1 - copy], 1);

	assert_int_equal(
		pmemcrypt_pool_open(&pool, path, key, PMEMCRYPT_OPEN_REPAIR),
		0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_int_equal(info.header_ok[0], 1);
	assert_int_equal(info.header_ok[1], 1);
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
}

static void test_corrupt_copy_a(void **state)
{
	corrupt_one_copy(0, "copya.pool", "header copy 1 is corrupt");
}

static void test_corrupt_copy_b(void **state)
{
	corrupt_one_copy(1, "copyb.pool", "header copy 2 is corrupt");
}

static void test_corrupt_both(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(3);
	const char *path = make_pool("both.pool", key);
	struct pmemcrypt_info info;

	flip_byte(path, 200);
	flip_byte(path, PC_HDR_SIZE + 3000);
	open_fails(path, key, 0, PMEMCRYPT_E_HDR_CORRUPT, "both header copies");
	open_fails(path, key, PMEMCRYPT_OPEN_REPAIR, PMEMCRYPT_E_HDR_CORRUPT,
		   "checksum mismatch");
	assert_int_equal(pmemcrypt_info_read(&info, path),
			 PMEMCRYPT_E_HDR_CORRUPT);
	pmemcrypt_key_delete(&key);
}

/*
 * A crash between the two writes of a header update leaves copy B newer
 * than copy A: open takes B and brings A up to date.
 */
static void test_interrupted_header_update(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(3), *k2 = th_raw_key(4);
	const char *path = make_pool("interrupted.pool", key);
	struct pmemcrypt_pool *pool = th_open(path, key);
	uint8_t old_a[PC_HDR_SIZE], a[PC_HDR_SIZE], b[PC_HDR_SIZE];
	struct pmemcrypt_info info;

	th_pread(path, old_a, sizeof(old_a), 0);
	assert_int_equal(pmemcrypt_pool_add_key(pool, k2, NULL), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_pwrite(path, old_a, sizeof(old_a), 0);
	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_true(info.slots[1].used);

	check_marker(path, k2);
	th_pread(path, a, sizeof(a), 0);
	th_pread(path, b, sizeof(b), PC_HDR_SIZE);
	assert_memory_equal(a, b, PC_HDR_SIZE);
	assert_memory_not_equal(a, old_a, PC_HDR_SIZE);
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
	pmemcrypt_key_delete(&k2);
}

static void test_truncated(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(4);
	const char *path = make_pool("trunc.pool", key);
	uint64_t size = th_file_size(path);
	struct pmemcrypt_info info;

	assert_int_equal(truncate(path, (off_t)size - 4096), 0);
	open_fails(path, key, 0, PMEMCRYPT_E_TRUNCATED, "needs");
	assert_int_equal(th_file_size(path), size - 4096);
	/* Shorter than the header area, but with the pool signature. */
	assert_int_equal(truncate(path, 6000), 0);
	open_fails(path, key, 0, PMEMCRYPT_E_TRUNCATED, "truncated");
	assert_int_equal(pmemcrypt_info_read(&info, path),
			 PMEMCRYPT_E_TRUNCATED);
	pmemcrypt_key_delete(&key);
}

static void set_major_2(struct pc_header *h)
{
	h->major = 2;
}

static void set_major_0(struct pc_header *h)
{
	h->major = 0;
}

static void test_newer_version(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(5);
	const char *path = make_pool("newer.pool", key);
	struct pmemcrypt_info info;

	/* Only copy B newer: still refused, never "repaired". */
	patch_header(path, 2, set_major_2);
	open_fails(path, key, PMEMCRYPT_OPEN_REPAIR, PMEMCRYPT_E_VERSION,
		   "newer");
	patch_header(path, 3, set_major_2);
	open_fails(path, key, 0, PMEMCRYPT_E_VERSION, "format 2.0");
	assert_int_equal(pmemcrypt_info_read(&info, path), PMEMCRYPT_E_VERSION);
	/* Major version 0 was never written: an inconsistent header. */
	patch_header(path, 3, set_major_0);
	open_fails(path, key, 0, PMEMCRYPT_E_HDR_CORRUPT, "inconsistent");
	pmemcrypt_key_delete(&key);
}

static void change_uuid(struct pc_header *h)
{
	h->uuid[0] ^= 1;
}

/* A consistent header that was not written with the key. */
static void test_header_mac(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(5);
	const char *path = make_pool("mac.pool", key);

	patch_header(path, 3, change_uuid);
	open_fails(path, key, 0, PMEMCRYPT_E_HDR_MAC, "authentication");
	pmemcrypt_key_delete(&key);
}

/*
 * Opens the pool in a forked child.  Keys live in memory a child does not
 * inherit (MADV_DONTFORK), so the child builds its own.
 */
static int child_open(struct pmemcrypt_pool **pool, const char *path,
		      uint8_t seed)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	int ret;

	th_raw_bytes(raw, seed);
	ret = pmemcrypt_key_from_raw(&key, raw);
	if (!ret)
		ret = pmemcrypt_pool_open(pool, path, key, 0);
	pmemcrypt_key_delete(&key);
	return ret;
}

static void test_locked(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(6);
	const char *path = make_pool("locked.pool", key);
	int up[2], down[2], status;
	char c = 0;
	pid_t pid;

	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pmemcrypt_pool *pool = NULL;

		th_child_signals();
		close(up[0]);
		close(down[1]);
		if (child_open(&pool, path, 6))
			_exit(1);
		if (write(up[1], "o", 1) != 1)
			_exit(2);
		while (read(down[0], &c, 1) > 0)
			;
		pmemcrypt_pool_close(&pool);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	assert_int_equal(read(up[0], &c, 1), 1);
	open_fails(path, key, 0, PMEMCRYPT_E_LOCKED, "another process");
	create_fails(path, key, PMEMCRYPT_E_LOCKED, "another process");
	close(down[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(up[0]);
	check_marker(path, key);
	pmemcrypt_key_delete(&key);
}

static char small_fs[256];

static int umount_small_fs(void **state)
{
	if (small_fs[0]) {
		umount2(small_fs, MNT_DETACH);
		rmdir(small_fs);
		small_fs[0] = '\0';
	}
	return 0;
}

static void test_out_of_space(void **state)
{
	struct pmemcrypt_config *cfg = th_config(4 << 20);
	struct pmemcrypt_key *key = th_raw_key(7);
	struct pmemcrypt_pool *pool = NULL;
	uint8_t before[32], after[32], junk[4096];
	const char *path;
	int fd;

	snprintf(small_fs, sizeof(small_fs), "%s", th_path("smallfs"));
	assert_int_equal(mkdir(small_fs, 0700), 0);
	if (mount("tmpfs", small_fs, "tmpfs", 0, "size=2M")) {
		print_message("# SKIP cannot mount a 2 MiB tmpfs: %s\n",
			      strerror(errno));
		rmdir(small_fs);
		small_fs[0] = '\0';
		skip();
	}
	path = th_path("smallfs/big.pool");
	th_fill(junk, sizeof(junk), 11);
	fd = creat(path, 0600);
	assert_true(fd >= 0);
	close(fd);
	th_pwrite(path, junk, sizeof(junk), 0);
	th_hash_file(path, before);
	assert_int_equal(pmemcrypt_config_set_overwrite(cfg, 1), 0);

	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key),
			 PMEMCRYPT_E_NO_SPACE);
	assert_null(pool);
	th_assert_msg("cannot allocate");
	th_assert_msg(path);
	assert_int_equal(th_file_size(path), sizeof(junk));
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
	/* Too small for any pool: 16 units are the minimum. */
	assert_int_equal(pmemcrypt_config_set_size(cfg, 4096), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key),
			 PMEMCRYPT_E_NO_SPACE);
	th_assert_msg("units");
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
}

static void test_not_a_pool(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(8);
	static uint8_t junk[1 << 20];
	const char *path = th_path("junk");
	struct pmemcrypt_info info;

	th_fill(junk, sizeof(junk), 12);
	int fd;

	unlink(path);
	fd = creat(path, 0600);
	assert_true(fd >= 0);
	close(fd);
	open_fails(path, key, 0, PMEMCRYPT_E_NOT_POOL, "not a pmemcrypt pool");
	th_pwrite(path, junk, 100, 0);
	open_fails(path, key, 0, PMEMCRYPT_E_NOT_POOL, "not a pmemcrypt pool");
	th_pwrite(path, junk, sizeof(junk), 0);
	open_fails(path, key, 0, PMEMCRYPT_E_NOT_POOL, "not a pmemcrypt pool");
	assert_int_equal(pmemcrypt_info_read(&info, path),
			 PMEMCRYPT_E_NOT_POOL);
	pmemcrypt_key_delete(&key);
}

static void raw_slot_argon2_huge(struct pc_header *h)
{
	h->slots[0].kdf = PC_KDF_ARGON2ID;
	h->slots[0].t_cost = UINT32_MAX;
	h->slots[0].m_cost_kib = 8;
	h->slots[0].parallelism = 1;
}

/*
 * The slot's KDF and costs are read before anything is authenticated: a
 * forged header must be refused, not make open run for hours.
 */
static int open_forged(void *arg)
{
	struct pmemcrypt_pool *pool = NULL;

	return child_open(&pool, arg, 9) < 0 ? 0 : 1;
}

static void test_forged_kdf_cost(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(9);
	const char *path = make_pool("kdf.pool", key);
	int ret;

	patch_header(path, 3, raw_slot_argon2_huge);
	ret = th_run_child(open_forged, (void *)path, 5);
	if (ret == -SIGALRM)
		print_error("open of a raw slot with Argon2id t_cost=%u still "
			    "ran after 5 s\n",
			    UINT32_MAX);
	assert_int_equal(ret, 0);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_open_close),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_null_out_pointer),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_wrong_raw_key),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_corrupt_copy_a),
		cmocka_unit_test(test_corrupt_copy_b),
		cmocka_unit_test(test_corrupt_both),
		cmocka_unit_test(test_interrupted_header_update),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_newer_version),
		cmocka_unit_test(test_header_mac),
		cmocka_unit_test(test_locked),
		cmocka_unit_test_teardown(test_out_of_space, umount_small_fs),
		cmocka_unit_test(test_not_a_pool),
		cmocka_unit_test(test_forged_kdf_cost),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_engine.c -- choosing the engine (a fake sysfs through
 * PMEMCRYPT_SYSFS_ROOT), and the hardware engine on a plain file
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "crypto.h"
#include "binding.h"
#include "format.h"
#include "helpers.h"

/* Creates the directories of path (mkdir -p). */
static void mkdirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(buf, 0755);
			*s = '/';
		}
	mkdir(buf, 0755);
}

/* Writes a sysfs attribute under the fake root. */
static void attr(const char *rel, const char *val)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", th_path("sys"), rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", val);
	fclose(f);
}

/* /sys/dev/<kind>/M:m -> devices/<target> in the fake root. */
static void devlink(const char *kind, dev_t dev, const char *target)
{
	char link[600], to[512], dir[512];

	snprintf(dir, sizeof(dir), "%s/dev/%s", th_path("sys"), kind);
	mkdirs(dir);
	snprintf(link, sizeof(link), "%s/%u:%u", dir, major(dev), minor(dev));
	snprintf(to, sizeof(to), "%s/devices/%s", th_path("sys"), target);
	mkdirs(to);
	unlink(link);
	assert_int_equal(symlink(to, link), 0);
}

#define REGION "platform/e820_pmem/ndbus0/region0"

/*
 * The fake machine: namespace0.0 (raw, pmem0 holds the test directory's
 * file system), namespace0.1 (fsdax through pfn0.1: pmem1, pmem1p1),
 * namespace0.2 (devdax through dax0.2: char 252:2).  Only namespace0.0
 * is bound at first.
 */
static int fake_sysfs(void **state)
{
	struct stat st;

	assert_int_equal(th_group_setup(state), 0);
	assert_int_equal(stat(th_dir(), &st), 0);
	attr("devices/" REGION "/namespace0.0/nstype", "4");
	attr("devices/" REGION "/namespace0.0/mktme_key", "912345 pool-key 1");
	devlink("block", st.st_dev, REGION "/namespace0.0/block/pmem0");
	attr("devices/" REGION "/namespace0.1/nstype", "4");
	attr("devices/" REGION "/namespace0.1/mktme_key", "none");
	attr("devices/" REGION "/pfn0.1/namespace", "namespace0.1");
	devlink("block", makedev(259, 7), REGION "/pfn0.1/block/pmem1");
	attr("devices/" REGION "/pfn0.1/block/pmem1/pmem1p1/partition", "1");
	devlink("block", makedev(259, 8),
		REGION "/pfn0.1/block/pmem1/pmem1p1");
	attr("devices/" REGION "/namespace0.2/nstype", "4");
	attr("devices/" REGION "/namespace0.2/mktme_key", "777 dax-key 2");
	attr("devices/" REGION "/dax0.2/namespace", "namespace0.2");
	devlink("char", makedev(252, 2), REGION "/dax0.2/dax0.2");
	setenv("PMEMCRYPT_SYSFS_ROOT", th_path("sys"), 1);
	return 0;
}

static int fake_sysfs_end(void **state)
{
	unsetenv("PMEMCRYPT_SYSFS_ROOT");
	return th_group_teardown(state);
}

/* Binds (key) or unbinds (NULL) the namespace under the test files. */
static void bind_test_dir(const char *key)
{
	attr("devices/" REGION "/namespace0.0/mktme_key", key ? key : "none");
}

static struct pmemcrypt_pool *create(const char *name,
				     enum pmemcrypt_engine engine, int *ret)
{
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;

	assert_int_equal(pmemcrypt_config_set_engine(cfg, engine), 0);
	/* What the media held is no matter here: the engine is. */
	assert_int_equal(pmemcrypt_config_set_overwrite(cfg, 1), 0);
	*ret = pmemcrypt_pool_create(&pool, th_path(name), cfg, key);
	pmemcrypt_key_delete(&key);
	pmemcrypt_config_delete(&cfg);
	return pool;
}

static void test_config(void **state)
{
	struct pmemcrypt_config *cfg = th_config(0);

	assert_int_equal(pmemcrypt_config_set_engine(cfg, 7),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("engine");
	assert_int_equal(pmemcrypt_config_set_engine(NULL, 0),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(
		pmemcrypt_config_set_engine(cfg, PMEMCRYPT_ENGINE_HARDWARE), 0);
	assert_string_equal(pmemcrypt_engine_name(PMEMCRYPT_ENGINE_AUTO),
			    "auto");
	assert_string_equal(pmemcrypt_engine_name(PMEMCRYPT_ENGINE_SOFTWARE),
			    "software");
	assert_string_equal(pmemcrypt_engine_name(PMEMCRYPT_ENGINE_HARDWARE),
			    "hardware");
	assert_string_equal(pmemcrypt_engine_name(9), "unknown");
	assert_string_not_equal(pmemcrypt_strerror(PMEMCRYPT_E_ENGINE), "");
	pmemcrypt_config_delete(&cfg);
}

/* Probes a fake device; returns whether it is bound. */
static int probe(mode_t mode, dev_t dev, struct pc_binding *b)
{
	struct stat st = {.st_mode = mode};

	if (S_ISCHR(mode))
		st.st_rdev = dev;
	else
		st.st_dev = dev;
	pc_binding_probe(&st, b);
	return b->bound;
}

static void test_probe(void **state)
{
	struct pc_binding b;

	/* fsdax through a pfn device, and a partition of it: unbound */
	assert_false(probe(S_IFREG, makedev(259, 7), &b));
	assert_string_equal(b.ns, "namespace0.1");
	assert_non_null(strstr(b.why, "none"));
	assert_false(probe(S_IFREG, makedev(259, 8), &b));
	assert_string_equal(b.ns, "namespace0.1");
	attr("devices/" REGION "/namespace0.1/mktme_key", "5 k 4");
	assert_true(probe(S_IFREG, makedev(259, 8), &b));
	assert_string_equal(b.key, "5 k 4");
	attr("devices/" REGION "/namespace0.1/mktme_key", "none");
	/* devdax: the nd dax device names its namespace */
	assert_true(probe(S_IFCHR, makedev(252, 2), &b));
	assert_string_equal(b.ns, "namespace0.2");
	assert_string_equal(b.key, "777 dax-key 2");
	/* the same numbers as a block device: nothing there */
	assert_false(probe(S_IFBLK, makedev(252, 2), &b));
	assert_false(probe(S_IFREG, makedev(252, 2), &b));
	assert_non_null(strstr(b.why, "no NVDIMM"));
	/* a namespace without mktme_key: a kernel without MKTME */
	unlink(th_path("sys/devices/" REGION "/namespace0.2/mktme_key"));
	assert_false(probe(S_IFCHR, makedev(252, 2), &b));
	assert_non_null(strstr(b.why, "no mktme_key"));
	attr("devices/" REGION "/namespace0.2/mktme_key", "777 dax-key 2");
	/* the crash tests' hook */
	pc_binding_assume_bound = 1;
	assert_true(probe(S_IFREG, makedev(1, 1), &b));
	pc_binding_assume_bound = 0;
}

static void test_auto_unbound(void **state)
{
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_info info;
	int ret;

	bind_test_dir(NULL);
	pool = create("auto-sw.pool", PMEMCRYPT_ENGINE_AUTO, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(pmemcrypt_pool_engine(pool), PMEMCRYPT_ENGINE_SOFTWARE);
	pmemcrypt_pool_close(&pool);
	assert_int_equal(pmemcrypt_info_read(&info, th_path("auto-sw.pool")), 0);
	assert_int_equal(info.engine, PMEMCRYPT_ENGINE_SOFTWARE);
	assert_int_equal(info.minor, 0);
	bind_test_dir("912345 pool-key 1");
}

static void test_hardware_refused(void **state)
{
	const char *path = th_path("refused.pool");
	uint8_t before[32], after[32];
	struct pmemcrypt_pool *pool;
	int ret, fd;

	bind_test_dir(NULL);
	unlink(path);
	pool = create("refused.pool", PMEMCRYPT_ENGINE_HARDWARE, &ret);
	assert_int_equal(ret, PMEMCRYPT_E_ENGINE);
	assert_null(pool);
	th_assert_msg("bound to no MKTME key");
	assert_int_equal(access(path, F_OK), -1); /* nothing created */
	/* An existing file is left as it was. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old content", 11), 11);
	close(fd);
	th_hash_file(path, before);
	pool = create("refused.pool", PMEMCRYPT_ENGINE_HARDWARE, &ret);
	assert_int_equal(ret, PMEMCRYPT_E_ENGINE);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(th_file_size(path), 11);
	bind_test_dir("912345 pool-key 1");
}

/* The hardware engine: the view is the file; write, tx, reopen, keys. */
static void test_hardware_pool(void **state)
{
	const char *path = th_path("hw.pool");
	struct pmemcrypt_key *key = th_raw_key(1), *key2 = th_raw_key(2);
	static uint8_t buf[TH_POOL_SIZE], got[TH_POOL_SIZE];
	struct pmemcrypt_check_report r;
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_info info;
	struct pmemcrypt_tx *tx;
	uint8_t *base;
	int ret, slot;

	unlink(path);
	pool = create("hw.pool", PMEMCRYPT_ENGINE_AUTO, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(pmemcrypt_pool_engine(pool), PMEMCRYPT_ENGINE_HARDWARE);
	assert_int_equal(pmemcrypt_pool_size(pool), TH_POOL_SIZE);
	base = pmemcrypt_pool_base(pool);
	/* a new pool reads as zeros */
	assert_int_equal(pmemcrypt_read(pool, got, TH_POOL_SIZE, 0), 0);
	memset(buf, 0, sizeof(buf));
	assert_memory_equal(got, buf, TH_POOL_SIZE);
	/* stores land in the file (MKTME would encrypt them) */
	memcpy(base + 5000, "hardware-record-1", 17);
	assert_int_equal(pmemcrypt_persist(pool, base + 5000, 17), 0);
	assert_true(th_file_contains(path, "hardware-record-1", 17));
	th_fill(buf, sizeof(buf), 7);
	assert_int_equal(pmemcrypt_write(pool, buf, 3 * 4096 + 10, 100), 0);
	assert_memory_equal(base + 100, buf, 3 * 4096 + 10);
	/* a committed transaction */
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 65536, 64), 0);
	memset(base + 65536, 0xab, 64);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 65536 + 8, 8), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 200000, 5000), 0);
	memset(base + 200000, 0xcd, 5000);
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	/* an aborted one: overlapping ranges come back in order */
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 65536, 32), 0);
	memset(base + 65536, 0x11, 32);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 65536 + 16, 48), 0);
	memset(base + 65536, 0x22, 64);
	pmemcrypt_tx_abort(&tx);
	memset(got, 0xab, 64);
	assert_memory_equal(base + 65536, got, 64);
	/* too large for one lane's undo log */
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base, TH_POOL_SIZE),
			 PMEMCRYPT_E_TOO_BIG);
	pmemcrypt_tx_abort(&tx);
	assert_int_equal(pmemcrypt_write(pool, buf,
					 pmemcrypt_pool_max_atomic(pool) + 1,
					 0),
			 PMEMCRYPT_E_TOO_BIG);
	assert_int_equal(pmemcrypt_write(pool, buf,
					 pmemcrypt_pool_max_atomic(pool), 0),
			 0);
	assert_int_equal(pmemcrypt_write(pool, buf, 3 * 4096 + 10, 100), 0);
	/* keys work as on the software engine */
	assert_int_equal(pmemcrypt_pool_add_key(pool, key2, &slot), 0);
	assert_int_equal(pmemcrypt_pool_check(pool, &r, NULL, NULL), 0);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.units_mapped, TH_POOL_SIZE / 4096);
	pmemcrypt_pool_close(&pool);

	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_int_equal(info.engine, PMEMCRYPT_ENGINE_HARDWARE);
	assert_int_equal(info.minor, 1);
	assert_int_equal(info.units, TH_POOL_SIZE / 4096);
	pool = th_open(path, key2);
	assert_int_equal((size_t)info.units_per_tx * 4096,
			 pmemcrypt_pool_max_atomic(pool));
	base = pmemcrypt_pool_base(pool);
	assert_memory_equal(base + 100, buf, 3 * 4096 + 10);
	assert_memory_equal(base + 65536, got, 64);
	memset(got, 0xcd, 5000);
	assert_memory_equal(base + 200000, got, 5000);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key2);
	key2 = th_raw_key(3);
	assert_int_equal(pmemcrypt_pool_open(&pool, path, key2, 0),
			 PMEMCRYPT_E_WRONG_KEY);
	pmemcrypt_key_delete(&key2);
	pmemcrypt_key_delete(&key);
}

/* A hardware pool whose namespace lost its key does not open. */
static void test_unbound_open(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool;
	int ret;

	pool = create("hw2.pool", PMEMCRYPT_ENGINE_HARDWARE, &ret);
	assert_int_equal(ret, 0);
	pmemcrypt_pool_close(&pool);
	pool = create("sw2.pool", PMEMCRYPT_ENGINE_SOFTWARE, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(pmemcrypt_pool_engine(pool), PMEMCRYPT_ENGINE_SOFTWARE);
	pmemcrypt_pool_close(&pool);
	bind_test_dir(NULL);
	assert_int_equal(pmemcrypt_pool_open(&pool, th_path("hw2.pool"), key, 0),
			 PMEMCRYPT_E_ENGINE);
	th_assert_msg("hardware engine");
	assert_null(pool);
	/* a software pool opens anywhere */
	pool = th_open(th_path("sw2.pool"), key);
	pmemcrypt_pool_close(&pool);
	bind_test_dir("912346 other-key 2");
	pool = th_open(th_path("hw2.pool"), key);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
}

/* Sets an incompatible feature bit in both copies (checksums redone). */
static void test_unknown_feature(void **state)
{
	const char *path = th_path("hw2.pool");
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool;
	struct pc_header h;

	for (int i = 0; i < 2; i++) {
		th_pread(path, &h, sizeof(h), i * PC_HDR_SIZE);
		h.incompat |= 0x80;
		pc_sha256(h.checksum, &h, offsetof(struct pc_header, checksum));
		th_pwrite(path, &h, sizeof(h), i * PC_HDR_SIZE);
	}
	assert_int_equal(pmemcrypt_pool_open(&pool, path, key, 0),
			 PMEMCRYPT_E_VERSION);
	th_assert_msg("features 0x80");
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_auto_unbound),
		cmocka_unit_test(test_hardware_refused),
		cmocka_unit_test(test_hardware_pool),
		cmocka_unit_test(test_unbound_open),
		cmocka_unit_test(test_unknown_feature),
	};

	return cmocka_run_group_tests(tests, fake_sysfs, fake_sysfs_end);
}

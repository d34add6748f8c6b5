// SPDX-License-Identifier: BSD-3-Clause
/* helpers.c -- temporary pools, keys and file checks for the unit tests */

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include "crypto.h"
#include "helpers.h"

static char dir[128];

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

int th_group_setup(void **state)
{
	const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
	struct statfs fs;

	/* Key files are refused when others may read them. */
	umask(077);
	snprintf(dir, sizeof(dir), "%s/pmemcrypt-test.XXXXXX", base);
	if (!mkdtemp(dir))
		return -1;
	/* Page-granular msync on tmpfs is slow; cache-line flushes suffice
	 * for these tests, which do not simulate power loss. */
	if (!statfs(dir, &fs) && fs.f_type == TMPFS_MAGIC)
		setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	return 0;
}

int th_group_teardown(void **state)
{
	if (dir[0])
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	dir[0] = '\0';
	return 0;
}

const char *th_dir(void)
{
	return dir;
}

const char *th_path(const char *name)
{
	static __thread char bufs[4][256];
	static __thread int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

void th_fill(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

void th_raw_bytes(uint8_t raw[PMEMCRYPT_KEY_SIZE], uint8_t seed)
{
	th_fill(raw, PMEMCRYPT_KEY_SIZE, 1000 + seed);
}

struct pmemcrypt_key *th_raw_key(uint8_t seed)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[PMEMCRYPT_KEY_SIZE];

	th_raw_bytes(raw, seed);
	assert_int_equal(pmemcrypt_key_from_raw(&key, raw), 0);
	return key;
}

struct pmemcrypt_key *th_pass_key(const char *pass)
{
	struct pmemcrypt_key *key = NULL;

	assert_int_equal(
		pmemcrypt_key_from_passphrase(&key, pass, strlen(pass)), 0);
	return key;
}

struct pmemcrypt_config *th_config(uint64_t size)
{
	struct pmemcrypt_config *cfg = NULL;

	assert_int_equal(pmemcrypt_config_new(&cfg), 0);
	assert_int_equal(pmemcrypt_config_set_kdf(cfg, 1, 64, 1), 0);
	assert_int_equal(pmemcrypt_config_set_size(cfg, size), 0);
	return cfg;
}

struct pmemcrypt_pool *th_create(const char *path, uint64_t size,
				 const struct pmemcrypt_key *key)
{
	struct pmemcrypt_config *cfg = th_config(size);
	struct pmemcrypt_pool *pool = NULL;
	int ret;

	unlink(path);
	ret = pmemcrypt_pool_create(&pool, path, cfg, key);
	if (ret)
		print_error("create %s: %s\n", path, pmemcrypt_errormsg());
	assert_int_equal(ret, 0);
	assert_non_null(pool);
	pmemcrypt_config_delete(&cfg);
	return pool;
}

struct pmemcrypt_pool *th_open(const char *path,
			       const struct pmemcrypt_key *key)
{
	struct pmemcrypt_pool *pool = NULL;
	int ret = pmemcrypt_pool_open(&pool, path, key, 0);

	if (ret)
		print_error("open %s: %s\n", path, pmemcrypt_errormsg());
	assert_int_equal(ret, 0);
	assert_non_null(pool);
	return pool;
}

uint64_t th_file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

void th_pread(const char *path, void *buf, size_t len, uint64_t off)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void th_pwrite(const char *path, const void *buf, size_t len, uint64_t off)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void th_hash_range(const char *path, uint64_t off, uint64_t len,
		   uint8_t out[32])
{
	uint8_t *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	th_pread(path, buf, len, off);
	pc_sha256(out, buf, len);
	free(buf);
}

void th_hash_file(const char *path, uint8_t out[32])
{
	th_hash_range(path, 0, th_file_size(path), out);
}

int th_file_contains(const char *path, const void *needle, size_t len)
{
	uint64_t size = th_file_size(path);
	uint8_t *buf = malloc(size + 1);
	int found;

	assert_non_null(buf);
	th_pread(path, buf, size, 0);
	found = memmem(buf, size, needle, len) != NULL;
	free(buf);
	return found;
}

void th_assert_msg(const char *needle)
{
	const char *msg = pmemcrypt_errormsg();

	assert_non_null(msg);
	assert_true(msg[0] != '\0');
	if (!strstr(msg, needle))
		print_error("message \"%s\" lacks \"%s\"\n", msg, needle);
	assert_non_null(strstr(msg, needle));
}

void th_child_signals(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS,  SIGILL,
				   SIGFPE,  SIGABRT, SIGSYS};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

int th_run_child(int (*fn)(void *arg), void *arg, unsigned timeout)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		th_child_signals();
		alarm(timeout);
		_exit(fn(arg));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}

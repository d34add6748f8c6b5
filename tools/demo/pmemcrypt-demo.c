// SPDX-License-Identifier: BSD-3-Clause
/* pmemcrypt-demo.c -- a guided tour of libpmemcrypt on a plain file */

/*
 * The pool is opened by a random raw key kept in a 0600 file next to it,
 * the way a service would keep its key: nothing to type, and no need to
 * show Argon2id at a cost too cheap to be safe.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmemcrypt.h>

#ifndef DEMO_DIR
#define DEMO_DIR "demo"
#endif

#define POOL_FILE_SIZE (16u << 20)
#define RECORD_SIZE 64
#define NRECORDS 4

/* Records live in different 4 KiB units, to show several of them. */
static const uint64_t offsets[NRECORDS] = {0, 4096, 8192, 12288};
static const char *const records[NRECORDS] = {
	"Ada Lovelace      account 1815  balance 4,096.00",
	"Grace Hopper      account 1906  balance 1,024.50",
	"Alan Turing       account 1912  balance   512.25",
	"Edsger Dijkstra   account 1930  balance   256.75",
};

static const char done_text[] =
	"\nAll checks passed: the records are durable, readable with the key,\n"
	"and only ciphertext is in the file.";

/* The demo's files. */
struct demo {
	char pool_path[4096];
	char key_path[4096];
};

/* Prints why a library call failed, like "open: wrong key". */
static int lib_error(const char *what, int ret)
{
	printf("   FAILED: %s: %s\n", what, pmemcrypt_errormsg());
	return ret ? ret : -1;
}

/* Writes a fresh random 256-bit key to a 0600 file. */
static int write_key_file(const char *path)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	ssize_t n = -1;
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 && getrandom(raw, sizeof(raw), 0) == sizeof(raw))
		n = write(fd, raw, sizeof(raw));
	explicit_bzero(raw, sizeof(raw));
	if (fd < 0 || n != sizeof(raw) || fsync(fd) || close(fd)) {
		printf("   FAILED: key file %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Makes an empty 16 MiB file for the pool. */
static int make_pool_file(const char *path)
{
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		printf("   FAILED: %s: %s\n", path, strerror(errno));
		return -1;
	}
	err = posix_fallocate(fd, 0, POOL_FILE_SIZE);
	close(fd);
	if (err)
		printf("   FAILED: %s: %s\n", path, strerror(err));
	return err ? -1 : 0;
}

/* Step 1: a new pool opened with a new key. */
static int create_pool(const struct demo *d, struct pmemcrypt_pool **pool)
{
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_key *key = NULL;
	int ret;

	printf("1. Creating an encrypted pool\n");
	if (write_key_file(d->key_path) || make_pool_file(d->pool_path))
		return -1;
	ret = pmemcrypt_key_from_file(&key, d->key_path);
	if (ret)
		return lib_error("key", ret);
	ret = pmemcrypt_config_new(&cfg);
	if (!ret)
		ret = pmemcrypt_config_set_cipher(cfg,
						  PMEMCRYPT_CIPHER_AES256_XTS);
	if (!ret)
		ret = pmemcrypt_pool_create(pool, d->pool_path, cfg, key);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	if (ret)
		return lib_error("create", ret);
	printf("   pool: %s (%u MiB file, %.1f MiB usable)\n", d->pool_path,
	       POOL_FILE_SIZE >> 20, pmemcrypt_pool_size(*pool) / 1048576.0);
	printf("   key:  %s (32 random bytes, readable only by you)\n",
	       d->key_path);
	return 0;
}

/* Step 2: the three ways to make data durable. */
static int write_records(struct pmemcrypt_pool *pool)
{
	char *base = pmemcrypt_pool_base(pool);
	struct pmemcrypt_tx *tx = NULL;
	int ret;

	printf("2. Writing %d records\n", NRECORDS);
	strncpy(base + offsets[0], records[0], RECORD_SIZE);
	ret = pmemcrypt_persist(pool, base + offsets[0], RECORD_SIZE);
	if (ret)
		return lib_error("persist", ret);
	printf("   record 0: a store through the view, pmemcrypt_persist()\n");

	ret = pmemcrypt_tx_begin(pool, &tx);
	if (!ret)
		ret = pmemcrypt_tx_add(tx, base + offsets[1], RECORD_SIZE);
	if (!ret)
		ret = pmemcrypt_tx_add(tx, base + offsets[2], RECORD_SIZE);
	if (ret) {
		pmemcrypt_tx_abort(&tx);
		return lib_error("transaction", ret);
	}
	strncpy(base + offsets[1], records[1], RECORD_SIZE);
	strncpy(base + offsets[2], records[2], RECORD_SIZE);
	ret = pmemcrypt_tx_commit(&tx);
	if (ret)
		return lib_error("commit", ret);
	printf("   records 1 and 2: one transaction, pmemcrypt_tx_commit()\n");
	printf("     (a crash would leave both of them or neither)\n");

	ret = pmemcrypt_write(pool, records[3], strlen(records[3]) + 1,
			      offsets[3]);
	if (ret)
		return lib_error("write", ret);
	printf("   record 3: pmemcrypt_write()\n");
	return 0;
}

/* Reads every record back and compares; prints them if show is set. */
static int read_records(struct pmemcrypt_pool *pool, int show)
{
	char buf[RECORD_SIZE];
	int good = 0, ret;

	for (int i = 0; i < NRECORDS; i++) {
		ret = pmemcrypt_read(pool, buf, sizeof(buf), offsets[i]);
		if (ret)
			return lib_error("read", ret);
		buf[RECORD_SIZE - 1] = '\0';
		good += strcmp(buf, records[i]) == 0;
		if (show)
			printf("   record %d: \"%s\"\n", i, buf);
	}
	printf("   %d of %d records read back intact\n", good, NRECORDS);
	return good == NRECORDS ? 0 : -1;
}

/* Step 4: close, open again with the key file, print what is there. */
static int reopen_pool(const struct demo *d, struct pmemcrypt_pool **pool)
{
	struct pmemcrypt_key *key = NULL;
	int ret;

	printf("4. Closing the pool and opening it again with the key file\n");
	ret = pmemcrypt_pool_close(pool);
	if (ret)
		return lib_error("close", ret);
	ret = pmemcrypt_key_from_file(&key, d->key_path);
	if (!ret)
		ret = pmemcrypt_pool_open(pool, d->pool_path, key, 0);
	pmemcrypt_key_delete(&key);
	if (ret)
		return lib_error("open", ret);
	return read_records(*pool, 1);
}

/* Step 5: is any record readable in the file itself? */
static int scan_file(const struct demo *d)
{
	static char file[POOL_FILE_SIZE];
	ssize_t n;
	int fd, found = 0;

	printf("5. Searching the raw pool file for the records' text\n");
	fd = open(d->pool_path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : pread(fd, file, sizeof(file), 0);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		printf("   FAILED: %s: %s\n", d->pool_path,
		       n < 0 ? strerror(errno) : "empty file");
		return -1;
	}
	for (int i = 0; i < NRECORDS; i++) {
		const char *text = records[i];

		found += !!memmem(file, n, text, strlen(text));
	}
	/* the names alone must not show either */
	found += !!memmem(file, n, "Lovelace", 8);
	printf("   plaintext found in file: %s\n", found ? "YES" : "no");
	return found ? -1 : 0;
}

/* Step 6: a key the pool does not know must not open it. */
static int try_wrong_key(const struct demo *d)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	int ret;

	printf("6. Opening the pool with a wrong (random) key\n");
	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
		return -1;
	ret = pmemcrypt_key_from_raw(&key, raw);
	explicit_bzero(raw, sizeof(raw));
	if (ret)
		return lib_error("key", ret);
	ret = pmemcrypt_pool_open(&pool, d->pool_path, key, 0);
	pmemcrypt_key_delete(&key);
	if (ret == PMEMCRYPT_E_WRONG_KEY) {
		printf("   refused, as it should be: %s\n",
		       pmemcrypt_errormsg());
		return 0;
	}
	if (!ret) {
		printf("   FAILED: the wrong key opened the pool\n");
		pmemcrypt_pool_close(&pool);
		return -1;
	}
	return lib_error("open with a wrong key gave another error", ret);
}

/* Runs the tour in DIR; exits 1 if any step or check fails. */
int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : DEMO_DIR;
	struct pmemcrypt_pool *pool = NULL;
	struct demo d;
	int failed;

	if (argc > 2 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [DIR]  (default DIR: %s)\n", argv[0],
			DEMO_DIR);
		return 2;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "pmemcrypt-demo: %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	snprintf(d.pool_path, sizeof(d.pool_path), "%s/demo.pool", dir);
	snprintf(d.key_path, sizeof(d.key_path), "%s/demo.key", dir);

	puts("pmemcrypt demo: an encrypted persistent-memory pool in a file\n");
	failed = create_pool(&d, &pool) || write_records(pool);
	if (!failed) {
		printf("3. Reading the records back\n");
		failed = read_records(pool, 0) || reopen_pool(&d, &pool);
	}
	pmemcrypt_pool_close(&pool);
	if (!failed)
		failed = scan_file(&d) || try_wrong_key(&d);
	puts(failed ? "\nDemo FAILED (see above)." : done_text);
	return failed ? 1 : 0;
}

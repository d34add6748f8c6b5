// SPDX-License-Identifier: BSD-3-Clause
/* make_seeds.c -- a seed corpus for fuzz_header from real pool headers */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmemcrypt.h>

#define AREA 8192
#define SEAL_BOTH 0x03
#define PASSPHRASE 0x04

static const char pass[] = "fuzz passphrase";
static char dir[128];

static int fail(const char *what)
{
	fprintf(stderr, "make_seeds: %s: %s\n", what, pmemcrypt_errormsg());
	return 1;
}

/* Writes the pool's header area, a flags byte and key bytes as a seed. */
static int seed(const char *out, const char *name, const char *pool,
		uint8_t flags, const void *key, size_t keylen,
		void (*mutate)(uint8_t *area))
{
	uint8_t buf[AREA + 1 + 64];
	char path[512];
	int fd = open(pool, O_RDONLY);
	FILE *f;

	if (fd < 0 || pread(fd, buf, AREA, 0) != AREA) {
		perror(pool);
		return 1;
	}
	close(fd);
	if (mutate)
		mutate(buf);
	buf[AREA] = flags;
	memcpy(buf + AREA + 1, key, keylen);
	snprintf(path, sizeof(path), "%s/%s", out, name);
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, AREA + 1 + keylen, f) != AREA + 1 + keylen ||
	    fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* Creates a pool in dir; extra keys go in further slots. */
static int make_pool(const char *path, enum pmemcrypt_cipher cipher,
		     struct pmemcrypt_key *first, struct pmemcrypt_key **more,
		     int nmore)
{
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_pool *pool = NULL;
	int ret = pmemcrypt_config_new(&cfg);

	if (!ret)
		ret = pmemcrypt_config_set_kdf(cfg, 1, 64, 1);
	if (!ret)
		ret = pmemcrypt_config_set_size(cfg, 1 << 20);
	if (!ret)
		ret = pmemcrypt_config_set_cipher(cfg, cipher);
	if (!ret)
		ret = pmemcrypt_pool_create(&pool, path, cfg, first);
	for (int i = 0; i < nmore && !ret; i++)
		ret = pmemcrypt_pool_add_key(pool, more[i], NULL);
	if (!ret)
		ret = pmemcrypt_write(pool, "seed", 4, 0);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_config_delete(&cfg);
	return ret ? fail(path) : 0;
}

static void flip_copy_b(uint8_t *area)
{
	area[4096 + 300] ^= 1;
}

static void zero_copy_a(uint8_t *area)
{
	memset(area, 0, 4096);
}

/* Stores a 32-bit little-endian field at off of a header copy. */
static void put32(uint8_t *h, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		h[off + i] = (uint8_t)(v >> (8 * i));
}

/*
 * Slot 1 made a clevis slot (doc/pool-format.md: incompatible flag 2 at
 * 104; type 4, KDF 1 and a token length in the slot) in both copies,
 * which fuzz_header reseals.
 */
static void clevis_slot(uint8_t *area)
{
	for (int c = 0; c < 2; c++) {
		uint8_t *h = area + c * 4096, *s = h + 512 + 256;

		put32(h, 104, h[104] | 2u);
		put32(s, 0, 4);
		put32(s, 4, 1);
		put32(s, 20, 60);
	}
}

int main(int argc, char **argv)
{
	struct pmemcrypt_key *raw = NULL, *pk = NULL, *other = NULL;
	struct pmemcrypt_key *more[2];
	uint8_t key[32], key2[32];
	char a[160], b[160], c[160];
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds OUTDIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0700) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/seeds.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	for (int i = 0; i < 32; i++) {
		key[i] = (uint8_t)i; /* fuzz_header's fixed key */
		key2[i] = (uint8_t)(0xa0 + i);
	}
	if (pmemcrypt_key_from_raw(&raw, key) ||
	    pmemcrypt_key_from_raw(&other, key2) ||
	    pmemcrypt_key_from_passphrase(&pk, pass, strlen(pass)))
		return fail("keys");
	snprintf(a, sizeof(a), "%s/raw.pool", dir);
	snprintf(b, sizeof(b), "%s/multi.pool", dir);
	snprintf(c, sizeof(c), "%s/pass.pool", dir);
	more[0] = other;
	more[1] = pk;
	ret |= make_pool(a, PMEMCRYPT_CIPHER_AES256_XTS, raw, NULL, 0);
	ret |= make_pool(b, PMEMCRYPT_CIPHER_AES128_XTS, other, more, 1);
	ret |= make_pool(c, PMEMCRYPT_CIPHER_AES256_XTS, pk, &raw, 1);
	if (!ret) {
		ret |= seed(argv[1], "raw", a, 0, NULL, 0, NULL);
		ret |= seed(argv[1], "raw-sealed", a, SEAL_BOTH, NULL, 0, NULL);
		ret |= seed(argv[1], "raw-copy-b-bad", a, 0, NULL, 0,
			    flip_copy_b);
		ret |= seed(argv[1], "raw-no-copy-a", a, 0, NULL, 0,
			    zero_copy_a);
		ret |= seed(argv[1], "multi-key2", b, 0, key2, 32, NULL);
		ret |= seed(argv[1], "multi-wrong", b, SEAL_BOTH, NULL, 0,
			    NULL);
		ret |= seed(argv[1], "pass", c, PASSPHRASE, pass, strlen(pass),
			    NULL);
		ret |= seed(argv[1], "pass-raw", c, SEAL_BOTH, NULL, 0, NULL);
		/* a token read from a media filled with these bytes */
		ret |= seed(
			argv[1], "clevis-token", a, SEAL_BOTH,
			"eyJhbGciOiJFQ0RILUVTIiwiY2xldmlzIjp7InBpbiI6InRhbmci",
			52, clevis_slot);
	}
	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(dir);
	pmemcrypt_key_delete(&raw);
	pmemcrypt_key_delete(&other);
	pmemcrypt_key_delete(&pk);
	return ret;
}

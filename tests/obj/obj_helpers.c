// SPDX-License-Identifier: BSD-3-Clause
/* obj_helpers.c -- a test folder, keys and pools for the object tests */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpmemcrypt.h>
#include <libpmemobj.h>
#include <openssl/evp.h>

#include "obj_helpers.h"

char obj_dir[] = "/tmp/pmemcrypt-obj.XXXXXX";
static char keyfile[4096];

/* A path in the test's folder (four rotating buffers). */
const char *th_path(const char *name)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", obj_dir, name);
	return buf[i];
}

void th_raw_bytes(uint8_t raw[PMEMCRYPT_KEY_SIZE], uint8_t seed)
{
	for (int i = 0; i < PMEMCRYPT_KEY_SIZE; i++)
		raw[i] = (uint8_t)(seed * 31 + i * 7 + 1);
}

void th_pwrite(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void th_hash_file(const char *path, uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(EVP_DigestUpdate(c, buf, n), 1);
	fclose(f);
	assert_int_equal(EVP_DigestFinal_ex(c, out, NULL), 1);
	EVP_MD_CTX_free(c);
}

struct pmemcrypt_key *th_raw_key(uint8_t seed)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	struct pmemcrypt_key *key = NULL;

	th_raw_bytes(raw, seed);
	assert_int_equal(pmemcrypt_key_from_raw(&key, raw), 0);
	return key;
}

struct pmemcrypt_pool *th_open(const char *path,
			       const struct pmemcrypt_key *key)
{
	struct pmemcrypt_pool *pool = NULL;

	assert_int_equal(pmemcrypt_pool_open(&pool, path, key, 0), 0);
	return pool;
}

/* Asserts the thread's last pmemobj message holds needle. */
void assert_msg(const char *needle)
{
	const char *msg = pmemobj_errormsg();

	if (!strstr(msg, needle))
		print_error("message \"%s\" lacks \"%s\"\n", msg, needle);
	assert_non_null(strstr(msg, needle));
}

int group_setup(void **state)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];

	(void)state;
	umask(077);
	if (!mkdtemp(obj_dir))
		return -1;

	th_raw_bytes(raw, 7);
	snprintf(keyfile, sizeof(keyfile), "%s", th_path("key"));
	th_pwrite(keyfile, raw, sizeof(raw));
	{
		char env[4200];

		snprintf(env, sizeof(env), "file:%s", keyfile);
		setenv("PMEMCRYPT_KEY", env, 1);
	}
	setenv("PMEMCRYPT_ENGINE", "software", 1);
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	return 0;
}

int group_teardown(void **state)
{
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", obj_dir);
	return system(cmd) == 0 ? 0 : -1;
}

PMEMobjpool *create(const char *name)
{
	PMEMobjpool *pop;

	unlink(th_path(name));
	pop = pmemobj_create(th_path(name), LAYOUT, POOL, 0600);
	if (!pop)
		fail_msg("create: %s", pmemobj_errormsg());
	return pop;
}

size_t count_objects(PMEMobjpool *pop, uint64_t type)
{
	size_t n = 0;
	PMEMoid o;

	POBJ_FOREACH(pop, o)
	if (type == UINT64_MAX || pmemobj_type_num(o) == type)
		n++;
	return n;
}

int tag_constr(PMEMobjpool *pop, void *ptr, void *arg)
{
	*(uint64_t *)ptr = *(uint64_t *)arg;
	pmemobj_persist(pop, ptr, 8);
	return 0;
}

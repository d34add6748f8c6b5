/* SPDX-License-Identifier: BSD-3-Clause */
/* helpers.h -- temporary pools, keys and file checks for the unit tests */

#ifndef TESTS_LIB_HELPERS_H
#define TESTS_LIB_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpmemcrypt.h>

#define TH_POOL_SIZE (1u << 20) /* 256 units */

/* cmocka group setup/teardown: a private directory for the group's files. */
int th_group_setup(void **state);
int th_group_teardown(void **state);

/* A path in the group's directory (four rotating buffers). */
const char *th_path(const char *name);
/* The group's directory. */
const char *th_dir(void);

/* Deterministic bytes derived from seed. */
void th_fill(void *buf, size_t len, uint32_t seed);

/* The bytes of th_raw_key(seed). */
void th_raw_bytes(uint8_t raw[PMEMCRYPT_KEY_SIZE], uint8_t seed);
/* Keys; every helper asserts success. */
struct pmemcrypt_key *th_raw_key(uint8_t seed);
struct pmemcrypt_key *th_pass_key(const char *pass);
/* A config with cheap Argon2id costs and the given size (0: default). */
struct pmemcrypt_config *th_config(uint64_t size);
/* Creates a pool of size bytes at path (removing any old file). */
struct pmemcrypt_pool *th_create(const char *path, uint64_t size,
				 const struct pmemcrypt_key *key);
struct pmemcrypt_pool *th_open(const char *path,
			       const struct pmemcrypt_key *key);

/* Files. */
uint64_t th_file_size(const char *path);
void th_hash_file(const char *path, uint8_t out[32]);
void th_hash_range(const char *path, uint64_t off, uint64_t len,
		   uint8_t out[32]);
void th_pread(const char *path, void *buf, size_t len, uint64_t off);
void th_pwrite(const char *path, const void *buf, size_t len, uint64_t off);
/* Whether the file holds the needle anywhere. */
int th_file_contains(const char *path, const void *needle, size_t len);

/*
 * Runs fn(arg) in a forked child with default crash signals and an alarm
 * of timeout seconds; returns its exit status, or -signal if it died.
 */
int th_run_child(int (*fn)(void *arg), void *arg, unsigned timeout);
/* In a forked child: crash signals back to their default action. */
void th_child_signals(void);

/* Asserts the thread's error message is non-empty and holds needle. */
void th_assert_msg(const char *needle);

#endif

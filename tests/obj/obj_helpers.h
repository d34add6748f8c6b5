/* SPDX-License-Identifier: BSD-3-Clause */
/* obj_helpers.h -- a test folder, keys and pools for the object tests */
#ifndef TESTS_OBJ_HELPERS_H
#define TESTS_OBJ_HELPERS_H 1

#include <stddef.h>
#include <stdint.h>

#include <libpmemcrypt.h>
#include <libpmemobj.h>

#define POOL (16u << 20)
#define LAYOUT "test_obj"

/* The group's folder, made by group_setup (PMEMCRYPT_KEY names its key). */
extern char obj_dir[];
int group_setup(void **state);
int group_teardown(void **state);
/* A path in it (four rotating buffers). */
const char *th_path(const char *name);

void th_raw_bytes(uint8_t raw[PMEMCRYPT_KEY_SIZE], uint8_t seed);
void th_pwrite(const char *path, const void *buf, size_t len);
void th_hash_file(const char *path, uint8_t out[32]);
struct pmemcrypt_key *th_raw_key(uint8_t seed);
struct pmemcrypt_pool *th_open(const char *path,
			       const struct pmemcrypt_key *key);
/* Asserts the thread's last pmemobj message holds needle. */
void assert_msg(const char *needle);

/* A new object pool of POOL bytes in the folder (software engine). */
PMEMobjpool *create(const char *name);
/* Allocated objects of a type (UINT64_MAX: any). */
size_t count_objects(PMEMobjpool *pop, uint64_t type);
/* A constructor writing the 8-byte tag arg points at. */
int tag_constr(PMEMobjpool *pop, void *ptr, void *arg);

#endif

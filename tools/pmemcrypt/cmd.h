/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd.h -- what the pmemcrypt commands share */

#ifndef PMEMCRYPT_CMD_H
#define PMEMCRYPT_CMD_H 1

#include <stdbool.h>
#include <stdint.h>

#include <libpmemcrypt.h>

/* Exit codes, one per error class; pmemcrypt(1) documents them. */
enum exit_class {
	EXIT_OK = 0,
	EXIT_USAGE = 1,	  /* bad command line */
	EXIT_KEY = 2,	  /* wrong key, key not found or unreadable */
	EXIT_CORRUPT = 3, /* not a pool, corrupt, newer version, truncated */
	EXIT_LOCKED = 4,  /* pool open in another process */
	EXIT_SPACE = 5,	  /* out of space, no free slot, last slot */
	EXIT_SYSTEM = 6,  /* any other error */
};

/* One command: pmemcrypt <name> [options] <pool>. */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_create(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_add_key(int argc, char **argv);
int cmd_remove_key(int argc, char **argv);
int cmd_change_key(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_shred(int argc, char **argv);

/* report.c */
int exit_class(int err);
int fail(const char *cmd, const char *path, int err);
int fail_errno(const char *cmd, const char *path, int err, const char *what);
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void options_begin(const char *cmd, char **argv);
int bad_option(const char *cmd);
int pool_arg(const char *cmd, int argc, char **argv, int first,
	     const char **path);

/* info.c: the pool header as JSON on stdout, for info and create */
int info_print(const char *cmd, const char *path);
/* The same with the object heap of pool (open), when it has one. */
int info_print_heap(const char *cmd, const char *path,
		    struct pmemcrypt_pool *pool);
const char *engine_protection(enum pmemcrypt_engine engine);
/* A UUID in its canonical 8-4-4-4-12 form (37 bytes with the NUL). */
void uuid_str(const uint8_t u[16], char *out);

/* json.c */
struct json_object;
int json_print(struct json_object *obj);
/* objheap.c: the pool's object heap, NULL if none; counts its errors */
struct pmemcrypt_pool;
struct json_object *objheap_json(struct pmemcrypt_pool *pool, uint64_t *errors);
void json_add_u64(struct json_object *obj, const char *key, uint64_t val);
void json_add_str(struct json_object *obj, const char *key, const char *val);
const char *json_key_type(enum pmemcrypt_key_type type);

/* args.c */
int parse_size(const char *s, uint64_t *size);
int parse_u32(const char *s, uint32_t *val);
int parse_u64(const char *s, uint64_t *val);

#endif

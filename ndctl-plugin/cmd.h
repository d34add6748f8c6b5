/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd.h -- ndctl-crypt commands and what they share */
#ifndef NDCTL_CRYPT_CMD_H
#define NDCTL_CRYPT_CMD_H

#include "crypt.h"

struct ndctl_ctx;
struct ndctl_namespace;

/* A command of the commands[] table */
struct crypt_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct ndctl_ctx *ctx);
	const char *usage;   /* synopsis and options, for --help */
	const char *summary; /* one line, for 'ndctl-crypt --help' */
};

/* The namespace a command works on */
struct crypt_target {
	struct ndctl_namespace *ndns; /* NULL: a UUID with no namespace */
	char dev[64];
	char uuid[CRYPT_UUID_LEN];
};

extern const struct crypt_cmd crypt_commands[];

int cmd_list(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_create_key(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_import_key(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_remove_key(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_enable_namespace(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_disable_namespace(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_load_keys(int argc, char **argv, struct ndctl_ctx *ctx);

void crypt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int crypt_usage(const char *name);
int crypt_help(const char *name);
int crypt_target_find(struct ndctl_ctx *ctx, const char *arg, bool allow_orphan,
		      struct crypt_target *t);
int crypt_target_check_unbound(const struct crypt_target *t);
int crypt_new_key_opts(const char *cmd, const char *key_file,
		       const char *algorithm, const char *master, char *out,
		       size_t out_len);

/* What crypt_ns_bind_stored() did, to undo it */
struct crypt_bound {
	bool was_active;  /* the namespace was enabled */
	bool bound;	  /* it was bound here */
	key_serial_t enc; /* the encrypted key loaded here, or 0 */
	key_serial_t mk;  /* the mktme key added here, or 0 */
};

int cmd_rotate_key(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_bind_master(int argc, char **argv, struct ndctl_ctx *ctx);
int cmd_unbind_master(int argc, char **argv, struct ndctl_ctx *ctx);

/* master.c */
int crypt_masters_unseal(key_serial_t ring, unsigned int *failed);
int cmd_erase(int argc, char **argv, struct ndctl_ctx *ctx);

/* updown.c */
int crypt_ns_up(const struct crypt_target *t, key_serial_t ring, bool *was_up);
int crypt_ns_down(const struct crypt_target *t, key_serial_t ring);
int crypt_ns_disable(const struct crypt_target *t, const char *why);
int crypt_ns_bind_stored(const struct crypt_target *t, key_serial_t ring,
			 struct crypt_bound *done);
void crypt_ns_unbind_here(const struct crypt_target *t, key_serial_t ring,
			  const struct crypt_bound *done);

/* rotate.c */
int crypt_rotation_check(const struct crypt_target *t);

#endif /* NDCTL_CRYPT_CMD_H */

// SPDX-License-Identifier: BSD-3-Clause
/* keys.c -- 'create-key' and 'import-key': add a key, store it sealed */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cmd.h"
#include "seal.h"

/* Options of both commands */
struct key_opts {
	char master[CRYPT_DESC_MAX + 16]; /* normalized "<type>:<desc>" */
	const char *algorithm;
	const char *key_file;
	bool force;
	const char *ns;
};

/* Parses the command line of @name; -1 to go on, else an exit code. */
static int parse_opts(const char *name, int argc, char **argv, bool import,
		      struct key_opts *o)
{
	static const struct option opts[] = {
		{"master", required_argument, NULL, 'm'},
		{"algorithm", required_argument, NULL, 'a'},
		{"key-file", required_argument, NULL, 'k'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *master = CRYPT_MASTER_DEFAULT;
	char type[16], desc[CRYPT_DESC_MAX];
	int c;

	memset(o, 0, sizeof(*o));
	o->algorithm = "aes-xts-256";
	optind = 1;
	while ((c = getopt_long(argc, argv, import ? "m:k:fh" : "m:a:fh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			master = optarg;
			break;
		case 'a':
			o->algorithm = optarg;
			break;
		case 'k':
			o->key_file = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case 'h':
			return crypt_help(name);
		default:
			return crypt_usage(name);
		}
	}
	if (argc - optind != 1) {
		crypt_error("%s takes one namespace", name);
		return crypt_usage(name);
	}
	o->ns = argv[optind];
	if (import && !o->key_file) {
		crypt_error("import-key needs --key-file");
		return crypt_usage(name);
	}
	if (crypt_algorithm_key_len(o->algorithm) < 0) {
		crypt_error("unknown algorithm '%s': use aes-xts-256 or "
			    "aes-xts-128",
			    o->algorithm);
		return CRYPT_EXIT_USAGE;
	}
	if (crypt_master_parse(master, type, sizeof(type), desc,
			       sizeof(desc))) {
		crypt_error("'%s' is not a master key handle: give user:DESC "
			    "or trusted:DESC",
			    master);
		return CRYPT_EXIT_USAGE;
	}
	snprintf(o->master, sizeof(o->master), "%s:%s", type, desc);
	return -1;
}

/* Explains why a key file was refused; the exit code. */
int crypt_keyfile_error(const char *path, int err)
{
	if (err == -EKEYREJECTED)
		crypt_error("%s: the data key and the tweak key (the two "
			    "halves) are equal; AES-XTS needs distinct keys",
			    path);
	else if (err == -EINVAL)
		crypt_error("%s: not a key: give 128 (aes-xts-256) or 64 "
			    "(aes-xts-128) hex digits, or 64 or 32 raw bytes",
			    path);
	else if (err == -EPERM)
		crypt_error("key file refused: %s", crypt_keyfile_refusal());
	else
		crypt_error("cannot read %s: %s", path, strerror(-err));
	return err == -EKEYREJECTED || err == -EINVAL || err == -EPERM
		       ? CRYPT_EXIT_USAGE
		       : CRYPT_EXIT_FAIL;
}

/* Explains why the kernel refused to add the key. */
static int add_error(const struct crypt_seal *s, int err, bool import)
{
	if (import && err == -EINVAL)
		crypt_error(
			"the kernel refused to import %s: it needs "
			"CONFIG_USER_DECRYPTED_DATA=y (see "
			"kernel/config/pmemcrypt.config), or use create-key",
			s->desc);
	else if (err == -ENOKEY || err == -EKEYREVOKED)
		crypt_error("the kernel cannot use master key %s for %s: %s",
			    s->master, s->desc, strerror(-err));
	else
		crypt_error("the kernel refused to add %s under %s: %s",
			    s->desc, s->master, strerror(-err));
	return CRYPT_EXIT_KERNEL;
}

/* create-key: a random key from the kernel, sealed into the store. */
int cmd_create_key(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct crypt_seal s = {.ring = KEY_SPEC_USER_KEYRING};
	struct crypt_target t;
	struct key_opts o;
	key_serial_t key;
	int ret;

	ret = parse_opts("create-key", argc, argv, false, &o);
	if (ret >= 0)
		return ret;
	s.master = o.master;
	s.force = o.force;
	s.key_len = (unsigned int)crypt_algorithm_key_len(o.algorithm);
	ret = crypt_target_find(ctx, o.ns, false, &t);
	if (!ret)
		ret = crypt_seal_prepare(&s, &t);
	if (ret)
		return ret;
	key = crypt_key_create(s.desc, s.master, s.key_len, s.ring);
	if (key < 0)
		return add_error(&s, key, false);
	return crypt_seal_store(&s, &t, key);
}

/* import-key: the key in a file, sealed into the store. */
int cmd_import_key(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct crypt_seal s = {.ring = KEY_SPEC_USER_KEYRING};
	unsigned char key[CRYPT_KEY_XTS256];
	struct crypt_target t;
	struct key_opts o;
	key_serial_t serial;
	int ret;

	ret = parse_opts("import-key", argc, argv, true, &o);
	if (ret >= 0)
		return ret;
	s.master = o.master;
	s.force = o.force;
	ret = crypt_target_find(ctx, o.ns, false, &t);
	if (ret)
		return ret;
	/* the key file is checked before anything changes */
	mlock(key, sizeof(key));
	ret = crypt_keyfile_read(o.key_file, key, sizeof(key), &s.key_len);
	if (ret) {
		munlock(key, sizeof(key));
		return crypt_keyfile_error(o.key_file, ret);
	}
	ret = crypt_seal_prepare(&s, &t);
	serial = ret ? 0
		     : crypt_key_import(s.desc, s.master, key, s.key_len,
					s.ring);
	explicit_bzero(key, sizeof(key));
	munlock(key, sizeof(key));
	if (ret)
		return ret;
	if (serial < 0)
		return add_error(&s, serial, true);
	return crypt_seal_store(&s, &t, serial);
}

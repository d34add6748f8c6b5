// SPDX-License-Identifier: BSD-3-Clause
/* key.c -- key options: parsing, building the key, opening a pool with it */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd.h"
#include "key.h"

/* Records opt in ks if it is one of the key options starting at base. */
bool key_source_parse(struct key_source *ks, int base, int opt, const char *arg)
{
	if (opt < base || opt >= base + KEY_OPT_COUNT)
		return false;
	ks->kind = opt - base;
	ks->arg = arg;
	ks->given++;
	return true;
}

/* Checks that exactly one option named the key; prints why not. */
int key_source_check(const struct key_source *ks, const char *cmd)
{
	if (ks->given == 1)
		return EXIT_OK;
	return usage_error(cmd, "%s %s given (see the %s options in --help)",
			   ks->given ? "more than one" : "no", ks->label,
			   ks->label);
}

/* Reports a failure to build a key: "key not found" unless out of memory. */
static int key_fail(const char *cmd, const char *path, int err)
{
	int code = fail(cmd, path, err);

	return err == -ENOMEM ? code : EXIT_KEY;
}

/* Describes a failure to get a passphrase in words. */
static const char *passphrase_error(int err)
{
	switch (err) {
	case -ENXIO:
		return "no terminal to ask on (try --passphrase-file)";
	case -EKEYREJECTED:
		return "the passphrases do not match";
	case -ENODATA:
		return "empty passphrase";
	case -EMSGSIZE:
		return "passphrase longer than 1024 bytes";
	default:
		return strerror(-err);
	}
}

/* Builds a passphrase key from a file or the terminal. */
static int load_passphrase(const struct key_source *ks, const char *cmd,
			   const char *path, bool confirm,
			   struct pmemcrypt_key **key)
{
	char buf[PASSPHRASE_MAX + 1] = {0};
	size_t len = 0;
	int ret;

	/* keep the passphrase out of swap; best effort */
	mlock(buf, sizeof(buf));
	if (ks->kind == KEY_OPT_PROMPT)
		ret = passphrase_from_tty(ks->prompt, confirm, buf, &len);
	else
		ret = passphrase_from_file(ks->arg, buf, &len);
	if (ret) {
		fprintf(stderr, "pmemcrypt: %s: %s: %s: %s\n", cmd, path,
			ks->kind == KEY_OPT_PROMPT ? "passphrase" : ks->arg,
			passphrase_error(ret));
		ret = ret == -ENXIO ? EXIT_USAGE : EXIT_KEY;
		goto out_wipe;
	}
	ret = pmemcrypt_key_from_passphrase(key, buf, len);
	if (ret)
		ret = key_fail(cmd, path, ret);
out_wipe:
	explicit_bzero(buf, sizeof(buf));
	munlock(buf, sizeof(buf));
	return ret;
}

/*
 * Builds the key the options name; prints why it cannot and returns an
 * exit code (confirm: ask twice when prompting).
 */
int key_source_load(const struct key_source *ks, const char *cmd,
		    const char *path, bool confirm, struct pmemcrypt_key **key)
{
	int ret;

	switch (ks->kind) {
	case KEY_OPT_FILE:
		if (strcmp(ks->arg, "-") == 0)
			ret = pmemcrypt_key_from_fd(key, STDIN_FILENO);
		else
			ret = pmemcrypt_key_from_file(key, ks->arg);
		break;
	case KEY_OPT_KEYRING:
		ret = pmemcrypt_key_from_keyring(key, ks->arg);
		break;
	default:
		return load_passphrase(ks, cmd, path, confirm, key);
	}
	return ret ? key_fail(cmd, path, ret) : EXIT_OK;
}

/*
 * Builds the key and opens the pool with it; on success the caller owns
 * both (key may be NULL if the caller does not need it).
 */
int key_open_pool(const struct key_source *ks, const char *cmd,
		  const char *path, unsigned int flags,
		  struct pmemcrypt_pool **pool, struct pmemcrypt_key **key)
{
	struct pmemcrypt_key *k = NULL;
	int ret;

	ret = key_source_load(ks, cmd, path, false, &k);
	if (ret)
		return ret;
	ret = pmemcrypt_pool_open(pool, path, k, flags);
	if (ret)
		ret = fail(cmd, path, ret);
	if (ret || !key)
		pmemcrypt_key_delete(&k);
	else
		*key = k;
	return ret;
}

/* Closes a pool opened by key_open_pool; a close error wins over none. */
int key_close_pool(const char *cmd, const char *path,
		   struct pmemcrypt_pool **pool, int ret)
{
	int err = pmemcrypt_pool_close(pool);

	if (err && !ret)
		return fail(cmd, path, err);
	return ret;
}

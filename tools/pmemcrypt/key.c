// SPDX-License-Identifier: BSD-3-Clause
/* key.c -- key options: parsing, building the key, opening a pool with it */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

/*
 * Checks the key option of a command that opens a pool: at most one; with
 * none, the pool's clevis slots.
 */
int key_source_check_open(struct key_source *ks, const char *cmd)
{
	if (ks->given == 0) {
		ks->kind = KEY_OPT_CLEVIS;
		return EXIT_OK;
	}
	return key_source_check(ks, cmd);
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

/* How messages name the file of a key option ("-" is standard input). */
static const char *secret_name(const char *file)
{
	return strcmp(file, "-") ? file : "standard input";
}

/*
 * Opens the file of a --key-file or --passphrase-file option into *fd,
 * refusing it as ssh refuses a private key: a regular file that group or
 * others may access, or that belongs to neither the user nor root (who
 * could have put another key there).  "-" is standard input, taken as it
 * is.  Prints why it refuses; returns an exit code.
 */
static int secret_open(const struct key_source *ks, const char *cmd,
		       const char *path, int *fd)
{
	const char *file = ks->arg;
	const char *what = ks->kind == KEY_OPT_FILE ? "key" : "passphrase";
	struct stat st;

	*fd = STDIN_FILENO;
	if (!strcmp(file, "-"))
		return EXIT_OK;
	*fd = open(file, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 || fstat(*fd, &st)) {
		fprintf(stderr, "pmemcrypt: %s: %s: %s: %s\n", cmd, path, file,
			strerror(errno));
		if (*fd >= 0)
			close(*fd);
		return EXIT_KEY;
	}
	if (!S_ISREG(st.st_mode))
		return EXIT_OK;
	if (st.st_uid != geteuid() && st.st_uid != 0)
		fprintf(stderr,
			"pmemcrypt: %s: %s: %s: owned by uid %u, neither you "
			"(uid %u) nor root, who alone may hold a %s file; "
			"refused: use a %s file of your own, mode 0600\n",
			cmd, path, file, (unsigned int)st.st_uid,
			(unsigned int)geteuid(), what, what);
	else if (st.st_mode & 077)
		fprintf(stderr,
			"pmemcrypt: %s: %s: %s: mode %04o lets group or others "
			"access the %s; refused: run 'chmod 600 %s'\n",
			cmd, path, file, (unsigned int)(st.st_mode & 07777),
			what, file);
	else
		return EXIT_OK;
	close(*fd);
	return EXIT_KEY;
}

/* Builds a raw key from a --key-file file or standard input. */
static int load_raw_file(const struct key_source *ks, const char *cmd,
			 const char *path, struct pmemcrypt_key **key)
{
	int fd, ret;

	ret = secret_open(ks, cmd, path, &fd);
	if (ret)
		return ret;
	ret = pmemcrypt_key_from_fd(key, fd);
	if (fd != STDIN_FILENO)
		close(fd);
	if (!ret || ret == -ENOMEM)
		return ret ? fail(cmd, path, ret) : EXIT_OK;
	fprintf(stderr, "pmemcrypt: %s: %s: %s: %s\n", cmd, path,
		secret_name(ks->arg), pmemcrypt_errormsg());
	return EXIT_KEY;
}

/* Reads a passphrase from the file of --passphrase-file, checked first. */
static int passphrase_file(const struct key_source *ks, const char *cmd,
			   const char *path, char *buf, size_t *len)
{
	int fd, ret;

	ret = secret_open(ks, cmd, path, &fd);
	if (ret)
		return ret;
	ret = passphrase_from_fd(fd, buf, len);
	if (fd != STDIN_FILENO)
		close(fd);
	if (ret)
		fprintf(stderr, "pmemcrypt: %s: %s: %s: %s\n", cmd, path,
			secret_name(ks->arg), passphrase_error(ret));
	return ret ? EXIT_KEY : EXIT_OK;
}

/* Asks for a passphrase on the terminal (twice with confirm). */
static int passphrase_tty(const struct key_source *ks, const char *cmd,
			  const char *path, bool confirm, char *buf,
			  size_t *len)
{
	int ret = passphrase_from_tty(ks->prompt, confirm, buf, len);

	if (!ret)
		return EXIT_OK;
	fprintf(stderr, "pmemcrypt: %s: %s: passphrase: %s\n", cmd, path,
		passphrase_error(ret));
	return ret == -ENXIO ? EXIT_USAGE : EXIT_KEY;
}

/* Characters (UTF-8 code points) of a passphrase. */
static size_t passphrase_chars(const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)buf[i] & 0xc0) != 0x80;
	return n;
}

/*
 * Refuses a new passphrase shorter than PASSPHRASE_MIN characters unless
 * --force-password was given, as cryptsetup refuses weak ones.
 */
static int passphrase_strong(const struct key_source *ks, const char *cmd,
			     const char *path, const char *buf, size_t len)
{
	size_t chars = passphrase_chars(buf, len);

	if (chars >= PASSPHRASE_MIN || ks->force_password)
		return EXIT_OK;
	fprintf(stderr,
		"pmemcrypt: %s: %s: %s: %zu characters, fewer than %d; "
		"choose a longer one (--force-password takes it)\n",
		cmd, path, ks->label, chars, PASSPHRASE_MIN);
	return EXIT_KEY;
}

/*
 * Builds a passphrase key from a file or the terminal; a new one (is_new)
 * is asked twice and must be long enough.
 */
static int load_passphrase(const struct key_source *ks, const char *cmd,
			   const char *path, bool is_new,
			   struct pmemcrypt_key **key)
{
	char buf[PASSPHRASE_MAX + 1] = {0};
	size_t len = 0;
	int ret;

	/* keep the passphrase out of swap; best effort */
	mlock(buf, sizeof(buf));
	if (ks->kind == KEY_OPT_PASS_FILE)
		ret = passphrase_file(ks, cmd, path, buf, &len);
	else
		ret = passphrase_tty(ks, cmd, path, is_new, buf, &len);
	if (!ret && is_new)
		ret = passphrase_strong(ks, cmd, path, buf, len);
	if (!ret) {
		ret = pmemcrypt_key_from_passphrase(key, buf, len);
		if (ret)
			ret = key_fail(cmd, path, ret);
	}
	explicit_bzero(buf, sizeof(buf));
	munlock(buf, sizeof(buf));
	return ret;
}

/*
 * Builds the key the options name; prints why it cannot and returns an
 * exit code.  is_new: a credential being set (a passphrase is asked twice
 * and must have PASSPHRASE_MIN characters unless forced).
 */
int key_source_load(const struct key_source *ks, const char *cmd,
		    const char *path, bool is_new, struct pmemcrypt_key **key)
{
	int ret;

	switch (ks->kind) {
	case KEY_OPT_FILE:
		return load_raw_file(ks, cmd, path, key);
	case KEY_OPT_KEYRING:
		ret = pmemcrypt_key_from_keyring(key, ks->arg);
		break;
	case KEY_OPT_CLEVIS:
		ret = pmemcrypt_key_from_clevis(key);
		break;
	default:
		return load_passphrase(ks, cmd, path, is_new, key);
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
	if (ret && ks->kind == KEY_OPT_CLEVIS)
		fprintf(stderr,
			"pmemcrypt: %s: no key option was given, so the pool's "
			"clevis slots were tried; see 'pmemcrypt %s --help'\n",
			cmd, cmd);
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

// SPDX-License-Identifier: BSD-3-Clause
/*
 * master.c -- master keys bound through clevis: 'bind-master' keeps a
 * clevis JWE of a user master key in the store ("<desc>.master.jwe"), and
 * load-keys puts the key back into the keyring at boot with 'clevis
 * decrypt', asking the Tang server or the TPM it was bound to, before the
 * namespaces sealed by it are brought up.  The key passes through pipes
 * and locked memory only, from the keyring to clevis and back.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd.h"
#include "runpipe.h"

/* Ending of the store's file of a master key's JWE */
#define MASTER_SUFFIX ".master.jwe"
/* Largest master key payload handled (a user key holds up to 32767) */
#define MASTER_MAX 4096
/* How long clevis may take (a Tang server that does not answer) */
#define CLEVIS_TIMEOUT_MS 60000

/* The store's file name of the JWE of user key @desc. */
static int jwe_name(const char *desc, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s", desc, MASTER_SUFFIX);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Memory for a key: its own pages, locked (best effort), left out of core
 * dumps and wiped in forked children; NULL when there is none.
 */
static unsigned char *secret_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		crypt_error("out of memory");
		return NULL;
	}
	madvise(p, len, MADV_DONTDUMP);
	madvise(p, len, MADV_WIPEONFORK);
	if (mlock(p, len))
		fprintf(stderr, "ndctl-crypt: note: cannot lock memory for "
				"the key: it may reach swap\n");
	return p;
}

static void secret_free(unsigned char *p, size_t len)
{
	if (!p)
		return;
	explicit_bzero(p, len);
	munlock(p, len);
	munmap(p, len);
}

/*
 * Runs clevis; its output to r->out.  0, or an exit code after a message
 * that names @what and clevis's own words (the server it could not reach).
 */
static int run_clevis(char *const argv[], const void *in, size_t in_len,
		      struct runpipe *r, bool own_group, const char *what)
{
	int ret = runpipe(argv, in, in_len, r, own_group, CLEVIS_TIMEOUT_MS);

	if (ret == -ENOENT) {
		crypt_error("%s: cannot run clevis: not installed (Debian "
			    "package clevis)",
			    what);
		return CRYPT_EXIT_FAIL;
	}
	if (ret == -ETIMEDOUT) {
		crypt_error("%s: clevis %s: no answer within %d s", what,
			    argv[1], CLEVIS_TIMEOUT_MS / 1000);
		return CRYPT_EXIT_NO_KEY;
	}
	if (ret) {
		crypt_error("%s: clevis %s: %s", what, argv[1], strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	if (!runpipe_ok(r)) {
		crypt_error("%s: clevis %s failed: %s", what, argv[1],
			    runpipe_err_line(r));
		return CRYPT_EXIT_NO_KEY;
	}
	if (r->out_overflow) {
		crypt_error("%s: clevis %s printed more than %zu bytes", what,
			    argv[1], r->out_cap);
		return CRYPT_EXIT_FAIL;
	}
	return CRYPT_EXIT_OK;
}

/* Whether @buf[@len] is printable text (a JWE). */
static bool printable(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 ||
		    (unsigned char)buf[i] > 0x7e)
			return false;
	return len > 0;
}

/* The user master key @desc from @ring into locked memory; an exit code. */
static int master_read(const char *handle, const char *desc, key_serial_t ring,
		       unsigned char **key, size_t *len)
{
	key_serial_t serial = keyctl_search(ring, "user", desc, 0);
	void *payload = NULL;
	long n;

	if (serial < 0) {
		crypt_error("master key %s is not in the user keyring (%s): "
			    "load it first",
			    handle, strerror(errno));
		return CRYPT_EXIT_NO_KEY;
	}
	n = keyctl_read_alloc(serial, &payload);
	if (n <= 0 || n > MASTER_MAX) {
		if (n > 0)
			explicit_bzero(payload, (size_t)n);
		free(payload);
		crypt_error("master key %s: %s", handle,
			    n < 0 ? strerror(errno)
				  : "empty, or larger than 4096 bytes");
		return CRYPT_EXIT_KERNEL;
	}
	*key = secret_alloc((size_t)n);
	if (*key)
		memcpy(*key, payload, (size_t)n);
	explicit_bzero(payload, (size_t)n);
	free(payload);
	if (!*key)
		return CRYPT_EXIT_FAIL;
	*len = (size_t)n;
	return CRYPT_EXIT_OK;
}

/* Options of bind-master and unbind-master */
struct master_opts {
	const char *master, *pin, *config;
	bool trust, force;
	char desc[CRYPT_DESC_MAX];
	char name[CRYPT_DESC_MAX + 16]; /* the JWE's file in the store */
	char path[4096];
};

/* Parses the options; the master must be a user key.  An exit code. */
static int master_opts(const char *cmd, int argc, char **argv,
		       struct master_opts *o, int positionals)
{
	static const struct option opts[] = {
		{"master", required_argument, NULL, 'm'},
		{"trust", no_argument, NULL, 'y'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char type[16];
	int c;

	o->master = CRYPT_MASTER_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, positionals ? "m:yfh" : "m:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			o->master = optarg;
			break;
		case 'y':
			o->trust = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'h':
			return crypt_help(cmd) == CRYPT_EXIT_OK
				       ? -1
				       : CRYPT_EXIT_FAIL;
		default:
			return crypt_usage(cmd);
		}
	}
	if (argc - optind != positionals) {
		crypt_error(positionals ? "%s takes a clevis pin and its "
					  "configuration (JSON)"
					: "%s takes no argument",
			    cmd);
		return crypt_usage(cmd);
	}
	if (positionals) {
		o->pin = argv[optind];
		o->config = argv[optind + 1];
	}
	if (crypt_master_parse(o->master, type, sizeof(type), o->desc,
			       sizeof(o->desc))) {
		crypt_error("bad master key handle '%s' (user:DESC)",
			    o->master);
		return CRYPT_EXIT_USAGE;
	}
	if (strcmp(type, "user")) {
		crypt_error("%s: a trusted key is sealed by the TPM already; "
			    "bind a user master key through clevis",
			    o->master);
		return CRYPT_EXIT_USAGE;
	}
	if (jwe_name(o->desc, o->name, sizeof(o->name)) ||
	    crypt_store_file_path(o->name, o->path, sizeof(o->path))) {
		crypt_error("%s: no file name can be made of it", o->master);
		return CRYPT_EXIT_USAGE;
	}
	return CRYPT_EXIT_OK;
}

/* Stores a JWE in the store's file @name (@path); an exit code. */
static int store_jwe(const char *name, const char *path, const char *jwe,
		     size_t len, bool force)
{
	int ret = crypt_store_file_write(name, jwe, len, force);

	if (!ret)
		return CRYPT_EXIT_OK;
	crypt_error("cannot store %s: %s", path, crypt_store_strerror(ret));
	return ret == -EEXIST ? CRYPT_EXIT_EXISTS : CRYPT_EXIT_FAIL;
}

/*
 * bind-master PIN CONFIG: the user master key, encrypted by 'clevis
 * encrypt PIN CONFIG', kept in the store for load-keys.
 */
int cmd_bind_master(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct master_opts o = {0};
	char jwe[CRYPT_FILE_MAX];
	unsigned char *key = NULL;
	size_t len = 0;
	int ret;

	(void)ctx;
	ret = master_opts("bind-master", argc, argv, &o, 2);
	if (ret)
		return ret < 0 ? CRYPT_EXIT_OK : ret;
	ret = crypt_store_check();
	if (ret) {
		crypt_error("key store %s: %s", crypt_store_dir(),
			    crypt_store_strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	if (!o.force && !access(o.path, F_OK)) {
		crypt_error("%s is bound already (%s); -f replaces the "
			    "binding",
			    o.master, o.path);
		return CRYPT_EXIT_EXISTS;
	}
	ret = master_read(o.master, o.desc, KEY_SPEC_USER_KEYRING, &key, &len);
	if (!ret) {
		char *args[] = {"clevis",
				"encrypt",
				(char *)o.pin,
				(char *)o.config,
				o.trust ? "-y" : NULL,
				NULL};
		struct runpipe r = {.out = (uint8_t *)jwe,
				    .out_cap = sizeof(jwe)};

		/* Without -y clevis may ask on the terminal: keep it in
		 * the foreground process group then. */
		ret = run_clevis(args, key, len, &r, o.trust, o.master);
		while (!ret && r.out_len && jwe[r.out_len - 1] == '\n')
			r.out_len--;
		if (!ret && !printable(jwe, r.out_len)) {
			crypt_error("%s: clevis encrypt printed no JWE",
				    o.master);
			ret = CRYPT_EXIT_FAIL;
		}
		if (!ret)
			ret = store_jwe(o.name, o.path, jwe, r.out_len,
					o.force);
	}
	secret_free(key, len);
	if (!ret)
		printf("%s is bound through clevis %s: %s; load-keys unseals "
		       "it\n",
		       o.master, o.pin, o.path);
	return ret;
}

/* unbind-master: deletes the JWE; the key in the keyring stays. */
int cmd_unbind_master(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct master_opts o = {0};
	int ret;

	(void)ctx;
	ret = master_opts("unbind-master", argc, argv, &o, 0);
	if (ret)
		return ret < 0 ? CRYPT_EXIT_OK : ret;
	ret = crypt_store_file_remove(o.name);
	if (ret == -ENOENT) {
		crypt_error("%s is not bound through clevis (no %s)", o.master,
			    o.path);
		return CRYPT_EXIT_NO_KEY;
	}
	if (ret) {
		crypt_error("cannot remove %s: %s", o.path,
			    crypt_store_strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	printf("removed the clevis binding of %s (%s)\n", o.master, o.path);
	return CRYPT_EXIT_OK;
}

/* Puts the master key of one JWE file back in @ring; an exit code. */
static int unseal_one(const char *file, key_serial_t ring)
{
	char desc[CRYPT_DESC_MAX], handle[CRYPT_DESC_MAX + 8];
	char *args[] = {"clevis", "decrypt", NULL};
	size_t dlen = strlen(file) - strlen(MASTER_SUFFIX), len = 0;
	unsigned char *key = secret_alloc(MASTER_MAX + 1);
	struct runpipe r = {.out = key, .out_cap = MASTER_MAX};
	char *jwe = NULL;
	int ret;

	if (!key)
		return CRYPT_EXIT_FAIL;
	snprintf(desc, sizeof(desc), "%.*s", (int)dlen, file);
	snprintf(handle, sizeof(handle), "user:%s", desc);
	if (keyctl_search(ring, "user", desc, 0) > 0) {
		secret_free(key, MASTER_MAX + 1);
		return CRYPT_EXIT_OK; /* loaded already */
	}
	ret = crypt_store_file_read(file, &jwe, &len);
	if (ret) {
		crypt_error("master key %s: cannot read %s/%s: %s", handle,
			    crypt_store_dir(), file, crypt_store_strerror(ret));
		ret = CRYPT_EXIT_NO_KEY;
	} else if (!printable(jwe, len)) {
		crypt_error("master key %s: %s/%s is not a JWE", handle,
			    crypt_store_dir(), file);
		ret = CRYPT_EXIT_NO_KEY;
	} else {
		ret = run_clevis(args, jwe, len, &r, true, handle);
	}
	if (!ret && !r.out_len) {
		crypt_error("master key %s: clevis decrypt gave no key",
			    handle);
		ret = CRYPT_EXIT_NO_KEY;
	}
	if (!ret && add_key("user", desc, key, r.out_len, ring) < 0) {
		crypt_error("master key %s: the kernel refused it: %s", handle,
			    strerror(errno));
		ret = CRYPT_EXIT_KERNEL;
	}
	if (!ret)
		fprintf(stderr,
			"ndctl-crypt: master key %s unsealed through clevis\n",
			handle);
	free(jwe);
	secret_free(key, MASTER_MAX + 1);
	return ret;
}

/*
 * Unseals every master key bound through clevis that @ring lacks; one
 * that fails leaves the namespaces it seals disabled, the others go on.
 * Counts the failures in *@failed; returns the exit code of the first,
 * or 0.
 */
int crypt_masters_unseal(key_serial_t ring, unsigned int *failed)
{
	size_t slen = strlen(MASTER_SUFFIX);
	struct dirent *de;
	int first = 0;
	DIR *dir;

	if (crypt_store_check())
		return 0; /* reported by the caller's store access */
	dir = opendir(crypt_store_dir());
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		int ret;

		if (n <= slen || de->d_name[0] == '.' ||
		    strcmp(de->d_name + n - slen, MASTER_SUFFIX))
			continue;
		ret = unseal_one(de->d_name, ring);
		if (ret)
			(*failed)++;
		if (ret && !first)
			first = ret;
	}
	closedir(dir);
	return first;
}

// SPDX-License-Identifier: BSD-3-Clause
/* create.c -- pmemcrypt create: a new pool in a file or device-dax */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "key.h"
#include "progress.h"

static const char cmd[] = "create";

/* clang-format off */
static const char create_usage[] =
	"usage: pmemcrypt create <pool> --size SIZE [options] <key option>\n"
	"\n"
	"Create an encrypted pool.  A regular file is created, or extended,\n"
	"to SIZE bytes; a device-dax is used whole (no --size).\n"
	"\n"
	"  -s, --size SIZE       pool file size (suffixes K, M, G, T)\n"
	"  -c, --cipher NAME     aes-256-xts (default) or aes-128-xts\n"
	"  -e, --engine NAME     auto (default): hardware on a namespace\n"
	"                        bound to an MKTME key, else software;\n"
	"                        software; or hardware (fails unless bound)\n"
	"                        software: the file and its copies are\n"
	"                        ciphertext; hardware: the media is, but the\n"
	"                        file reads as plaintext on this host\n"
	"  -l, --lanes N         concurrent-writer lanes (default 16)\n"
	"      --tx-units N      units of one atomic update (default 1020)\n"
	"      --kdf-time T      Argon2id passes (default 3)\n"
	"      --kdf-memory KIB  Argon2id memory in KiB (default 65536)\n"
	"      --kdf-threads P   Argon2id lanes (default 2)\n"
	"                        (all three --kdf options, or none)\n"
	"  -f, --force           overwrite a pool, shrink a longer file\n"
	FORCE_PASSWORD_HELP
	PROGRESS_HELP
	"  -h, --help            show this help\n"
	"\n"
	KEY_HELP;
/* clang-format on */

/*
 * libpmemcrypt's defaults, for --lanes without --tx-units and the other
 * way round: pmemcrypt_config_set_lanes() sets both.
 */
#define DEFAULT_LANES 16
#define DEFAULT_TX_UNITS 1020

enum create_opt {
	OPT_TX_UNITS = 0x200,
	OPT_KDF_TIME,
	OPT_KDF_MEMORY,
	OPT_KDF_THREADS,
};

/* What the command line asked for. */
struct create_args {
	const char *path;
	uint64_t size;
	enum pmemcrypt_cipher cipher;
	enum pmemcrypt_engine engine;
	uint32_t lanes, tx_units;
	uint32_t kdf[3]; /* time, memory, threads: all or none */
	bool kdf_given, force;
	enum progress_mode progress;
	struct key_source key;
};

/* Parses a number option that must not be 0. */
static int parse_count(const char *what, const char *arg, uint32_t *val)
{
	if (parse_u32(arg, val) || !*val)
		return usage_error(cmd, "bad %s '%s'", what, arg);
	return EXIT_OK;
}

/* Records one option (not a key option) in a; returns an exit code. */
static int parse_option(struct create_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 's':
		if (parse_size(arg, &a->size) || !a->size)
			return usage_error(cmd, "bad size '%s'", arg);
		return EXIT_OK;
	case 'c':
		if (!strcmp(arg, "aes-256-xts"))
			a->cipher = PMEMCRYPT_CIPHER_AES256_XTS;
		else if (!strcmp(arg, "aes-128-xts"))
			a->cipher = PMEMCRYPT_CIPHER_AES128_XTS;
		else
			return usage_error(cmd, "unknown cipher '%s'", arg);
		return EXIT_OK;
	case 'e':
		if (!strcmp(arg, "auto"))
			a->engine = PMEMCRYPT_ENGINE_AUTO;
		else if (!strcmp(arg, "software"))
			a->engine = PMEMCRYPT_ENGINE_SOFTWARE;
		else if (!strcmp(arg, "hardware"))
			a->engine = PMEMCRYPT_ENGINE_HARDWARE;
		else
			return usage_error(cmd, "unknown engine '%s' (auto, "
					   "software or hardware)", arg);
		return EXIT_OK;
	case 'l':
		return parse_count("lane count", arg, &a->lanes);
	case OPT_TX_UNITS:
		return parse_count("--tx-units", arg, &a->tx_units);
	case OPT_KDF_TIME:
	case OPT_KDF_MEMORY:
	case OPT_KDF_THREADS:
		a->kdf_given = true;
		return parse_count("KDF cost", arg,
				   &a->kdf[opt - OPT_KDF_TIME]);
	case 'f':
		a->force = true;
		return EXIT_OK;
	case FORCE_PASSWORD_OPT:
		a->key.force_password = true;
		return EXIT_OK;
	case PROGRESS_OPT_ON:
		a->progress = PROGRESS_ON;
		return EXIT_OK;
	case PROGRESS_OPT_OFF:
		a->progress = PROGRESS_OFF;
		return EXIT_OK;
	case 'h':
		fputs(create_usage, stdout);
		return -1;
	default:
		return bad_option(cmd);
	}
}

/* Parses the command line into a; returns an exit code, -1 after --help. */
static int parse_args(struct create_args *a, int argc, char **argv)
{
	static const struct option options[] = {
		{"size", required_argument, NULL, 's'},
		{"cipher", required_argument, NULL, 'c'},
		{"engine", required_argument, NULL, 'e'},
		{"lanes", required_argument, NULL, 'l'},
		{"tx-units", required_argument, NULL, OPT_TX_UNITS},
		{"kdf-time", required_argument, NULL, OPT_KDF_TIME},
		{"kdf-memory", required_argument, NULL, OPT_KDF_MEMORY},
		{"kdf-threads", required_argument, NULL, OPT_KDF_THREADS},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		PROGRESS_OPTIONS,
		KEY_OPTIONS,
		FORCE_PASSWORD_OPTION,
		{NULL, 0, NULL, 0},
	};
	const char *shorts = "s:c:e:l:fh";
	int opt, ret;

	options_begin(cmd, argv);
	while ((opt = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
		if (key_source_parse(&a->key, KEY_OPT_BASE, opt, optarg))
			continue;
		ret = parse_option(a, opt, optarg);
		if (ret)
			return ret;
	}
	if (a->kdf_given && !(a->kdf[0] && a->kdf[1] && a->kdf[2]))
		return usage_error(cmd, "give all three --kdf options or none");
	ret = pool_arg(cmd, argc, argv, optind, &a->path);
	return ret ? ret : key_source_check(&a->key, cmd);
}

/* The path of an open descriptor, for calls that take a path. */
static const char *fd_path(int fd)
{
	static char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return path;
}

/* Whether the file open as fd already holds a pool (intact or damaged). */
static bool holds_pool(int fd)
{
	struct pmemcrypt_info info;
	int ret = pmemcrypt_info_read(&info, fd_path(fd));

	return ret == 0 || ret == PMEMCRYPT_E_HDR_COPY ||
	       ret == PMEMCRYPT_E_HDR_CORRUPT || ret == PMEMCRYPT_E_HDR_MAC ||
	       ret == PMEMCRYPT_E_VERSION;
}

/*
 * Whether the file open as fd holds anything but zeros where a pool's
 * header goes (the library's rule: it is checked here first, before the
 * file is extended).
 */
static bool holds_data(int fd)
{
	uint8_t head[8192];
	ssize_t n = pread(fd, head, sizeof(head), 0);

	for (ssize_t i = 0; i < n; i++)
		if (head[i])
			return true;
	return n < 0;
}

/* Refuses to overwrite or shrink what fd holds, unless forced. */
static int check_existing(const struct create_args *a, int fd,
			  const struct stat *st)
{
	const char *path = a->path;

	if (!a->force && holds_pool(fd))
		return usage_error(cmd, "%s holds a pool (--force overwrites)",
				   path);
	if (S_ISCHR(st->st_mode))
		return a->size ? usage_error(cmd, "no --size on a device-dax")
			       : EXIT_OK;
	if (!S_ISREG(st->st_mode))
		return usage_error(cmd, "%s is no file or device-dax", path);
	if (!a->force && holds_data(fd))
		return usage_error(cmd,
				   "%s holds data that is not a pool "
				   "(--force overwrites)",
				   path);
	if (a->size && (uint64_t)st->st_size > a->size && !a->force)
		return usage_error(cmd, "%s is longer than --size", path);
	return EXIT_OK;
}

/*
 * Opens path once, never through a symbolic link: what is there, or a
 * new file (O_EXCL, 0600; *made identifies it).
 */
static int open_pool_file(const char *path, int *fdp, struct stat *made)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	memset(made, 0, sizeof(*made));
	if (fd < 0 && errno == ENOENT) {
		fd = open(path,
			  O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_CREAT | O_EXCL,
			  0600);
		if (fd >= 0 && fstat(fd, made)) {
			close(fd);
			unlink(path);
			fd = -1;
		}
	}
	if (fd < 0 && errno == ELOOP)
		return usage_error(cmd,
				   "%s is a symbolic link: give the path of "
				   "the file or device-dax itself",
				   path);
	if (fd < 0)
		return fail_errno(cmd, path, -errno, "cannot open");
	*fdp = fd;
	return EXIT_OK;
}

/* Removes the file open_pool_file() made, if path still names it. */
static void unlink_made(const char *path, const struct stat *made)
{
	struct stat st;

	if (made->st_ino && !lstat(path, &st) && st.st_dev == made->st_dev &&
	    st.st_ino == made->st_ino)
		unlink(path);
}

/*
 * Makes the file open as fd ready for a pool: checks a device-dax or an
 * existing file, sizes a regular file.
 */
static int prepare_file(const struct create_args *a, int fd, bool created)
{
	struct stat st;
	int ret;

	if (fstat(fd, &st))
		return fail_errno(cmd, a->path, -errno, "cannot stat");
	if (!created) {
		ret = check_existing(a, fd, &st);
		if (ret || S_ISCHR(st.st_mode))
			return ret;
	}
	if (!a->size)
		return usage_error(cmd, "--size is needed for a file");
	if (!created && (uint64_t)st.st_size > a->size)
		ret = ftruncate(fd, a->size) ? errno : 0;
	else
		ret = posix_fallocate(fd, 0, a->size);
	return ret ? fail_errno(cmd, a->path, -ret, "cannot size the file")
		   : EXIT_OK;
}

/* Whether path still names the file open as fd. */
static bool still_there(const char *path, int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Builds the pool settings from the command line. */
static int make_config(const struct create_args *a, struct progress *bar,
		       struct pmemcrypt_config **cfg)
{
	uint32_t lanes = a->lanes ? a->lanes : DEFAULT_LANES;
	uint32_t tx_units = a->tx_units ? a->tx_units : DEFAULT_TX_UNITS;
	int ret = pmemcrypt_config_new(cfg);

	if (!ret && a->cipher)
		ret = pmemcrypt_config_set_cipher(*cfg, a->cipher);
	if (!ret)
		ret = pmemcrypt_config_set_engine(*cfg, a->engine);
	if (!ret && (a->lanes || a->tx_units))
		ret = pmemcrypt_config_set_lanes(*cfg, lanes, tx_units);
	if (!ret && a->kdf_given)
		ret = pmemcrypt_config_set_kdf(*cfg, a->kdf[0], a->kdf[1],
					       a->kdf[2]);
	if (!ret && bar->enabled)
		ret = pmemcrypt_config_set_progress(*cfg, progress_update, bar);
	if (!ret)
		ret = pmemcrypt_config_set_overwrite(*cfg, a->force);
	return ret ? fail(cmd, a->path, ret) : EXIT_OK;
}

/* pmemcrypt create <pool> --size SIZE [options] <key option> */
int cmd_create(int argc, char **argv)
{
	struct create_args a = {.key = KEY_SOURCE_INIT};
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	enum pmemcrypt_engine engine;
	struct progress bar;
	struct stat made;
	int ret, fd = -1;

	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	progress_init(&bar, a.progress);
	ret = make_config(&a, &bar, &cfg);
	if (ret)
		goto out;
	ret = open_pool_file(a.path, &fd, &made);
	if (ret)
		goto out;
	ret = prepare_file(&a, fd, made.st_ino != 0);
	/* The key may take a while (a passphrase): the pool goes into the
	 * file opened and checked above, whatever path names by then. */
	if (!ret)
		ret = key_source_load(&a.key, cmd, a.path, true, &key);
	if (ret)
		goto out_unlink;
	ret = pmemcrypt_pool_create_fd(&pool, fd, a.path, cfg, key);
	progress_end(&bar);
	if (!ret) {
		engine = pmemcrypt_pool_engine(pool);
		ret = pmemcrypt_pool_close(&pool);
	}
	if (ret) {
		ret = fail(cmd, a.path, ret);
		goto out_unlink;
	}
	if (!still_there(a.path, fd)) {
		fprintf(stderr,
			"pmemcrypt: %s: %s was replaced while the pool was "
			"created in the file it named\n",
			cmd, a.path);
		ret = EXIT_SYSTEM;
		goto out;
	}
	fprintf(stderr, "pmemcrypt: %s: %s: %s engine: %s\n", cmd, a.path,
		pmemcrypt_engine_name(engine), engine_protection(engine));
	close(fd);
	fd = -1;
	ret = info_print(cmd, a.path);
	goto out;
out_unlink:
	unlink_made(a.path, &made);
out:
	if (fd >= 0)
		close(fd);
	pmemcrypt_key_delete(&key);
	pmemcrypt_config_delete(&cfg);
	return ret;
}

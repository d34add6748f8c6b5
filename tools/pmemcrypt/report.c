// SPDX-License-Identifier: BSD-3-Clause
/* report.c -- error messages and the exit code of each error class */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* The exit code for a library or -errno error. */
int exit_class(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case PMEMCRYPT_E_INVALID:
	case PMEMCRYPT_E_RANGE:
	case -EEXIST: /* create on data, without --force */
		return EXIT_USAGE;
	case PMEMCRYPT_E_WRONG_KEY:
	case PMEMCRYPT_E_KEY_SOURCE:
	case -ENOKEY:
	case -EKEYREJECTED:
	case -EKEYREVOKED:
	case -EKEYEXPIRED:
		return EXIT_KEY;
	case PMEMCRYPT_E_NOT_POOL:
	case PMEMCRYPT_E_HDR_CORRUPT:
	case PMEMCRYPT_E_HDR_COPY:
	case PMEMCRYPT_E_HDR_MAC:
	case PMEMCRYPT_E_VERSION:
	case PMEMCRYPT_E_TRUNCATED:
	case PMEMCRYPT_E_CORRUPT:
		return EXIT_CORRUPT;
	case PMEMCRYPT_E_LOCKED:
		return EXIT_LOCKED;
	case PMEMCRYPT_E_NO_SPACE:
	case PMEMCRYPT_E_NO_SLOT:
	case PMEMCRYPT_E_LAST_SLOT:
	case -ENOSPC:
	case -EDQUOT:
		return EXIT_SPACE;
	default:
		return EXIT_SYSTEM;
	}
}

/*
 * Prints "pmemcrypt: <cmd>: <path>: <message>" for a library error and
 * returns its exit code.  Library messages often start with the path
 * already; it is not repeated.
 */
int fail(const char *cmd, const char *path, int err)
{
	const char *msg = pmemcrypt_errormsg();
	size_t len = strlen(path);

	if (!msg || !*msg)
		msg = pmemcrypt_strerror(err);
	else if (!strncmp(msg, path, len) && !strncmp(msg + len, ": ", 2))
		msg += len + 2;
	fprintf(stderr, "pmemcrypt: %s: %s: %s\n", cmd, path, msg);
	return exit_class(err);
}

/* Like fail() for an error of the tool itself: what failed, and why. */
int fail_errno(const char *cmd, const char *path, int err, const char *what)
{
	fprintf(stderr, "pmemcrypt: %s: %s: %s: %s\n", cmd, path, what,
		strerror(-err));
	return exit_class(err);
}

/* Prints a command line error and where to find help; returns 1. */
int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pmemcrypt: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'pmemcrypt %s --help'.\n", cmd);
	return EXIT_USAGE;
}

/* Takes the one pool path left after the options (argv[first]). */
int pool_arg(const char *cmd, int argc, char **argv, int first,
	     const char **path)
{
	if (first >= argc)
		return usage_error(cmd, "no pool given");
	if (first + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'",
				   argv[first + 1]);
	*path = argv[first];
	return EXIT_OK;
}

/* Resets getopt_long and makes its messages read "pmemcrypt: <cmd>: ...". */
void options_begin(const char *cmd, char **argv)
{
	static char prog[64];

	snprintf(prog, sizeof(prog), "pmemcrypt: %s", cmd);
	argv[0] = prog;
	optind = 0;
}

/* After getopt_long printed what is wrong: where to find help; returns 1. */
int bad_option(const char *cmd)
{
	fprintf(stderr, "Try 'pmemcrypt %s --help'.\n", cmd);
	return EXIT_USAGE;
}

// SPDX-License-Identifier: BSD-3-Clause
/* target.c -- messages, usage, and the namespace a command names */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <ndctl/libndctl.h>

#include "cmd.h"
#include "ns.h"

/* Prints "ndctl-crypt: error: ..." on stderr. */
void crypt_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ndctl-crypt: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints the usage of command @name to @f. */
static void print_usage(FILE *f, const char *name)
{
	const struct crypt_cmd *c;

	for (c = crypt_commands; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(f, "%s", c->usage);
}

/* Prints the usage of command @name on stderr; the usage exit code. */
int crypt_usage(const char *name)
{
	print_usage(stderr, name);
	return CRYPT_EXIT_USAGE;
}

/* Prints the usage of command @name for --help; exit code 0. */
int crypt_help(const char *name)
{
	print_usage(stdout, name);
	return CRYPT_EXIT_OK;
}

/*
 * Resolves a namespace argument.  With @allow_orphan, a UUID that no
 * namespace has is accepted (to remove the key of a deleted namespace).
 */
int crypt_target_find(struct ndctl_ctx *ctx, const char *arg, bool allow_orphan,
		      struct crypt_target *t)
{
	enum crypt_ns_kind kind = crypt_ns_kind(arg);
	int ret;

	memset(t, 0, sizeof(*t));
	if (kind == CRYPT_NS_INVALID) {
		crypt_error("'%s' is not a namespace: give namespaceX.Y or its "
			    "UUID (see 'ndctl-crypt list')",
			    arg);
		return CRYPT_EXIT_USAGE;
	}
	ret = ctx ? crypt_ns_find(ctx, arg, &t->ndns) : -ENOENT;
	if (ret == -ENOENT && kind == CRYPT_NS_UUID && allow_orphan) {
		crypt_uuid_canonical(arg, t->uuid);
		snprintf(t->dev, sizeof(t->dev), "%s", t->uuid);
		return CRYPT_EXIT_OK;
	}
	if (ret) {
		crypt_error(
			"no namespace %s on this machine (see 'ndctl list -N')",
			arg);
		return CRYPT_EXIT_NO_NAMESPACE;
	}
	snprintf(t->dev, sizeof(t->dev), "%s",
		 ndctl_namespace_get_devname(t->ndns));
	crypt_ns_uuid(t->ndns, t->uuid);
	if (!t->uuid[0]) {
		crypt_error("%s has no UUID (a raw or label-less namespace): "
			    "keys are stored by UUID; create a namespace with "
			    "labels ('ndctl create-namespace -m fsdax')",
			    t->dev);
		return CRYPT_EXIT_NO_NAMESPACE;
	}
	return CRYPT_EXIT_OK;
}

/* Refuses (CRYPT_EXIT_BUSY) while the namespace is bound to an mktme key. */
int crypt_target_check_unbound(const struct crypt_target *t)
{
	struct crypt_binding b;
	int ret;

	if (!t->ndns)
		return CRYPT_EXIT_OK;
	ret = crypt_binding_read(t->dev, &b);
	if (ret) {
		crypt_error("cannot read the mktme_key attribute of %s: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	if (!b.bound)
		return CRYPT_EXIT_OK;
	crypt_error("%s is bound to mktme key %ld (%s, KeyID %u): disable and "
		    "unbind it first ('ndctl-crypt disable-namespace %s')",
		    t->dev, b.serial, b.desc, b.keyid, t->dev);
	return CRYPT_EXIT_BUSY;
}

/*
 * Checks the options that choose a new key for @cmd (rotate-key, erase):
 * --import and --algorithm exclusive, a known algorithm, a master key
 * handle, which is written normalized to @out (left empty when @master is
 * NULL).  Returns -1 when they are fine, else an exit code.
 */
int crypt_new_key_opts(const char *cmd, const char *key_file,
		       const char *algorithm, const char *master, char *out,
		       size_t out_len)
{
	char type[16], desc[CRYPT_DESC_MAX];

	if (key_file && algorithm) {
		crypt_error("--import takes the algorithm from the key's size: "
			    "drop --algorithm");
		return crypt_usage(cmd);
	}
	if (algorithm && crypt_algorithm_key_len(algorithm) < 0) {
		crypt_error("unknown algorithm '%s': use aes-xts-256 or "
			    "aes-xts-128",
			    algorithm);
		return CRYPT_EXIT_USAGE;
	}
	out[0] = '\0';
	if (!master)
		return -1;
	if (crypt_master_parse(master, type, sizeof(type), desc,
			       sizeof(desc))) {
		crypt_error("'%s' is not a master key handle: give user:DESC "
			    "or trusted:DESC",
			    master);
		return CRYPT_EXIT_USAGE;
	}
	snprintf(out, out_len, "%s:%s", type, desc);
	return -1;
}

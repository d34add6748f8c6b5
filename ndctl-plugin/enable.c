// SPDX-License-Identifier: BSD-3-Clause
/*
 * enable.c -- 'enable-namespace', 'disable-namespace' and 'load-keys':
 * bring namespaces up with their stored keys (one, or all at boot) and
 * take one down.  A namespace whose key rotation is unfinished is left to
 * 'rotate-key'.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndctl/libndctl.h>

#include "cmd.h"
#include "ns.h"

/* Parses a command taking one namespace and -h; -1 to go on. */
static int one_ns_opts(const char *name, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return c == 'h' ? crypt_help(name) : crypt_usage(name);
	if (argc - optind != 1) {
		crypt_error("%s takes one namespace", name);
		return crypt_usage(name);
	}
	return -1;
}

/* enable-namespace: load, program, bind and enable one namespace. */
int cmd_enable_namespace(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct crypt_target t;
	bool was_up;
	int ret;

	ret = one_ns_opts("enable-namespace", argc, argv);
	if (ret >= 0)
		return ret;
	ret = crypt_target_find(ctx, argv[optind], false, &t);
	if (!ret)
		ret = crypt_rotation_check(&t);
	if (ret)
		return ret;
	return crypt_ns_up(&t, KEY_SPEC_USER_KEYRING, &was_up);
}

/* disable-namespace: disable, unbind, drop the mktme key. */
int cmd_disable_namespace(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct crypt_target t;
	int ret;

	ret = one_ns_opts("disable-namespace", argc, argv);
	if (ret >= 0)
		return ret;
	ret = crypt_target_find(ctx, argv[optind], false, &t);
	if (ret)
		return ret;
	return crypt_ns_down(&t, KEY_SPEC_USER_KEYRING);
}

/* Brings up the namespace of one stored key; counts the outcome. */
static void load_one(struct ndctl_ctx *ctx, const char *uuid,
		     struct crypt_load_counts *c, int *first)
{
	struct crypt_target t;
	bool was_up;
	int ret;

	memset(&t, 0, sizeof(t));
	if (crypt_ns_find(ctx, uuid, &t.ndns)) {
		fprintf(stderr,
			"ndctl-crypt: note: the stored key %s/%s.blob has no "
			"namespace on this machine: skipped\n",
			crypt_store_dir(), uuid);
		c->orphans++;
		return;
	}
	snprintf(t.dev, sizeof(t.dev), "%s",
		 ndctl_namespace_get_devname(t.ndns));
	memcpy(t.uuid, uuid, CRYPT_UUID_LEN);
	ret = crypt_rotation_check(&t);
	if (ret) {
		c->rotating++;
		if (!*first)
			*first = ret;
		return;
	}
	ret = crypt_ns_up(&t, KEY_SPEC_USER_KEYRING, &was_up);
	if (!ret) {
		if (was_up)
			c->already++;
		else
			c->enabled++;
		return;
	}
	c->failed++;
	if (!*first)
		*first = ret;
}

/*
 * Reports the namespaces left disabled that have no stored key: at boot
 * the kernel enables every namespace but those marked encrypted, so one of
 * these lacks its key.
 */
static void find_keyless(struct ndctl_ctx *ctx, struct crypt_load_counts *c,
			 int *first)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;
	char uuid[CRYPT_UUID_LEN], path[4096];

	ndctl_bus_foreach(ctx, bus)
	{
		ndctl_region_foreach(bus, region)
		{
			ndctl_namespace_foreach(region, ndns)
			{
				const char *dev =
					ndctl_namespace_get_devname(ndns);

				crypt_ns_uuid(ndns, uuid);
				if (!uuid[0] ||
				    !ndctl_namespace_get_size(ndns) ||
				    ndctl_namespace_is_active(ndns) ||
				    crypt_store_exists(uuid))
					continue;
				crypt_store_path(uuid, path, sizeof(path));
				crypt_error("%s (%s) is disabled and has no "
					    "sealed key (%s): left disabled; "
					    "restore the blob and run "
					    "'ndctl-crypt load-keys' again",
					    dev, uuid, path);
				c->no_key++;
				if (!*first)
					*first = CRYPT_EXIT_NO_KEY;
			}
		}
	}
}

/*
 * load-keys: for every stored key whose namespace is here, program the
 * key, bind the namespace and enable it; a key that is missing or does
 * not work leaves its namespace disabled, and the others go on.
 */
int cmd_load_keys(int argc, char **argv, struct ndctl_ctx *ctx)
{
	static const struct option opts[] = {
		{"no-clevis", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct crypt_load_counts counts = {0};
	bool clevis = true;
	char(*uuids)[CRYPT_UUID_LEN];
	char summary[256];
	int c, ret, first = 0;
	size_t i, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'n') {
			clevis = false;
			continue;
		}
		return c == 'h' ? crypt_help("load-keys")
				: crypt_usage("load-keys");
	}
	if (optind != argc) {
		crypt_error("load-keys takes no namespace: it loads every "
			    "key in %s",
			    crypt_store_dir());
		return crypt_usage("load-keys");
	}
	ret = crypt_store_list(&uuids, &n);
	if (ret) {
		crypt_error("cannot read the key store %s: %s",
			    crypt_store_dir(), crypt_store_strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	/* Master keys bound through clevis first: they seal the others. */
	if (clevis)
		first = crypt_masters_unseal(KEY_SPEC_USER_KEYRING,
					     &counts.masters);
	for (i = 0; i < n; i++)
		load_one(ctx, uuids[i], &counts, &first);
	free(uuids);
	find_keyless(ctx, &counts, &first);
	if (!crypt_load_summary(summary, sizeof(summary), &counts))
		fprintf(stderr, "ndctl-crypt: %s\n", summary);
	return crypt_load_exit(&counts, first);
}

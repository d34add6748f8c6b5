// SPDX-License-Identifier: BSD-3-Clause
/* binding.c -- the binding probe: is the media on a bound namespace? */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "binding.h"

int pc_binding_assume_bound;

static const char *sysfs_root(void)
{
	const char *root = secure_getenv("PMEMCRYPT_SYSFS_ROOT");

	return root && *root ? root : "/sys";
}

/* Reads a one-line sysfs attribute without its newline; 0 or -errno. */
static int read_attr(const char *dir, const char *name, char *buf,
		     size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int has_attr(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return snprintf(path, sizeof(path), "%s/%s", dir, name) <
		       (int)sizeof(path) &&
	       access(path, F_OK) == 0;
}

/* Cuts the last component off path (in place); 0 when none is left. */
static int up(char *path, size_t root_len)
{
	char *slash = strrchr(path, '/');

	if (!slash || (size_t)(slash - path) <= root_len)
		return 0;
	*slash = '\0';
	return 1;
}

/*
 * From the device's sysfs directory up: a namespace directory itself
 * (raw mode), or a pfn, dax or btt device whose "namespace" attribute
 * names its sibling namespace.  Leaves the namespace's directory in dir.
 */
static int find_namespace(char *dir, size_t root_len, struct pc_binding *b)
{
	char name[64];

	do {
		const char *base = strrchr(dir, '/') + 1;

		if (!strncmp(base, "namespace", 9) &&
		    has_attr(dir, "nstype")) {
			snprintf(b->ns, sizeof(b->ns), "%s", base);
			return 1;
		}
		if (!read_attr(dir, "namespace", name, sizeof(name)) &&
		    !strncmp(name, "namespace", 9) && !strchr(name, '/')) {
			snprintf(b->ns, sizeof(b->ns), "%s", name);
			up(dir, root_len);
			if (strlen(dir) + 1 + strlen(name) >= PATH_MAX)
				return 0;
			strcat(dir, "/");
			strcat(dir, name);
			return 1;
		}
	} while (up(dir, root_len));
	return 0;
}

void pc_binding_probe(const struct stat *st, struct pc_binding *b)
{
	const char *root = sysfs_root();
	char link[PATH_MAX], dir[PATH_MAX], real_root[PATH_MAX];
	int chr = S_ISCHR(st->st_mode);
	dev_t dev = chr ? st->st_rdev : st->st_dev;
	size_t root_len;

	memset(b, 0, sizeof(*b));
	if (pc_binding_assume_bound) {
		b->bound = 1;
		snprintf(b->key, sizeof(b->key), "test hook");
		return;
	}
	/* A directory stands for a file to be created in it. */
	if (!chr && !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		snprintf(b->why, sizeof(b->why),
			 "neither a file nor a device-dax");
		return;
	}
	snprintf(link, sizeof(link), "%s/dev/%s/%u:%u", root,
		 chr ? "char" : "block", major(dev), minor(dev));
	if (!realpath(root, real_root) || !realpath(link, dir)) {
		snprintf(b->why, sizeof(b->why), "%s device %u:%u is no NVDIMM "
			 "(nothing in sysfs)", chr ? "character" : "block",
			 major(dev), minor(dev));
		return;
	}
	root_len = strlen(real_root);
	/* A partition (pmem0p1): its disk is the parent directory. */
	if (!chr && has_attr(dir, "partition"))
		up(dir, root_len);
	if (!find_namespace(dir, root_len, b)) {
		snprintf(b->why, sizeof(b->why),
			 "device %u:%u is not on an NVDIMM namespace",
			 major(dev), minor(dev));
		return;
	}
	if (read_attr(dir, "mktme_key", b->key, sizeof(b->key))) {
		snprintf(b->why, sizeof(b->why),
			 "%s has no mktme_key (a kernel without MKTME "
			 "namespaces)", b->ns);
		return;
	}
	if (!*b->key || !strcmp(b->key, "none")) {
		snprintf(b->why, sizeof(b->why),
			 "%s is bound to no MKTME key (mktme_key: none)", b->ns);
		b->key[0] = '\0';
		return;
	}
	b->bound = 1;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * erase.c -- 'erase': give a namespace a fresh key and destroy every copy
 * of the old one that ndctl-crypt holds.
 *
 * The namespace is disabled and unbound; the stored blobs are overwritten
 * and removed and the kernel keys invalidated; the first 8 KiB (the key
 * check and the mark of the pfn info block, as ndctl zeroes them when it
 * reconfigures a namespace) are zeroed through the namespace in raw mode;
 * a new fsdax or devdax claim is made as it was; a new key is created (or
 * imported), sealed, stored, and the namespace enabled with it, which
 * writes the new key check.  The data itself is not touched: it stays
 * ciphertext under the old key.  Interrupted, it can be run again.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>
#include <json-c/json.h>
#include <ndctl/libndctl.h>

#include "cmd.h"
#include "ns.h"
#include "seal.h"

#define ERASE_HEAD 8192 /* the key check line and the pfn info block */

/* Options of erase */
struct erase_opts {
	char master[CRYPT_DESC_MAX + 16]; /* "": the old key's, or default */
	const char *algorithm;		  /* NULL: the old key's */
	const char *key_file;		  /* --import */
	const char *map;		  /* --map mem|dev, NULL: as it was */
	bool yes;
	const char *ns;
};

/* The fsdax or devdax claim of the namespace, to make it again */
struct claim {
	int mode; /* NDCTL_NS_MODE_FSDAX or NDCTL_NS_MODE_DEVDAX */
	enum ndctl_pfn_loc loc;
	unsigned long align; /* 0: the kernel's default */
};

/* Parses the command line; -1 to go on, else an exit code. */
static int parse_opts(int argc, char **argv, struct erase_opts *o)
{
	static const struct option opts[] = {
		{"import", required_argument, NULL, 'k'},
		{"master", required_argument, NULL, 'm'},
		{"algorithm", required_argument, NULL, 'a'},
		{"map", required_argument, NULL, 'M'},
		{"yes", no_argument, NULL, 'y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *master = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:m:a:M:yh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key_file = optarg;
			break;
		case 'm':
			master = optarg;
			break;
		case 'a':
			o->algorithm = optarg;
			break;
		case 'M':
			o->map = optarg;
			break;
		case 'y':
			o->yes = true;
			break;
		case 'h':
			return crypt_help("erase");
		default:
			return crypt_usage("erase");
		}
	}
	if (argc - optind != 1) {
		crypt_error("erase takes one namespace");
		return crypt_usage("erase");
	}
	o->ns = argv[optind];
	if (o->map && strcmp(o->map, "mem") && strcmp(o->map, "dev")) {
		crypt_error("unknown --map '%s': use mem or dev", o->map);
		return CRYPT_EXIT_USAGE;
	}
	return crypt_new_key_opts("erase", o->key_file, o->algorithm, master,
				  o->master, sizeof(o->master));
}

/*
 * Reads the claim to make again: from the fsdax or devdax device while
 * the namespace has one, else the mode its label records, mapped as
 * --map says (default dev, as ndctl).  An exit code.
 */
static int claim_read(const struct crypt_target *t, const char *map,
		      struct claim *c)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(t->ndns);
	struct ndctl_dax *dax = ndctl_namespace_get_dax(t->ndns);

	memset(c, 0, sizeof(*c));
	c->loc = NDCTL_PFN_LOC_PMEM;
	if (pfn) {
		c->mode = NDCTL_NS_MODE_FSDAX;
		c->loc = ndctl_pfn_get_location(pfn);
		c->align = ndctl_pfn_get_align(pfn);
	} else if (dax) {
		c->mode = NDCTL_NS_MODE_DEVDAX;
		c->loc = ndctl_dax_get_location(dax);
		c->align = ndctl_dax_get_align(dax);
	} else {
		c->mode = ndctl_namespace_get_enforce_mode(t->ndns);
	}
	if (map)
		c->loc = strcmp(map, "mem") ? NDCTL_PFN_LOC_PMEM
					    : NDCTL_PFN_LOC_RAM;
	if (c->mode != NDCTL_NS_MODE_FSDAX && c->mode != NDCTL_NS_MODE_DEVDAX) {
		crypt_error("%s is neither fsdax nor devdax (its label "
			    "records no such mode): only those are encrypted",
			    t->dev);
		return CRYPT_EXIT_FAIL;
	}
	return CRYPT_EXIT_OK;
}

/* Asks on stderr, reads the answer from stdin: true for "yes". */
static bool confirmed(const struct crypt_target *t)
{
	char line[16];

	fprintf(stderr,
		"This destroys every copy of the key of %s that ndctl-crypt "
		"holds and gives it a new one: its data becomes unreadable, "
		"except with a copy of the old key kept elsewhere.\n"
		"Type 'yes' to erase it: ",
		t->dev);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return !strcmp(line, "yes");
}

/* Invalidates every key of @type described @desc that @ring reaches. */
static void invalidate_all(const char *type, const char *desc,
			   key_serial_t ring)
{
	for (int i = 0; i < 8; i++) {
		key_serial_t key = keyctl_search(ring, type, desc, 0);

		if (key < 0 || keyctl_invalidate(key) < 0)
			return;
	}
}

/*
 * Destroys the old key: both blobs overwritten and removed, the kernel's
 * encrypted and mktme keys (current and of a rotation) invalidated.  An
 * exit code.
 */
static int destroy_old(const struct crypt_target *t, key_serial_t ring)
{
	char desc[CRYPT_DESC_MAX], path[4096];
	int ret;

	crypt_store_path(t->uuid, path, sizeof(path));
	ret = crypt_store_remove(t->uuid);
	if (ret && ret != -ENOENT) {
		crypt_error("%s: cannot destroy %s: %s", t->dev, path,
			    strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	crypt_store_next_path(t->uuid, path, sizeof(path));
	ret = crypt_store_next_remove(t->uuid);
	if (ret && ret != -ENOENT) {
		crypt_error("%s: cannot destroy %s: %s", t->dev, path,
			    strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	crypt_mktme_desc(t->uuid, desc, sizeof(desc));
	invalidate_all("mktme", desc, ring);
	crypt_mktme_next_desc(t->uuid, desc, sizeof(desc));
	invalidate_all("mktme", desc, ring);
	crypt_enc_desc(t->uuid, desc, sizeof(desc));
	invalidate_all("encrypted", desc, ring);
	crypt_enc_next_desc(t->uuid, desc, sizeof(desc));
	invalidate_all("encrypted", desc, ring);
	return CRYPT_EXIT_OK;
}

/*
 * Zeroes the first ERASE_HEAD bytes of the disabled, unbound namespace
 * through its raw block device: the key check and the pfn info block
 * with its mark.  The namespace is left disabled.  An exit code.
 */
static int zero_head(const struct crypt_target *t)
{
	const char *bdev;
	char path[64];
	void *buf = NULL;
	int fd, ret;

	/* the fsdax or devdax device lets go of the namespace first */
	ndctl_namespace_disable_invalidate(t->ndns);
	/* (libndctl returns the mode set, and 1 for a namespace enabled
	 * through a claim: raw means 0) */
	ret = ndctl_namespace_set_raw_mode(t->ndns, 1);
	if (ret >= 0)
		ret = ndctl_namespace_enable(t->ndns);
	bdev = ret ? NULL : ndctl_namespace_get_block_device(t->ndns);
	if (!bdev || !*bdev) {
		crypt_error("%s: cannot enable it in raw mode to zero its key "
			    "check: %s",
			    t->dev, strerror(ret < 0 ? -ret : ENXIO));
		ndctl_namespace_disable_invalidate(t->ndns);
		ndctl_namespace_set_raw_mode(t->ndns, 0);
		return CRYPT_EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "/dev/%s", bdev);
	ret = posix_memalign(&buf, 4096, ERASE_HEAD);
	fd = ret ? -1 : open(path, O_RDWR | O_EXCL | O_DIRECT | O_CLOEXEC);
	if (fd >= 0) {
		memset(buf, 0, ERASE_HEAD);
		ret = pwrite(fd, buf, ERASE_HEAD, 0) == ERASE_HEAD ? 0 : EIO;
		if (!ret && fsync(fd))
			ret = errno;
		close(fd);
	} else {
		ret = ret ? ret : errno;
	}
	free(buf);
	ndctl_namespace_disable_invalidate(t->ndns);
	ndctl_namespace_set_raw_mode(t->ndns, 0);
	if (ret) {
		crypt_error("%s: cannot zero the first %d bytes of %s: %s",
			    t->dev, ERASE_HEAD, path, strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	return CRYPT_EXIT_OK;
}

/* A random version 4 UUID for the new claim. */
static int new_uuid(uuid_t uu)
{
	if (getrandom(uu, sizeof(uuid_t), 0) != sizeof(uuid_t))
		return -EIO;
	uu[6] = (uu[6] & 0x0f) | 0x40;
	uu[8] = (uu[8] & 0x3f) | 0x80;
	return 0;
}

/*
 * Makes the fsdax or devdax claim again, as ndctl create-namespace does:
 * a new info block, written through no key.  An exit code; the namespace
 * is then enabled without a key, showing only ciphertext.
 */
static int claim_make(const struct crypt_target *t, const struct claim *c)
{
	struct ndctl_region *region = ndctl_namespace_get_region(t->ndns);
	uuid_t uu;
	int ret = new_uuid(uu);

	if (!ret && c->mode == NDCTL_NS_MODE_FSDAX) {
		struct ndctl_pfn *pfn = ndctl_region_get_pfn_seed(region);

		ret = pfn ? 0 : -ENODEV;
		if (!ret)
			ret = ndctl_pfn_set_uuid(pfn, uu);
		if (!ret)
			ret = ndctl_pfn_set_location(pfn, c->loc);
		if (!ret && c->align)
			ret = ndctl_pfn_set_align(pfn, c->align);
		if (!ret)
			ret = ndctl_pfn_set_namespace(pfn, t->ndns);
		if (!ret)
			ret = ndctl_pfn_enable(pfn);
	} else if (!ret) {
		struct ndctl_dax *dax = ndctl_region_get_dax_seed(region);

		ret = dax ? 0 : -ENODEV;
		if (!ret)
			ret = ndctl_dax_set_uuid(dax, uu);
		if (!ret)
			ret = ndctl_dax_set_location(dax, c->loc);
		if (!ret && c->align)
			ret = ndctl_dax_set_align(dax, c->align);
		if (!ret)
			ret = ndctl_dax_set_namespace(dax, t->ndns);
		if (!ret)
			ret = ndctl_dax_enable(dax);
	}
	if (ret < 0) {
		crypt_error("%s: cannot make its %s device again: %s; "
			    "'ndctl create-namespace -f -e %s -m %s' does it",
			    t->dev,
			    c->mode == NDCTL_NS_MODE_FSDAX ? "fsdax" : "devdax",
			    strerror(-ret), t->dev,
			    c->mode == NDCTL_NS_MODE_FSDAX ? "fsdax"
							   : "devdax");
		return CRYPT_EXIT_FAIL;
	}
	return CRYPT_EXIT_OK;
}

/* The new key, created or imported, sealed and stored; an exit code. */
static int new_key(const struct crypt_target *t, const struct erase_opts *o,
		   struct crypt_seal *s)
{
	unsigned char key[CRYPT_KEY_XTS256];
	key_serial_t serial;
	int ret;

	ret = crypt_seal_prepare(s, t);
	if (ret)
		return ret;
	if (!o->key_file) {
		serial = crypt_key_create(s->desc, s->master, s->key_len,
					  s->ring);
	} else {
		mlock(key, sizeof(key));
		ret = crypt_keyfile_read(o->key_file, key, sizeof(key),
					 &s->key_len);
		serial = ret ? ret
			     : crypt_key_import(s->desc, s->master, key,
						s->key_len, s->ring);
		explicit_bzero(key, sizeof(key));
		munlock(key, sizeof(key));
		if (ret)
			return crypt_keyfile_error(o->key_file, ret);
	}
	if (serial < 0) {
		crypt_error("%s: the kernel refused to add the new key %s "
			    "under %s: %s",
			    t->dev, s->desc, s->master, strerror(-serial));
		return CRYPT_EXIT_KERNEL;
	}
	return crypt_seal_store(s, t, serial);
}

/* Prints the result as JSON. */
static void print_result(const struct crypt_target *t,
			 const struct crypt_seal *s, bool enabled)
{
	struct json_object *obj = json_object_new_object();
	char path[4096];

	if (!obj)
		return;
	crypt_store_path(t->uuid, path, sizeof(path));
	json_object_object_add(obj, "dev", json_object_new_string(t->dev));
	json_object_object_add(obj, "uuid", json_object_new_string(t->uuid));
	json_object_object_add(obj, "key", json_object_new_string(s->desc));
	json_object_object_add(
		obj, "algorithm",
		json_object_new_string(crypt_key_len_algorithm(s->key_len)));
	json_object_object_add(obj, "blob", json_object_new_string(path));
	json_object_object_add(obj, "erased", json_object_new_boolean(true));
	json_object_object_add(obj, "enabled",
			       json_object_new_boolean(enabled));
	printf("%s\n",
	       json_object_to_json_string_ext(
		       obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/* erase: a fresh key for a namespace, every copy of the old one gone. */
int cmd_erase(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct crypt_seal s = {.ring = KEY_SPEC_USER_KEYRING, .quiet = true};
	struct erase_opts o;
	struct crypt_target t;
	struct claim c;
	bool was_up;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = crypt_target_find(ctx, o.ns, false, &t);
	if (!ret)
		ret = claim_read(&t, o.map, &c);
	if (ret)
		return ret;
	if (o.algorithm)
		s.key_len = (unsigned int)crypt_algorithm_key_len(o.algorithm);
	/* the old blob says which master and size, unless given */
	if (!o.master[0] || !s.key_len) {
		size_t len;
		char *blob;

		if (!crypt_store_read(t.uuid, &blob, &len)) {
			if (!o.master[0])
				crypt_blob_master(blob, len, o.master,
						  sizeof(o.master));
			if (!s.key_len)
				crypt_blob_key_len(blob, len, &s.key_len);
			free(blob);
		}
	}
	if (!o.master[0])
		snprintf(o.master, sizeof(o.master), "%s",
			 CRYPT_MASTER_DEFAULT);
	if (!s.key_len)
		s.key_len = CRYPT_KEY_XTS256;
	s.master = o.master;
	s.force = true;
	ret = crypt_master_check(s.master, s.ring);
	if (ret < 0) {
		crypt_error("%s: master key %s for the new key is not in the "
			    "user keyring (%s): load it first; nothing changed",
			    t.dev, s.master, strerror(-ret));
		return CRYPT_EXIT_NO_KEY;
	}
	if (!o.yes && !confirmed(&t)) {
		crypt_error("%s: not confirmed; nothing changed", t.dev);
		return CRYPT_EXIT_USAGE;
	}
	ret = crypt_ns_disable(&t, "to erase it");
	if (ret)
		return ret;
	ret = crypt_binding_write(t.dev, 0);
	if (ret) {
		crypt_error("%s: unbind: %s", t.dev, crypt_bind_strerror(ret));
		return CRYPT_EXIT_KERNEL;
	}
	ret = destroy_old(&t, s.ring);
	if (!ret)
		fprintf(stderr,
			"ndctl-crypt: %s: old key destroyed (blob and kernel "
			"keys)\n",
			t.dev);
	if (!ret)
		ret = zero_head(&t);
	if (!ret)
		ret = claim_make(&t, &c);
	if (!ret)
		ret = new_key(&t, &o, &s);
	if (!ret)
		ret = crypt_ns_up(&t, s.ring, &was_up);
	if (ret) {
		crypt_error("%s: erase stopped (above); the old key is gone "
			    "once destroyed: run 'ndctl-crypt erase %s' again",
			    t.dev, t.dev);
		return ret;
	}
	fprintf(stderr,
		"ndctl-crypt: %s: erased: new key check written; ready for a "
		"new file system\n",
		t.dev);
	print_result(&t, &s, true);
	return CRYPT_EXIT_OK;
}

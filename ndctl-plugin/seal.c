// SPDX-License-Identifier: BSD-3-Clause
/*
 * seal.c -- what create-key and import-key share: checks before a key is
 * added, and sealing it into the store once the kernel holds it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "cmd.h"
#include "seal.h"

/* Explains a missing or unusable master key. */
static int master_error(const char *master, int err)
{
	if (err == -EINVAL || err == -ENAMETOOLONG) {
		crypt_error("'%s' is not a master key handle: give user:DESC "
			    "or trusted:DESC",
			    master);
		return CRYPT_EXIT_USAGE;
	}
	crypt_error("master key %s is not in the user keyring (%s): add it "
		    "first, e.g. head -c 32 /dev/urandom | keyctl padd user "
		    "%s @u, or load its sealed form as at boot",
		    master, strerror(-err),
		    strchr(master, ':') ? strchr(master, ':') + 1 : master);
	return CRYPT_EXIT_NO_KEY;
}

/*
 * Checks that a key can be added for @t: the master key is present, no
 * blob or key exists (or @force: the loaded key is unlinked), the
 * namespace is not bound and no key rotation is unfinished.  Fills
 * s->desc.
 */
int crypt_seal_prepare(struct crypt_seal *s, const struct crypt_target *t)
{
	char path[4096];
	key_serial_t old;
	int ret;

	ret = crypt_master_check(s->master, s->ring);
	if (ret < 0)
		return master_error(s->master, ret);
	ret = crypt_target_check_unbound(t);
	if (ret)
		return ret;
	crypt_store_next_path(t->uuid, path, sizeof(path));
	ret = crypt_store_next_exists(t->uuid);
	if (ret) {
		if (ret < 0)
			crypt_error("cannot look for %s: %s", path,
				    strerror(-ret));
		else
			crypt_error("%s: a key rotation is unfinished (%s): "
				    "run 'ndctl-crypt rotate-key %s' to finish "
				    "it first",
				    t->dev, path, t->dev);
		return ret < 0 ? CRYPT_EXIT_FAIL : CRYPT_EXIT_ROTATING;
	}
	crypt_enc_desc(t->uuid, s->desc, sizeof(s->desc));
	crypt_store_path(t->uuid, path, sizeof(path));
	ret = crypt_store_exists(t->uuid);
	if (ret < 0) {
		crypt_error("cannot look for %s: %s", path, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	if (ret && !s->force) {
		crypt_error("%s already has a sealed key in %s: use --force to "
			    "replace it (data written under the old key "
			    "becomes unreadable)",
			    t->dev, path);
		return CRYPT_EXIT_EXISTS;
	}
	old = crypt_key_find(s->desc, s->ring);
	if (old > 0 && !s->force) {
		crypt_error("key %s is already in the user keyring: use "
			    "--force to replace it, or 'keyctl unlink %d @u'",
			    s->desc, old);
		return CRYPT_EXIT_EXISTS;
	}
	if (old > 0 && keyctl_unlink(old, s->ring) < 0) {
		crypt_error("cannot unlink the old key %s: %s", s->desc,
			    strerror(errno));
		return CRYPT_EXIT_KERNEL;
	}
	return CRYPT_EXIT_OK;
}

/* Prints what was stored, as JSON. */
static void print_result(const struct crypt_target *t,
			 const struct crypt_seal *s, key_serial_t key,
			 const char *path)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return;
	json_object_object_add(obj, "dev", json_object_new_string(t->dev));
	json_object_object_add(obj, "uuid", json_object_new_string(t->uuid));
	json_object_object_add(obj, "key", json_object_new_string(s->desc));
	json_object_object_add(obj, "serial", json_object_new_int(key));
	json_object_object_add(
		obj, "algorithm",
		json_object_new_string(crypt_key_len_algorithm(s->key_len)));
	json_object_object_add(obj, "blob", json_object_new_string(path));
	printf("%s\n",
	       json_object_to_json_string_ext(
		       obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/*
 * Stores the sealed blob of @key, now in the kernel, for @t.  On failure
 * the key is unlinked, so that the keyring and the store agree.
 */
int crypt_seal_store(const struct crypt_seal *s, const struct crypt_target *t,
		     key_serial_t key)
{
	char path[4096];
	size_t len;
	char *blob;
	int ret;

	crypt_store_path(t->uuid, path, sizeof(path));
	ret = crypt_key_blob(key, &blob, &len);
	if (ret) {
		crypt_error("cannot read the sealed form of %s: %s", s->desc,
			    strerror(-ret));
		keyctl_unlink(key, s->ring);
		return CRYPT_EXIT_KERNEL;
	}
	ret = crypt_store_write(t->uuid, blob, len, s->force);
	free(blob);
	if (ret) {
		crypt_error("cannot store the sealed key of %s in %s: %s",
			    t->dev, path, crypt_store_strerror(ret));
		keyctl_unlink(key, s->ring);
		return ret == -EEXIST ? CRYPT_EXIT_EXISTS : CRYPT_EXIT_FAIL;
	}
	if (!s->quiet)
		print_result(t, s, key, path);
	return CRYPT_EXIT_OK;
}

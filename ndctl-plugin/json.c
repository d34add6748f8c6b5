// SPDX-License-Identifier: BSD-3-Clause
/* json.c -- the JSON 'list' prints for a namespace, in 'ndctl list' style */
#include <json-c/json.h>

#include "crypt.h"

/* Adds @val under @name, dropping @val if it could not be made. */
static void add(struct json_object *obj, const char *name,
		struct json_object *val)
{
	if (val)
		json_object_object_add(obj, name, val);
}

/* The binding read from the mktme_key attribute. */
static struct json_object *binding_json(const struct crypt_binding *b)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	add(obj, "serial", json_object_new_int64(b->serial));
	add(obj, "description", json_object_new_string(b->desc));
	add(obj, "keyid", json_object_new_int((int)b->keyid));
	return obj;
}

/* The progress of a rekey read from the mktme_rekey attribute. */
static struct json_object *rekey_json(const struct crypt_rekey *k)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	add(obj, "done", json_object_new_int64((int64_t)k->done));
	add(obj, "total", json_object_new_int64((int64_t)k->total));
	add(obj, "percent",
	    json_object_new_int(
		    (int)crypt_progress_percent(k->done, k->total)));
	return obj;
}

/*
 * Builds the object for one namespace: dev, uuid, mode, size, enabled and
 * state (as 'ndctl list' says it), sealed_key (and algorithm) from the
 * store, and mktme_key when bound
 * ("unsupported" when the kernel has no mktme_key attribute); "rotating"
 * while a key rotation is unfinished, and "rotation" (bytes done, total,
 * percent) while the kernel records one.
 */
struct json_object *crypt_ns_json(const struct crypt_ns_info *info)
{
	struct json_object *obj = json_object_new_object();
	const char *alg = crypt_key_len_algorithm(info->key_len);

	if (!obj)
		return NULL;
	add(obj, "dev", json_object_new_string(info->dev));
	if (info->uuid[0])
		add(obj, "uuid", json_object_new_string(info->uuid));
	if (info->mode)
		add(obj, "mode", json_object_new_string(info->mode));
	add(obj, "size", json_object_new_int64((int64_t)info->size));
	add(obj, "enabled", json_object_new_boolean(info->enabled));
	add(obj, "state",
	    json_object_new_string(info->enabled ? "enabled" : "disabled"));
	add(obj, "sealed_key", json_object_new_boolean(info->sealed));
	if (info->sealed && alg)
		add(obj, "algorithm", json_object_new_string(alg));
	if (!info->binding.supported)
		add(obj, "mktme_key", json_object_new_string("unsupported"));
	else if (info->binding.bound)
		add(obj, "mktme_key", binding_json(&info->binding));
	if (info->rotating)
		add(obj, "rotating", json_object_new_boolean(true));
	if (info->rekey.recorded)
		add(obj, "rotation", rekey_json(&info->rekey));
	return obj;
}

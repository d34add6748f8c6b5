// SPDX-License-Identifier: BSD-3-Clause
/* test_json.c -- the JSON object 'list' prints for a namespace */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "crypt.h"

#define UUID "5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"

/* A namespace with a UUID, enabled, bound, with a sealed key. */
static void fill(struct crypt_ns_info *info)
{
	memset(info, 0, sizeof(*info));
	strcpy(info->dev, "namespace0.0");
	strcpy(info->uuid, UUID);
	info->mode = "fsdax";
	info->size = 1ULL << 34;
	info->enabled = true;
	info->binding.supported = true;
	info->binding.bound = true;
	info->binding.serial = 428379263;
	info->binding.keyid = 3;
	strcpy(info->binding.desc, "pmemcrypt-mktme:" UUID);
	info->sealed = true;
	info->key_len = 64;
}

/* The member @name of @obj, asserted present. */
static struct json_object *get(struct json_object *obj, const char *name)
{
	struct json_object *val = NULL;

	assert_true(json_object_object_get_ex(obj, name, &val));
	return val;
}

/* Says whether @obj has a member @name. */
static bool has(struct json_object *obj, const char *name)
{
	return json_object_object_get_ex(obj, name, NULL);
}

/* Every field of a bound namespace with a sealed key. */
static void test_bound(void **state)
{
	struct crypt_ns_info info;
	struct json_object *obj, *key;

	fill(&info);
	obj = crypt_ns_json(&info);
	assert_non_null(obj);
	assert_string_equal(json_object_get_string(get(obj, "dev")),
			    "namespace0.0");
	assert_string_equal(json_object_get_string(get(obj, "uuid")), UUID);
	assert_string_equal(json_object_get_string(get(obj, "mode")), "fsdax");
	assert_int_equal(json_object_get_int64(get(obj, "size")), 1LL << 34);
	assert_true(json_object_get_boolean(get(obj, "enabled")));
	assert_string_equal(json_object_get_string(get(obj, "state")),
			    "enabled");
	assert_true(json_object_get_boolean(get(obj, "sealed_key")));
	assert_string_equal(json_object_get_string(get(obj, "algorithm")),
			    "aes-xts-256");
	key = get(obj, "mktme_key");
	assert_true(json_object_is_type(key, json_type_object));
	assert_int_equal(json_object_get_int64(get(key, "serial")), 428379263);
	assert_int_equal(json_object_get_int(get(key, "keyid")), 3);
	assert_string_equal(json_object_get_string(get(key, "description")),
			    "pmemcrypt-mktme:" UUID);
	json_object_put(obj);
}

/* Unbound, no key, no UUID: those fields are left out. */
static void test_plain(void **state)
{
	struct crypt_ns_info info;
	struct json_object *obj;

	fill(&info);
	info.uuid[0] = '\0';
	info.enabled = false;
	info.binding.bound = false;
	info.sealed = false;
	obj = crypt_ns_json(&info);
	assert_non_null(obj);
	assert_false(has(obj, "uuid"));
	assert_false(has(obj, "algorithm"));
	assert_false(has(obj, "mktme_key"));
	assert_false(json_object_get_boolean(get(obj, "enabled")));
	assert_string_equal(json_object_get_string(get(obj, "state")),
			    "disabled");
	assert_false(json_object_get_boolean(get(obj, "sealed_key")));
	json_object_put(obj);
}

/* No "rotating" without a rotation; with one, its progress when recorded. */
static void test_rotating(void **state)
{
	struct crypt_ns_info info;
	struct json_object *obj, *rot;

	fill(&info);
	obj = crypt_ns_json(&info);
	assert_false(has(obj, "rotating"));
	assert_false(has(obj, "rotation"));
	json_object_put(obj);

	/* a new key stored, the kernel not started */
	info.rotating = true;
	obj = crypt_ns_json(&info);
	assert_true(json_object_get_boolean(get(obj, "rotating")));
	assert_false(has(obj, "rotation"));
	json_object_put(obj);

	info.rekey.supported = true;
	info.rekey.recorded = true;
	info.rekey.done = 12ULL << 20;
	info.rekey.total = 32ULL << 20;
	obj = crypt_ns_json(&info);
	assert_true(json_object_get_boolean(get(obj, "rotating")));
	rot = get(obj, "rotation");
	assert_int_equal(json_object_get_int64(get(rot, "done")), 12LL << 20);
	assert_int_equal(json_object_get_int64(get(rot, "total")), 32LL << 20);
	assert_int_equal(json_object_get_int(get(rot, "percent")), 37);
	json_object_put(obj);
}

/* A kernel without the mktme_key attribute says "unsupported". */
static void test_unsupported(void **state)
{
	struct crypt_ns_info info;
	struct json_object *obj;

	fill(&info);
	memset(&info.binding, 0, sizeof(info.binding));
	info.key_len = 32;
	obj = crypt_ns_json(&info);
	assert_string_equal(json_object_get_string(get(obj, "mktme_key")),
			    "unsupported");
	assert_string_equal(json_object_get_string(get(obj, "algorithm")),
			    "aes-xts-128");
	json_object_put(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_rotating),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

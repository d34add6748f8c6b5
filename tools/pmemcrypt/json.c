// SPDX-License-Identifier: BSD-3-Clause
/* json.c -- building and printing the JSON the commands write */

#include <errno.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cmd.h"

/* Adds "key": val (an unsigned number) to obj. */
void json_add_u64(struct json_object *obj, const char *key, uint64_t val)
{
	json_object_object_add(obj, key, json_object_new_uint64(val));
}

/* Adds "key": "val" to obj. */
void json_add_str(struct json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, json_object_new_string(val));
}

/* Prints obj pretty (as ndctl list does) on stdout and frees it. */
int json_print(struct json_object *obj)
{
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *text = NULL;
	int ret = 0;

	if (obj)
		text = json_object_to_json_string_ext(obj, flags);
	if (!text || printf("%s\n", text) < 0 || fflush(stdout))
		ret = text ? -EIO : -ENOMEM;
	json_object_put(obj);
	return ret;
}

/* A key type as a JSON word: "raw", "passphrase" or "keyring". */
const char *json_key_type(enum pmemcrypt_key_type type)
{
	switch (type) {
	case PMEMCRYPT_KEY_RAW:
		return "raw";
	case PMEMCRYPT_KEY_PASSPHRASE:
		return "passphrase";
	case PMEMCRYPT_KEY_KEYRING:
		return "keyring";
	case PMEMCRYPT_KEY_CLEVIS:
		return "clevis";
	}
	return "unknown";
}

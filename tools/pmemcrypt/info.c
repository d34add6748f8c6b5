// SPDX-License-Identifier: BSD-3-Clause
/* info.c -- pmemcrypt info: a pool's public header as JSON */

#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cmd.h"
#include "key.h"

/* clang-format off */
static const char info_usage[] =
	"usage: pmemcrypt info <pool> [key option]\n"
	"\n"
	"Print the public header of a pool as JSON: format version, UUID,\n"
	"engine and what it protects, cipher, sizes, lanes, the state of\n"
	"both header copies and the key slots in use.  No key is needed and\n"
	"none is shown.  With a key, an object pool's heap is shown too:\n"
	"layout name, heap usage and objects by type.\n"
	"\n"
	"  -h, --help            show this help\n"
	"\n"
	"Key (at most one):\n"
	KEY_HELP_LINES;
/* clang-format on */

/*
 * What a pool of an engine protects, in one line: the "protection" field of
 * pmemcrypt-info(1) and the line create prints; scripts may compare it.
 */
const char *engine_protection(enum pmemcrypt_engine engine)
{
	switch (engine) {
	case PMEMCRYPT_ENGINE_SOFTWARE:
		return "the media and every copy of the file hold ciphertext; "
		       "plaintext is only in the memory of the process that "
		       "has the pool open";
	case PMEMCRYPT_ENGINE_HARDWARE:
		return "the memory controller encrypts the media at rest; on "
		       "this host the file reads as plaintext to anyone who "
		       "can read it, without a key, and so do its copies and "
		       "backups";
	default:
		return "unknown";
	}
}

/* One used key slot: its index, type and how it is opened. */
static struct json_object *slot_json(int index,
				     const struct pmemcrypt_slot_info *s)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_add_u64(obj, "slot", index);
	json_add_str(obj, "type", json_key_type(s->type));
	if (s->type == PMEMCRYPT_KEY_PASSPHRASE) {
		json_add_str(obj, "kdf", "argon2id");
		json_add_u64(obj, "kdf_time", s->kdf_t_cost);
		json_add_u64(obj, "kdf_memory_kib", s->kdf_m_cost_kib);
		json_add_u64(obj, "kdf_threads", s->kdf_parallelism);
	}
	if (s->type == PMEMCRYPT_KEY_KEYRING)
		json_add_str(obj, "description", s->description);
	if (s->type == PMEMCRYPT_KEY_CLEVIS)
		json_add_str(obj, "clevis", s->description);
	return obj;
}

/* Formats a UUID in its canonical 8-4-4-4-12 form (37 bytes with NUL). */
void uuid_str(const uint8_t u[16], char *out)
{
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		out += sprintf(out, "%02x", u[i]);
	}
}

/* The whole header of the pool at path as a JSON object. */
static struct json_object *info_json(const struct pmemcrypt_info *info,
				     const char *path)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *headers = json_object_new_array();
	struct json_object *slots = json_object_new_array();
	char buf[40];

	if (!obj || !headers || !slots) {
		json_object_put(obj);
		json_object_put(headers);
		json_object_put(slots);
		return NULL;
	}
	json_add_str(obj, "path", path);
	snprintf(buf, sizeof(buf), "%u.%u", info->major, info->minor);
	json_add_str(obj, "version", buf);
	uuid_str(info->uuid, buf);
	json_add_str(obj, "uuid", buf);
	json_add_str(obj, "engine", pmemcrypt_engine_name(info->engine));
	json_add_str(obj, "protection", engine_protection(info->engine));
	json_add_str(obj, "cipher", pmemcrypt_cipher_name(info->cipher));
	json_add_u64(obj, "size", info->size);
	json_add_u64(obj, "file_size", info->file_size);
	json_add_u64(obj, "units", info->units);
	json_add_u64(obj, "blocks", info->blocks);
	json_add_u64(obj, "lanes", info->lanes);
	json_add_u64(obj, "units_per_tx", info->units_per_tx);
	json_add_u64(obj, "generation", info->generation);
	for (int i = 0; i < 2; i++) {
		struct json_object *h = json_object_new_object();

		json_add_u64(h, "copy", i + 1);
		json_add_str(h, "status",
			     info->header_ok[i] ? "ok" : "corrupt");
		json_object_array_add(headers, h);
	}
	json_object_object_add(obj, "headers", headers);
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		if (info->slots[i].used)
			json_object_array_add(slots,
					      slot_json(i, &info->slots[i]));
	json_object_object_add(obj, "slots", slots);
	return obj;
}

/*
 * Reads the header of the pool at path and prints it as JSON, also when
 * one header copy is corrupt (then exits 3 after printing).
 */
int info_print(const char *cmd, const char *path)
{
	return info_print_heap(cmd, path, NULL);
}

int info_print_heap(const char *cmd, const char *path,
		    struct pmemcrypt_pool *pool)
{
	struct pmemcrypt_info info;
	struct json_object *obj, *heap;
	uint64_t errors = 0;
	int ret, err;

	ret = pmemcrypt_info_read(&info, path);
	if (ret && ret != PMEMCRYPT_E_HDR_COPY)
		return fail(cmd, path, ret);
	obj = info_json(&info, path);
	heap = pool && obj ? objheap_json(pool, &errors) : NULL;
	if (heap)
		json_object_object_add(obj, "object_heap", heap);
	err = json_print(obj);
	if (err)
		return fail_errno(cmd, path, err, "cannot print");
	/* one corrupt copy: the header is shown, and the damage reported */
	if (ret)
		return fail(cmd, path, ret);
	return errors ? EXIT_CORRUPT : EXIT_OK;
}

/* pmemcrypt info <pool> [key option] */
int cmd_info(int argc, char **argv)
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		KEY_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct key_source key = KEY_SOURCE_INIT;
	struct pmemcrypt_pool *pool = NULL;
	const char *path;
	int opt, ret;

	options_begin("info", argv);
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (key_source_parse(&key, KEY_OPT_BASE, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			fputs(info_usage, stdout);
			return EXIT_OK;
		default:
			return bad_option("info");
		}
	}
	ret = pool_arg("info", argc, argv, optind, &path);
	if (ret)
		return ret;
	if (!key.given)
		return info_print("info", path);
	ret = key_source_check(&key, "info");
	if (!ret)
		ret = key_open_pool(&key, "info", path, 0, &pool, NULL);
	if (ret)
		return ret;
	ret = info_print_heap("info", path, pool);
	return key_close_pool("info", path, &pool, ret);
}

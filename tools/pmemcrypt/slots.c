// SPDX-License-Identifier: BSD-3-Clause
/* slots.c -- pmemcrypt add-key, remove-key and change-key */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "key.h"

static const char add_key_usage[] =
	"usage: pmemcrypt add-key <pool> [key option] <new key option>\n"
	"       pmemcrypt add-key <pool> [key option] --clevis PIN CONFIG\n"
	"\n"
	"Add a key slot that the new key opens.  The key option names a key\n"
	"that already opens the pool.  Data is not re-encrypted.\n"
	"\n"
	"  -h, --help            show this help\n" FORCE_PASSWORD_HELP
	"\n" OPEN_KEY_HELP "\n" NEW_KEY_HELP
	"      --clevis PIN      a random key that clevis binds: PIN is tang,\n"
	"                        tpm2 or sss and CONFIG its JSON, as for\n"
	"                        'clevis encrypt'; the pool opens without a\n"
	"                        key option while the server or TPM answers\n"
	"  -y, --trust           with --clevis tang: trust the server's\n"
	"                        advertisement without asking\n";

static const char remove_key_usage[] =
	"usage: pmemcrypt remove-key <pool> <key option> --slot N\n"
	"\n"
	"Remove key slot N (see 'pmemcrypt info').  The last slot cannot be\n"
	"removed.  The key option names a key that opens the pool.\n"
	"\n"
	"  -s, --slot N          the slot to remove\n"
	"  -h, --help            show this help\n"
	"\n" OPEN_KEY_HELP;

static const char change_key_usage[] =
	"usage: pmemcrypt change-key <pool> <key option> <new key option>\n"
	"\n"
	"Replace the slot the key opens by one the new key opens.  Data is\n"
	"not re-encrypted.\n"
	"\n"
	"  -h, --help            show this help\n" FORCE_PASSWORD_HELP
	"\n" OPEN_KEY_HELP "\n" NEW_KEY_HELP;

/* The command line of the slot commands. */
struct slot_args {
	const char *cmd, *usage, *path;
	struct key_source key, new_key;
	const char *clevis_config; /* add-key --clevis PIN CONFIG */
	uint32_t slot;
	bool slot_given, trust;
};

#define CLEVIS_OPT (NEW_KEY_OPT_BASE + KEY_OPT_CLEVIS)

/* The pool, and the configuration that follows it after --clevis. */
static int slot_positionals(struct slot_args *a, int argc, char **argv)
{
	if (a->new_key.given != 1 || a->new_key.kind != KEY_OPT_CLEVIS)
		return pool_arg(a->cmd, argc, argv, optind, &a->path);
	if (argc - optind != 2)
		return usage_error(a->cmd,
				   "--clevis %s needs the pool and the pin's "
				   "configuration (JSON), in that order",
				   a->new_key.arg);
	a->path = argv[optind];
	a->clevis_config = argv[optind + 1];
	return EXIT_OK;
}

/* Records --slot N. */
static int parse_slot(struct slot_args *a, const char *arg)
{
	if (parse_u32(arg, &a->slot) || a->slot >= PMEMCRYPT_MAX_SLOTS)
		return usage_error(a->cmd, "bad slot '%s' (0 to %d)", arg,
				   PMEMCRYPT_MAX_SLOTS - 1);
	a->slot_given = true;
	return EXIT_OK;
}

/* Parses a slot command's options; returns an exit code, -1 after --help. */
static int parse_slot_args(struct slot_args *a, int argc, char **argv,
			   bool want_new_key, bool want_slot)
{
	static const struct option options[] = {
		{"slot", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"clevis", required_argument, NULL, CLEVIS_OPT},
		{"trust", no_argument, NULL, 'y'},
		KEY_OPTIONS,
		NEW_KEY_OPTIONS,
		FORCE_PASSWORD_OPTION,
		{NULL, 0, NULL, 0},
	};
	bool want_clevis = !strcmp(a->cmd, "add-key");
	int opt, ret, idx = 0;

	options_begin(a->cmd, argv);
	while ((opt = getopt_long(argc, argv, want_clevis ? "s:hy" : "s:h",
				  options, &idx)) != -1) {
		if (key_source_parse(&a->key, KEY_OPT_BASE, opt, optarg))
			continue;
		if (want_clevis && opt == 'y') {
			a->trust = true;
			continue;
		}
		if (opt == CLEVIS_OPT && !want_clevis)
			return usage_error(a->cmd,
					   "option --clevis does not apply");
		if (want_new_key &&
		    key_source_parse(&a->new_key, NEW_KEY_OPT_BASE, opt,
				     optarg))
			continue;
		if (opt == 'h') {
			fputs(a->usage, stdout);
			return -1;
		}
		if (opt == FORCE_PASSWORD_OPT && want_new_key) {
			a->new_key.force_password = true;
			continue;
		}
		if (opt == 's' && want_slot) {
			ret = parse_slot(a, optarg);
			if (ret)
				return ret;
			continue;
		}
		if (opt == '?')
			return bad_option(a->cmd);
		return usage_error(a->cmd, "option --%s does not apply",
				   opt == 's' ? "slot" : options[idx].name);
	}
	ret = slot_positionals(a, argc, argv);
	if (!ret)
		ret = key_source_check_open(&a->key, a->cmd);
	if (!ret && want_new_key)
		ret = key_source_check(&a->new_key, a->cmd);
	if (!ret && want_slot && !a->slot_given)
		ret = usage_error(a->cmd, "no --slot given");
	if (!ret && a->trust && a->new_key.kind != KEY_OPT_CLEVIS)
		ret = usage_error(a->cmd, "--trust goes with --clevis");
	return ret;
}

/* Prints {"path", "slot", "type"} for the slot a key now opens. */
static int print_slot(const struct slot_args *a, int slot,
		      enum pmemcrypt_key_type type)
{
	struct json_object *obj = json_object_new_object();
	int ret;

	if (obj) {
		json_add_str(obj, "path", a->path);
		json_add_u64(obj, "slot", slot);
		json_add_str(obj, "type", json_key_type(type));
	}
	ret = json_print(obj);
	return ret ? fail_errno(a->cmd, a->path, ret, "cannot print") : EXIT_OK;
}

/* Opens the pool with the key, then builds the new key if one is wanted. */
static int open_for_slots(struct slot_args *a, struct pmemcrypt_pool **pool,
			  struct pmemcrypt_key **key,
			  struct pmemcrypt_key **new_key)
{
	int ret = key_open_pool(&a->key, a->cmd, a->path, 0, pool, key);

	if (ret || !new_key)
		return ret;
	ret = key_source_load(&a->new_key, a->cmd, a->path, true, new_key);
	if (ret) {
		pmemcrypt_pool_close(pool);
		if (key)
			pmemcrypt_key_delete(key);
	}
	return ret;
}

/* add-key --clevis PIN CONFIG: a slot bound through clevis. */
static int add_clevis(struct slot_args *a)
{
	struct pmemcrypt_pool *pool = NULL;
	int ret, slot = -1;

	ret = open_for_slots(a, &pool, NULL, NULL);
	if (ret)
		return ret;
	ret = pmemcrypt_pool_add_clevis(pool, a->new_key.arg, a->clevis_config,
					a->trust ? PMEMCRYPT_CLEVIS_TRUST : 0,
					&slot);
	if (ret)
		ret = fail(a->cmd, a->path, ret);
	ret = key_close_pool(a->cmd, a->path, &pool, ret);
	if (!ret)
		ret = print_slot(a, slot, PMEMCRYPT_KEY_CLEVIS);
	return ret;
}

/* pmemcrypt add-key <pool> <key option> <new key option> */
int cmd_add_key(int argc, char **argv)
{
	struct slot_args a = {.cmd = "add-key",
			      .usage = add_key_usage,
			      .key = KEY_SOURCE_INIT,
			      .new_key = NEW_KEY_SOURCE_INIT};
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *new_key = NULL;
	int ret, slot = -1;

	ret = parse_slot_args(&a, argc, argv, true, false);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (a.clevis_config)
		return add_clevis(&a);
	ret = open_for_slots(&a, &pool, NULL, &new_key);
	if (ret)
		return ret;
	ret = pmemcrypt_pool_add_key(pool, new_key, &slot);
	if (ret)
		ret = fail(a.cmd, a.path, ret);
	ret = key_close_pool(a.cmd, a.path, &pool, ret);
	if (!ret)
		ret = print_slot(&a, slot, pmemcrypt_key_get_type(new_key));
	pmemcrypt_key_delete(&new_key);
	return ret;
}

/* pmemcrypt remove-key <pool> <key option> --slot N */
int cmd_remove_key(int argc, char **argv)
{
	struct slot_args a = {.cmd = "remove-key",
			      .usage = remove_key_usage,
			      .key = KEY_SOURCE_INIT};
	struct pmemcrypt_pool *pool = NULL;
	int ret;

	ret = parse_slot_args(&a, argc, argv, false, true);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = open_for_slots(&a, &pool, NULL, NULL);
	if (ret)
		return ret;
	ret = pmemcrypt_pool_remove_key(pool, a.slot);
	if (ret)
		ret = fail(a.cmd, a.path, ret);
	return key_close_pool(a.cmd, a.path, &pool, ret);
}

/* pmemcrypt change-key <pool> <key option> <new key option> */
int cmd_change_key(int argc, char **argv)
{
	struct slot_args a = {.cmd = "change-key",
			      .usage = change_key_usage,
			      .key = KEY_SOURCE_INIT,
			      .new_key = NEW_KEY_SOURCE_INIT};
	struct pmemcrypt_key *key = NULL, *new_key = NULL;
	struct pmemcrypt_pool *pool = NULL;
	int ret, slot = -1;

	ret = parse_slot_args(&a, argc, argv, true, false);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = open_for_slots(&a, &pool, &key, &new_key);
	if (ret)
		return ret;
	ret = pmemcrypt_pool_change_key(pool, key, new_key);
	if (!ret)
		slot = pmemcrypt_pool_find_slot(pool, new_key);
	if (slot < 0 && !ret)
		ret = slot;
	if (ret)
		ret = fail(a.cmd, a.path, ret);
	ret = key_close_pool(a.cmd, a.path, &pool, ret);
	if (!ret)
		ret = print_slot(&a, slot, pmemcrypt_key_get_type(new_key));
	pmemcrypt_key_delete(&key);
	pmemcrypt_key_delete(&new_key);
	return ret;
}

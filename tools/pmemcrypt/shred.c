// SPDX-License-Identifier: BSD-3-Clause
/* shred.c -- pmemcrypt shred: erase a pool by destroying its keys */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cmd.h"

/* clang-format off */
static const char shred_usage[] =
	"usage: pmemcrypt shred [--yes] <pool>\n"
	"\n"
	"Erase a pool by destroying its keys: both header copies, with every\n"
	"key slot, are overwritten, so that no key, old or new, opens this\n"
	"file again.  Copies of the file made before keep their keys.  On a\n"
	"hardware engine pool the data stays readable through the namespace:\n"
	"see pmemcrypt-shred(1).  Asks for confirmation on standard input.\n"
	"\n"
	"  -y, --yes             do not ask\n"
	"  -h, --help            show this help\n";
/* clang-format on */

/*
 * Asks on stderr, reads the answer from stdin: true for "yes".  used is
 * the number of key slots, -1 when neither header copy could be read.
 */
static bool confirmed(const char *path, const struct pmemcrypt_info *info,
		      int used)
{
	char line[16];

	if (used < 0)
		fprintf(stderr, "Both header copies of %s are corrupt; ", path);
	else
		fprintf(stderr, "This destroys the %d key slot%s of %s: ", used,
			used == 1 ? "" : "s", path);
	fputs("no key will open it again and its data cannot be read back "
	      "through it.\n",
	      stderr);
	fputs("Type 'yes' to shred it: ", stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return !strcmp(line, "yes");
}

/* Prints what was destroyed as JSON. */
static int print_shredded(const char *path, const struct pmemcrypt_info *info,
			  int used)
{
	struct json_object *obj = json_object_new_object();
	char buf[40];

	if (!obj)
		return fail_errno("shred", path, -ENOMEM, "JSON");
	json_add_str(obj, "path", path);
	if (used >= 0) {
		uuid_str(info->uuid, buf);
		json_add_str(obj, "uuid", buf);
		json_add_str(obj, "engine",
			     pmemcrypt_engine_name(info->engine));
		json_add_u64(obj, "slots_destroyed", used);
	}
	json_add_str(obj, "status", "shredded");
	return json_print(obj);
}

int cmd_shred(int argc, char **argv)
{
	static const struct option options[] = {
		{"yes", no_argument, NULL, 'y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pmemcrypt_info info;
	const char *path;
	bool yes = false;
	struct stat st;
	int opt, ret, used = 0;

	options_begin("shred", argv);
	while ((opt = getopt_long(argc, argv, "yh", options, NULL)) != -1) {
		if (opt == 'y') {
			yes = true;
		} else if (opt == 'h') {
			fputs(shred_usage, stdout);
			return EXIT_OK;
		} else {
			return bad_option("shred");
		}
	}
	ret = pool_arg("shred", argc, argv, optind, &path);
	if (ret)
		return ret;
	/* A link is refused by the library before anything is asked. */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode))
		return fail("shred", path, pmemcrypt_pool_shred(path, 0));
	memset(&info, 0, sizeof(info));
	ret = pmemcrypt_info_read(&info, path);
	/* What is left of a pool with damaged headers is shredded too. */
	if (ret && ret != PMEMCRYPT_E_HDR_COPY &&
	    ret != PMEMCRYPT_E_TRUNCATED && ret != PMEMCRYPT_E_HDR_CORRUPT)
		return fail("shred", path, ret);
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		used += info.slots[i].used != 0;
	if (ret == PMEMCRYPT_E_HDR_CORRUPT)
		used = -1;
	if (used >= 0 && info.engine == PMEMCRYPT_ENGINE_HARDWARE)
		fprintf(stderr,
			"pmemcrypt: shred: %s: a hardware engine pool: its "
			"data "
			"is encrypted by the namespace's key, not by the "
			"pool's, and stays readable to whoever can map the "
			"namespace with that key bound; erase the namespace's "
			"key (ndctl-crypt erase) to destroy it\n",
			path);
	if (!yes && !confirmed(path, &info, used)) {
		fprintf(stderr,
			"pmemcrypt: shred: %s: not confirmed; nothing "
			"written\n",
			path);
		return EXIT_USAGE;
	}
	ret = pmemcrypt_pool_shred(path, 0);
	if (ret)
		return fail("shred", path, ret);
	return print_shredded(path, &info, used);
}

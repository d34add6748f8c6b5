// SPDX-License-Identifier: BSD-3-Clause
/* remove.c -- 'remove-key': delete a namespace's sealed key */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* remove-key: deletes the blob and unlinks the loaded key. */
int cmd_remove_key(int argc, char **argv, struct ndctl_ctx *ctx)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char desc[CRYPT_DESC_MAX], path[4096];
	struct crypt_target t;
	key_serial_t key;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		return c == 'h' ? crypt_help("remove-key")
				: crypt_usage("remove-key");
	}
	if (argc - optind != 1) {
		crypt_error("remove-key takes one namespace");
		return crypt_usage("remove-key");
	}
	ret = crypt_target_find(ctx, argv[optind], true, &t);
	if (!ret)
		ret = crypt_target_check_unbound(&t);
	if (ret)
		return ret;
	crypt_store_path(t.uuid, path, sizeof(path));
	crypt_enc_desc(t.uuid, desc, sizeof(desc));
	ret = crypt_store_remove(t.uuid);
	if (ret == -ENOENT) {
		crypt_error("%s has no sealed key in %s", t.dev,
			    crypt_store_dir());
		return CRYPT_EXIT_NO_KEY;
	}
	if (ret) {
		crypt_error("cannot remove %s: %s", path, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	key = crypt_key_find(desc, KEY_SPEC_USER_KEYRING);
	if (key > 0)
		keyctl_unlink(key, KEY_SPEC_USER_KEYRING);
	printf("removed the sealed key of %s (%s)\n", t.dev, path);
	return CRYPT_EXIT_OK;
}

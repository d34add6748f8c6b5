// SPDX-License-Identifier: BSD-3-Clause
/* keysrc.c -- the key of an object pool, named by the environment */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "keysrc.h"

#define KEY_ENV "PMEMCRYPT_KEY"

int keysrc_get(struct pmemcrypt_key **key)
{
	const char *s = secure_getenv(KEY_ENV);
	int ret;

	if (!s || !*s)
		return pcobj_err(ENOKEY, KEY_ENV
				 " is not set: name the pool's key as "
				 "keyring:DESCRIPTION, file:PATH or clevis");
	if (!strncmp(s, "keyring:", 8)) {
		s += 8;
		if (!strncmp(s, "user:", 5))
			s += 5;
		ret = pmemcrypt_key_from_keyring(key, s);
	} else if (!strncmp(s, "file:", 5)) {
		ret = pmemcrypt_key_from_file(key, s + 5);
	} else if (!strcmp(s, "clevis")) {
		/* Opens the pool's clevis slots; creates nothing. */
		ret = pmemcrypt_key_from_clevis(key);
	} else {
		return pcobj_err(EINVAL, KEY_ENV
				 " names no key source: use "
				 "keyring:DESCRIPTION, file:PATH or clevis");
	}
	if (ret)
		return pcobj_err(ENOKEY, KEY_ENV ": %s", pmemcrypt_errormsg());
	return 0;
}

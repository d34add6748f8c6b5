/* SPDX-License-Identifier: BSD-3-Clause */
/* seal.h -- what create-key and import-key share */
#ifndef NDCTL_CRYPT_SEAL_H
#define NDCTL_CRYPT_SEAL_H

#include "cmd.h"

/* One key being added and sealed */
struct crypt_seal {
	const char *master; /* "user:DESC" or "trusted:DESC" */
	key_serial_t ring;  /* where keys are looked for and added */
	bool force;
	bool quiet; /* crypt_seal_store() prints nothing */
	unsigned int key_len;
	char desc[CRYPT_DESC_MAX]; /* "pmemcrypt:<uuid>" */
};

int crypt_seal_prepare(struct crypt_seal *s, const struct crypt_target *t);
int crypt_keyfile_error(const char *path, int err);
int crypt_seal_store(const struct crypt_seal *s, const struct crypt_target *t,
		     key_serial_t key);

#endif /* NDCTL_CRYPT_SEAL_H */

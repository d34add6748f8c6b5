/* SPDX-License-Identifier: BSD-3-Clause */
/* key.h -- credentials that open key slots */

#ifndef PC_KEY_H
#define PC_KEY_H

#include <sys/types.h>

#include "libpmemcrypt.h"

#define PC_PASS_MAX 1024
#define PC_DESC_MAX 64

struct pmemcrypt_key {
	enum pmemcrypt_key_type type;
	pid_t owner;		/* the process that made it */
	size_t len;		/* bytes of secret */
	char desc[PC_DESC_MAX]; /* keyring description */
	uint8_t *secret;	/* raw key or passphrase: PC_PASS_MAX bytes
				 * of locked memory, not in forked children */
};

/*
 * 0, or PMEMCRYPT_E_INVALID when key was made by another process: a
 * forked child has the object but not its secret.
 */
int pc_key_usable(const struct pmemcrypt_key *key);

#define PC_EXPORT __attribute__((visibility("default")))

#endif

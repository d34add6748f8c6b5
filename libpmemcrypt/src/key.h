/* SPDX-License-Identifier: BSD-3-Clause */
/* key.h -- credentials that open key slots */

#ifndef PC_KEY_H
#define PC_KEY_H

#include "libpmemcrypt.h"

#define PC_PASS_MAX 1024
#define PC_DESC_MAX 64

struct pmemcrypt_key {
	enum pmemcrypt_key_type type;
	size_t len;		   /* bytes of secret */
	char desc[PC_DESC_MAX];	   /* keyring description */
	uint8_t secret[PC_PASS_MAX]; /* raw key or passphrase */
};

#define PC_EXPORT __attribute__((visibility("default")))

#endif

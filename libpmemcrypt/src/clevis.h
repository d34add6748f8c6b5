/* SPDX-License-Identifier: BSD-3-Clause */
/* clevis.h -- running clevis to bind and recover a clevis slot's key */

#ifndef PC_CLEVIS_H
#define PC_CLEVIS_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "libpmemcrypt.h"

#define PC_CLEVIS_KEY_SIZE 32

/* Whether len bytes can be a token: 1 to PC_TOKEN_SIZE printable bytes. */
int pc_clevis_token_ok(const char *token, size_t len);

/*
 * Runs 'clevis encrypt pin config' on key (with -y when flags has
 * PMEMCRYPT_CLEVIS_TRUST); the JWE goes to token (room
 * for PC_TOKEN_SIZE bytes, not terminated), its length to *len.
 */
int pc_clevis_encrypt(const char *pin, const char *config, unsigned flags,
		      const uint8_t key[PC_CLEVIS_KEY_SIZE], char *token,
		      size_t *len);

/* Runs 'clevis decrypt' on a token; the key it yields goes to key. */
int pc_clevis_decrypt(const char *token, size_t len,
		      uint8_t key[PC_CLEVIS_KEY_SIZE]);

#endif

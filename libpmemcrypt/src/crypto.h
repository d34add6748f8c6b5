/* SPDX-License-Identifier: BSD-3-Clause */
/* crypto.h -- the one small interface to the crypto library */

#ifndef PC_CRYPTO_H
#define PC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "libpmemcrypt.h"

#define PC_DEK_SIZE 64	   /* data encryption key: two AES-256 keys */
#define PC_KEK_SIZE 32	   /* key encryption key (AES-256-KW) */
#define PC_WRAPPED_SIZE 72 /* AES-KW of the DEK */
#define PC_TWEAK_SIZE 16

int pc_crypto_init(void);
int pc_random(void *buf, size_t len);
void pc_sha256(uint8_t out[32], const void *data, size_t len);
int pc_hmac_sha256(uint8_t out[32], const void *key, size_t keylen,
		   const void *msg, size_t msglen);
int pc_hkdf_sha256(uint8_t *out, size_t outlen, const void *ikm, size_t ikmlen,
		   const void *salt, size_t saltlen, const char *info);
int pc_argon2id(uint8_t *out, size_t outlen, const void *pass, size_t passlen,
		const void *salt, size_t saltlen, uint32_t t_cost,
		uint32_t m_cost_kib, uint32_t parallelism);
int pc_key_wrap(uint8_t out[PC_WRAPPED_SIZE], const uint8_t kek[PC_KEK_SIZE],
		const uint8_t dek[PC_DEK_SIZE]);
int pc_key_unwrap(uint8_t dek[PC_DEK_SIZE], const uint8_t kek[PC_KEK_SIZE],
		  const uint8_t in[PC_WRAPPED_SIZE]);
/* Constant-time comparison: 1 when equal. */
int pc_memeq(const void *a, const void *b, size_t len);

/* AES-XTS over whole data units; one context per thread at a time. */
struct pc_xts;
int pc_xts_new(struct pc_xts **xts, enum pmemcrypt_cipher cipher,
	       const uint8_t dek[PC_DEK_SIZE]);
void pc_xts_delete(struct pc_xts **xts);
/*
 * Replaces the key of a context with a fixed public one: a forked child's
 * copy keeps no key schedule.  Allocates nothing, takes no lock.
 */
void pc_xts_forget(struct pc_xts *xts);
int pc_xts_encrypt(struct pc_xts *xts, void *dst, const void *src, size_t len,
		   const uint8_t tweak[PC_TWEAK_SIZE]);
int pc_xts_decrypt(struct pc_xts *xts, void *dst, const void *src, size_t len,
		   const uint8_t tweak[PC_TWEAK_SIZE]);

/* Page-granular memory that is locked, kept out of core dumps, wiped. */
void *pc_secure_alloc(size_t len);
void pc_secure_free(void *p, size_t len);

#endif

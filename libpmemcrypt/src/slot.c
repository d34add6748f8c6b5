// SPDX-License-Identifier: BSD-3-Clause
/* slot.c -- key slots: wrapping the data encryption key */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clevis.h"
#include "errormsg.h"
#include "slot.h"

static const char kek_info[] = "pmemcrypt kek v1";

/* Whether a credential of this type may open a slot of that type. */
static int key_fits(const struct pmemcrypt_key *key, uint32_t slot_type)
{
	if (key->type == PMEMCRYPT_KEY_PASSPHRASE)
		return slot_type == PC_SLOT_PASSPHRASE;
	if (key->type == PMEMCRYPT_KEY_CLEVIS)
		return slot_type == PC_SLOT_CLEVIS;
	return slot_type == PC_SLOT_RAW || slot_type == PC_SLOT_KEYRING;
}

/* Derives the key-encryption key of a slot from a secret. */
static int derive_kek(uint8_t kek[PC_KEK_SIZE], const struct pc_slot *s,
		      const uint8_t *secret, size_t len)
{
	if (s->kdf == PC_KDF_ARGON2ID)
		return pc_argon2id(kek, PC_KEK_SIZE, secret, len, s->salt,
				   sizeof(s->salt), s->t_cost, s->m_cost_kib,
				   s->parallelism);
	if (s->kdf == PC_KDF_HKDF_SHA256)
		return pc_hkdf_sha256(kek, PC_KEK_SIZE, secret, len, s->salt,
				      sizeof(s->salt), kek_info);
	return pc_err(PMEMCRYPT_E_CORRUPT, "key slot: unknown KDF %u",
		      s->kdf);
}

int pc_slot_seal(struct pc_slot *slot, const struct pmemcrypt_key *key,
		 const struct pc_kdf_cost *cost,
		 const uint8_t dek[PC_DEK_SIZE])
{
	uint8_t kek[PC_KEK_SIZE];
	struct pc_slot s;
	int ret = pc_key_usable(key);

	if (ret)
		return ret;
	if (key->type == PMEMCRYPT_KEY_CLEVIS)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "a clevis key only opens slots; bind a new slot "
			      "with pmemcrypt_pool_add_clevis()");
	memset(&s, 0, sizeof(s));
	switch (key->type) {
	case PMEMCRYPT_KEY_PASSPHRASE:
		s.type = PC_SLOT_PASSPHRASE;
		s.kdf = PC_KDF_ARGON2ID;
		s.t_cost = cost->t_cost;
		s.m_cost_kib = cost->m_cost_kib;
		s.parallelism = cost->parallelism;
		break;
	case PMEMCRYPT_KEY_KEYRING:
		s.type = PC_SLOT_KEYRING;
		s.kdf = PC_KDF_HKDF_SHA256;
		memcpy(s.description, key->desc, sizeof(s.description));
		break;
	default:
		s.type = PC_SLOT_RAW;
		s.kdf = PC_KDF_HKDF_SHA256;
		break;
	}
	ret = pc_random(s.salt, sizeof(s.salt));
	if (!ret)
		ret = derive_kek(kek, &s, key->secret, key->len);
	if (!ret)
		ret = pc_key_wrap(s.wrapped, kek, dek);
	explicit_bzero(kek, sizeof(kek));
	if (!ret)
		*slot = s;
	return ret;
}

int pc_slot_seal_clevis(struct pc_slot *slot,
			const uint8_t key[PC_CLEVIS_KEY_SIZE],
			uint32_t token_len, const char *what,
			const uint8_t dek[PC_DEK_SIZE])
{
	uint8_t kek[PC_KEK_SIZE];
	struct pc_slot s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.type = PC_SLOT_CLEVIS;
	s.kdf = PC_KDF_HKDF_SHA256;
	s.token_len = token_len;
	snprintf(s.description, sizeof(s.description), "%s", what);
	ret = pc_random(s.salt, sizeof(s.salt));
	if (!ret)
		ret = derive_kek(kek, &s, key, PC_CLEVIS_KEY_SIZE);
	if (!ret)
		ret = pc_key_wrap(s.wrapped, kek, dek);
	explicit_bzero(kek, sizeof(kek));
	if (!ret)
		*slot = s;
	return ret;
}

int pc_slot_token(const struct pc_header *h, struct pc_media *m, int i,
		  char token[PC_TOKEN_SIZE])
{
	const struct pc_slot *s = &h->slots[i];
	const uint8_t *at;

	/* The header checks bounded tokens_off and token_len. */
	at = m ? pc_media_at(m, h->tokens_off + (uint64_t)i * PC_TOKEN_SIZE,
			     s->token_len)
	       : NULL;
	if (!at)
		return pc_err(PMEMCRYPT_E_CORRUPT,
			      "key slot %d: its clevis token is not in the "
			      "media",
			      i);
	/* Copied once: the media may change under the reader. */
	memcpy(token, at, s->token_len);
	if (!pc_clevis_token_ok(token, s->token_len))
		return pc_err(PMEMCRYPT_E_CORRUPT,
			      "key slot %d: its clevis token is damaged (not "
			      "a JWE)",
			      i);
	return 0;
}

/*
 * The key-encryption key of clevis slot i: its token (pc_slot_token())
 * decrypted by clevis, through HKDF.
 */
static int clevis_kek(uint8_t kek[PC_KEK_SIZE], const struct pc_header *h,
		      struct pc_media *m, int i)
{
	char token[PC_TOKEN_SIZE];
	uint8_t *key;
	int ret = pc_slot_token(h, m, i, token);

	if (ret)
		return ret;
	key = pc_secure_alloc(PC_CLEVIS_KEY_SIZE);
	if (!key)
		return pc_err(-ENOMEM, "out of memory");
	ret = pc_clevis_decrypt(token, h->slots[i].token_len, key);
	if (!ret)
		ret = derive_kek(kek, &h->slots[i], key, PC_CLEVIS_KEY_SIZE);
	pc_secure_free(key, PC_CLEVIS_KEY_SIZE);
	return ret;
}

/* Room for the reasons clevis slots did not open. */
#define WHY_MAX 1024

/*
 * Appends why clevis slot i did not open to the message in why (at bytes
 * so far); returns the new length.
 */
static size_t why_add(char *why, size_t at, int i, const struct pc_slot *s,
		      const char *msg)
{
	char desc[sizeof(s->description)];
	int n;

	if (at >= WHY_MAX - 1)
		return at;
	/* The description comes from the media: printable bytes only. */
	for (size_t k = 0; k < sizeof(desc); k++) {
		char c = k < sizeof(desc) - 1 ? s->description[k] : '\0';

		desc[k] = c == '\0' || (c >= 0x20 && c < 0x7f) ? c : '?';
		if (!c)
			break;
	}
	n = snprintf(why + at, WHY_MAX - at, "; slot %d (%s): %.240s", i, desc,
		     msg);
	if (n < 0)
		return at;
	return at + (size_t)n < WHY_MAX ? at + (size_t)n : WHY_MAX - 1;
}

int pc_slot_unlock(const struct pc_header *h, struct pc_media *m,
		   const struct pmemcrypt_key *key, uint8_t dek[PC_DEK_SIZE])
{
	char why[WHY_MAX] = "";
	size_t at = 0;
	uint8_t kek[PC_KEK_SIZE];
	int tried = 0, ret = pc_key_usable(key);

	if (ret)
		return ret;
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++) {
		const struct pc_slot *s = &h->slots[i];

		if (s->type == PC_SLOT_EMPTY || !key_fits(key, s->type))
			continue;
		tried++;
		if (s->type == PC_SLOT_CLEVIS) {
			ret = clevis_kek(kek, h, m, i);
			/* A pin that fails leaves the other slots to try. */
			if (ret == PMEMCRYPT_E_KEY_SOURCE ||
			    ret == PMEMCRYPT_E_CORRUPT) {
				at = why_add(why, at, i, s,
					     pmemcrypt_errormsg());
				continue;
			}
		} else {
			ret = derive_kek(kek, s, key->secret, key->len);
		}
		if (!ret)
			ret = pc_key_unwrap(dek, kek, s->wrapped);
		explicit_bzero(kek, sizeof(kek));
		if (ret == 0)
			return i;
		if (ret != PMEMCRYPT_E_WRONG_KEY)
			return ret;
		if (s->type == PC_SLOT_CLEVIS)
			at = why_add(why, at, i, s,
				     "clevis gave a key that does not open it");
	}
	if (!tried)
		return pc_err(PMEMCRYPT_E_WRONG_KEY,
			      "no key slot of this pool takes a %s",
			      pmemcrypt_key_type_name(key->type));
	if (key->type == PMEMCRYPT_KEY_CLEVIS)
		return pc_err(PMEMCRYPT_E_WRONG_KEY,
			      "none of the %d clevis key slots opens%s", tried,
			      why);
	return pc_err(PMEMCRYPT_E_WRONG_KEY,
		      "wrong key: none of the %d matching key slots opens "
		      "with it",
		      tried);
}

// SPDX-License-Identifier: BSD-3-Clause
/* slot.c -- key slots: wrapping the data encryption key */

#include <string.h>

#include "errormsg.h"
#include "slot.h"

static const char kek_info[] = "pmemcrypt kek v1";

/* Whether a credential of this type may open a slot of that type. */
static int key_fits(const struct pmemcrypt_key *key, uint32_t slot_type)
{
	if (key->type == PMEMCRYPT_KEY_PASSPHRASE)
		return slot_type == PC_SLOT_PASSPHRASE;
	return slot_type == PC_SLOT_RAW || slot_type == PC_SLOT_KEYRING;
}

/* Derives the key-encryption key of a slot from a credential. */
static int derive_kek(uint8_t kek[PC_KEK_SIZE], const struct pc_slot *s,
		      const struct pmemcrypt_key *key)
{
	if (s->kdf == PC_KDF_ARGON2ID)
		return pc_argon2id(kek, PC_KEK_SIZE, key->secret, key->len,
				   s->salt, sizeof(s->salt), s->t_cost,
				   s->m_cost_kib, s->parallelism);
	if (s->kdf == PC_KDF_HKDF_SHA256)
		return pc_hkdf_sha256(kek, PC_KEK_SIZE, key->secret, key->len,
				      s->salt, sizeof(s->salt), kek_info);
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
		ret = derive_kek(kek, &s, key);
	if (!ret)
		ret = pc_key_wrap(s.wrapped, kek, dek);
	explicit_bzero(kek, sizeof(kek));
	if (!ret)
		*slot = s;
	return ret;
}

int pc_slot_unlock(const struct pc_header *h, const struct pmemcrypt_key *key,
		   uint8_t dek[PC_DEK_SIZE])
{
	uint8_t kek[PC_KEK_SIZE];
	int tried = 0, ret = pc_key_usable(key);

	if (ret)
		return ret;
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++) {
		const struct pc_slot *s = &h->slots[i];

		if (s->type == PC_SLOT_EMPTY || !key_fits(key, s->type))
			continue;
		tried++;
		ret = derive_kek(kek, s, key);
		if (!ret)
			ret = pc_key_unwrap(dek, kek, s->wrapped);
		explicit_bzero(kek, sizeof(kek));
		if (ret == 0)
			return i;
		if (ret != PMEMCRYPT_E_WRONG_KEY)
			return ret;
	}
	if (!tried)
		return pc_err(PMEMCRYPT_E_WRONG_KEY,
			      "no key slot of this pool takes a %s",
			      pmemcrypt_key_type_name(key->type));
	return pc_err(PMEMCRYPT_E_WRONG_KEY,
		      "wrong key: none of the %d matching key slots opens "
		      "with it",
		      tried);
}

// SPDX-License-Identifier: BSD-3-Clause
/* test_format.c -- the on-media format, decoded with OpenSSL alone */

/*
 * Encodes format 1.0 as format.h and pool.h define it: header checksum
 * and MAC, raw slots (HKDF-SHA256 KEK, AES-256-KW of the DEK), the map
 * (pba + 1) and sectors encrypted with AES-XTS.
 */

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "format.h"
#include "header.h"
#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE

/* HMAC-SHA256 with OpenSSL. */
static void hmac(uint8_t out[32], const void *key, size_t klen, const void *msg,
		 size_t mlen)
{
	unsigned int n = 32;

	assert_non_null(HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n));
	assert_int_equal(n, 32);
}

/* The slot's KEK: HKDF-SHA256(raw key, slot salt, "pmemcrypt kek v1"). */
static void slot_kek(uint8_t kek[32], const uint8_t raw[32],
		     const struct pc_slot *s)
{
	static const char info[] = "pmemcrypt kek v1";
	uint8_t prk[32], msg[sizeof(info)];

	hmac(prk, s->salt, sizeof(s->salt), raw, 32);
	memcpy(msg, info, sizeof(info) - 1);
	msg[sizeof(info) - 1] = 1;
	hmac(kek, prk, 32, msg, sizeof(msg));
}

static void unwrap(uint8_t dek[PC_DEK_SIZE], const uint8_t kek[32],
		   const uint8_t *wrapped)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;

	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	assert_int_equal(
		EVP_DecryptInit_ex(ctx, EVP_aes_256_wrap(), NULL, kek, NULL),
		1);
	assert_int_equal(
		EVP_DecryptUpdate(ctx, dek, &n, wrapped, PC_WRAPPED_SIZE), 1);
	assert_int_equal(EVP_DecryptFinal_ex(ctx, dek + n, &fin), 1);
	assert_int_equal(n + fin, PC_DEK_SIZE);
	EVP_CIPHER_CTX_free(ctx);
}

/*
 * Decrypts a unit: PC_SECTORS XTS data units of PC_SECTOR bytes, the tweak
 * of sector s being (lba * PC_SECTORS + s, pba), both little-endian.
 */
static void xts_decrypt(enum pmemcrypt_cipher c, const uint8_t *dek,
			uint64_t lba, uint64_t pba, const uint8_t *in,
			uint8_t *out)
{
	const EVP_CIPHER *alg = c == PMEMCRYPT_CIPHER_AES128_XTS
					? EVP_aes_128_xts()
					: EVP_aes_256_xts();

	for (unsigned s = 0; s < PC_SECTORS; s++) {
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		uint64_t n = lba * PC_SECTORS + s;
		uint8_t tweak[16];
		int len = 0;

		memcpy(tweak, &n, 8); /* little-endian host, as the format */
		memcpy(tweak + 8, &pba, 8);
		assert_int_equal(EVP_DecryptInit_ex(ctx, alg, NULL, dek, tweak),
				 1);
		assert_int_equal(EVP_DecryptUpdate(ctx, out + s * PC_SECTOR,
						   &len, in + s * PC_SECTOR,
						   PC_SECTOR),
				 1);
		assert_int_equal(len, PC_SECTOR);
		EVP_CIPHER_CTX_free(ctx);
	}
}

/* Checks a closed pool file against the format; returns the DEK. */
static void check_header(const char *path, const uint8_t raw[32],
			 uint8_t dek[PC_DEK_SIZE], struct pc_header *h)
{
	static const char label[] = "pmemcrypt header mac v1";
	uint8_t sum[32], mac_key[32], mac[32], kek[32];
	struct pc_header copy[2];

	th_pread(path, copy, sizeof(copy), 0);
	assert_memory_equal(&copy[0], &copy[1], PC_HDR_SIZE);
	*h = copy[0];
	assert_memory_equal(h->magic, "PMEMCRYP", 8);
	assert_int_equal(h->major, 1);
	assert_int_equal(h->unit_size, UNIT);
	SHA256((const uint8_t *)h, offsetof(struct pc_header, checksum), sum);
	assert_memory_equal(sum, h->checksum, 32);

	assert_int_equal(h->slots[0].type, PC_SLOT_RAW);
	assert_int_equal(h->slots[0].kdf, PC_KDF_HKDF_SHA256);
	slot_kek(kek, raw, &h->slots[0]);
	unwrap(dek, kek, h->slots[0].wrapped);

	hmac(mac_key, dek, PC_DEK_SIZE, label, sizeof(label) - 1);
	hmac(mac, mac_key, 32, h, offsetof(struct pc_header, mac));
	assert_memory_equal(mac, h->mac, 32);
}

/* Units written through the library decrypt by the format's rules. */
static void check_cipher(enum pmemcrypt_cipher cipher, const char *name)
{
	static const uint64_t lbas[] = {0, 5, 6, 200, 255};
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[32], dek[PC_DEK_SIZE], plain[UNIT], ct[UNIT], out[UNIT];
	const char *path = th_path(name);
	struct pc_header h;
	uint64_t used = 0;

	th_raw_bytes(raw, 9);
	assert_int_equal(pmemcrypt_key_from_raw(&key, raw), 0);
	assert_int_equal(pmemcrypt_config_set_cipher(cfg, cipher), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key), 0);
	for (size_t i = 0; i < sizeof(lbas) / sizeof(lbas[0]); i++) {
		th_fill(plain, UNIT, (uint32_t)lbas[i]);
		assert_int_equal(
			pmemcrypt_write(pool, plain, UNIT, lbas[i] * UNIT), 0);
	}
	/* Rewritten whole, and one sector of another unit in part. */
	th_fill(plain, UNIT, 1005);
	assert_int_equal(pmemcrypt_write(pool, plain, UNIT, 5 * UNIT), 0);
	th_fill(plain, UNIT, 1200);
	assert_int_equal(pmemcrypt_write(pool, plain + PC_SECTOR + 10, 100,
					 200 * UNIT + PC_SECTOR + 10),
			 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);

	check_header(path, raw, dek, &h);
	assert_int_equal(h.cipher, cipher);
	for (uint64_t lba = 0; lba < h.units; lba++) {
		uint64_t v, want = lba == 5 ? 1005 : lba;

		th_pread(path, &v, 8, h.map_off + lba * 8);
		if (!v)
			continue;
		used++;
		assert_true(v - 1 < h.blocks);
		th_pread(path, ct, UNIT, h.data_off + (v - 1) * UNIT);
		xts_decrypt(cipher, dek, lba, v - 1, ct, out);
		th_fill(plain, UNIT, (uint32_t)want);
		if (lba == 200) {
			uint8_t patch[UNIT];

			th_fill(patch, UNIT, 1200);
			memcpy(plain + PC_SECTOR + 10, patch + PC_SECTOR + 10,
			       100);
		}
		assert_memory_equal(out, plain, UNIT);
	}
	assert_int_equal(used, sizeof(lbas) / sizeof(lbas[0]));
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
}

static void test_aes256_xts_pool(void **state)
{
	check_cipher(PMEMCRYPT_CIPHER_AES256_XTS, "fmt256.pool");
}

static void test_aes128_xts_pool(void **state)
{
	check_cipher(PMEMCRYPT_CIPHER_AES128_XTS, "fmt128.pool");
}

/* The layout fields agree with each other and the file. */
static void test_layout(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(9);
	const char *path = th_path("layout.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	uint8_t raw[32], dek[PC_DEK_SIZE];
	struct pc_header h;
	struct pc_log_head log;

	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_raw_bytes(raw, 9);
	check_header(path, raw, dek, &h);
	assert_int_equal(h.units, TH_POOL_SIZE / UNIT);
	assert_int_equal(h.lanes_off, PC_HDR_AREA);
	assert_int_equal(h.map_off,
			 h.lanes_off + (uint64_t)h.lanes * h.lane_size);
	assert_true(h.data_off >= h.map_off + h.units * 8);
	assert_int_equal(h.data_off % UNIT, 0);
	assert_int_equal(h.file_size, h.data_off + h.blocks * UNIT);
	assert_int_equal(h.file_size, th_file_size(path));
	/* After a clean close every lane log is empty. */
	for (uint32_t i = 0; i < h.lanes; i++) {
		th_pread(path, &log, sizeof(log),
			 h.lanes_off + (uint64_t)i * h.lane_size);
		assert_int_equal(log.seq, 0);
	}
	pmemcrypt_key_delete(&key);
}

/* Recomputes a header's checksum after a change (the MAC is not). */
static enum pc_hdr_state recheck(struct pc_header *h)
{
	SHA256((const uint8_t *)h, offsetof(struct pc_header, checksum),
	       h->checksum);
	return pc_header_check(h);
}

/*
 * A new pool has a token area between the map and the data; the rules of
 * the token area and of clevis slots hold on every field a crafted
 * header can set.
 */
static void test_token_area(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(9);
	const char *path = th_path("tokens.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	uint8_t raw[32], dek[PC_DEK_SIZE];
	struct pc_header h, c;
	struct pc_slot *s;

	(void)state;
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_raw_bytes(raw, 9);
	check_header(path, raw, dek, &h);
	assert_int_equal(h.tokens_off % UNIT, 0);
	assert_true(h.tokens_off >= h.map_off + h.units * 8);
	assert_true(h.tokens_off + PC_TOKEN_AREA <= h.data_off);
	assert_int_equal(h.incompat, 0);
	assert_int_equal(pc_header_check(&h), PC_HDR_OK);

	/* A clevis slot: needs the feature flag and a token length that
	 * fits its region. */
	c = h;
	s = &c.slots[1];
	s->type = PC_SLOT_CLEVIS;
	s->kdf = PC_KDF_HKDF_SHA256;
	s->token_len = 100;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c.incompat |= PC_INCOMPAT_CLEVIS;
	assert_int_equal(recheck(&c), PC_HDR_OK);
	s->token_len = 0;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	s->token_len = PC_TOKEN_SIZE + 1;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	s->token_len = PC_TOKEN_SIZE;
	assert_int_equal(recheck(&c), PC_HDR_OK);
	s->kdf = PC_KDF_ARGON2ID;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	s->kdf = PC_KDF_HKDF_SHA256;

	/* The area itself: aligned, past the map, before the data. */
	c.tokens_off = 0;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c.tokens_off = h.tokens_off + 1;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c.tokens_off = h.map_off;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c.tokens_off = h.data_off - PC_TOKEN_AREA + UNIT;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c.tokens_off = UINT64_MAX - UNIT + 1;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c.tokens_off = h.tokens_off;
	assert_int_equal(recheck(&c), PC_HDR_OK);

	/* No token area: no clevis flag either; an unknown flag is newer. */
	c = h;
	c.tokens_off = 0;
	assert_int_equal(recheck(&c), PC_HDR_OK);
	c.incompat = PC_INCOMPAT_CLEVIS;
	assert_int_equal(recheck(&c), PC_HDR_BAD_GEOMETRY);
	c = h;
	c.incompat = 4;
	assert_int_equal(recheck(&c), PC_HDR_NEWER);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes256_xts_pool),
		cmocka_unit_test(test_aes128_xts_pool),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_token_area),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

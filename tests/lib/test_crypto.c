// SPDX-License-Identifier: BSD-3-Clause
/* test_crypto.c -- known-answer and cross-checks of every cipher mode */

#include <string.h>

#include <argon2.h>
#include <gcrypt.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "helpers.h"

/* Decodes a hex string into out; returns the byte count. */
static size_t unhex(uint8_t *out, const char *hex)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

struct xts_kat {
	const char *name;
	enum pmemcrypt_cipher cipher;
	const char *key, *tweak, *pt, *ct; /* pt NULL: 0..255 twice */
};

/* IEEE 1619-2007 Annex B vectors 1, 2, 4 (XTS-AES-128) and 10 (-256). */
static const struct xts_kat xts_kats[] = {
	{"IEEE 1619 vector 1", PMEMCRYPT_CIPHER_AES128_XTS,
	 "00000000000000000000000000000000"
	 "00000000000000000000000000000000",
	 "00000000000000000000000000000000",
	 "00000000000000000000000000000000"
	 "00000000000000000000000000000000",
	 "917cf69ebd68b2ec9b9fe9a3eadda692"
	 "cd43d2f59598ed858c02c2652fbf922e"},
	{"IEEE 1619 vector 2", PMEMCRYPT_CIPHER_AES128_XTS,
	 "11111111111111111111111111111111"
	 "22222222222222222222222222222222",
	 "33333333330000000000000000000000",
	 "44444444444444444444444444444444"
	 "44444444444444444444444444444444",
	 "c454185e6a16936e39334038acef838b"
	 "fb186fff7480adc4289382ecd6d394f0"},
	{"IEEE 1619 vector 4", PMEMCRYPT_CIPHER_AES128_XTS,
	 "27182818284590452353602874713526"
	 "31415926535897932384626433832795",
	 "00000000000000000000000000000000", NULL,
	 "27a7479befa1d476489f308cd4cfa6e2a96e4bbe3208ff25287dd3819616e89c"
	 "c78cf7f5e543445f8333d8fa7f56000005279fa5d8b5e4ad40e736ddb4d35412"
	 "328063fd2aab53e5ea1e0a9f332500a5df9487d07a5c92cc512c8866c7e860ce"
	 "93fdf166a24912b422976146ae20ce846bb7dc9ba94a767aaef20c0d61ad0265"
	 "5ea92dc4c4e41a8952c651d33174be51a10c421110e6d81588ede82103a252d8"
	 "a750e8768defffed9122810aaeb99f9172af82b604dc4b8e51bcb08235a6f434"
	 "1332e4ca60482a4ba1a03b3e65008fc5da76b70bf1690db4eae29c5f1badd03c"
	 "5ccf2a55d705ddcd86d449511ceb7ec30bf12b1fa35b913f9f747a8afd1b130e"
	 "94bff94effd01a91735ca1726acd0b197c4e5b03393697e126826fb6bbde8ecc"
	 "1e08298516e2c9ed03ff3c1b7860f6de76d4cecd94c8119855ef5297ca67e9f3"
	 "e7ff72b1e99785ca0a7e7720c5b36dc6d72cac9574c8cbbc2f801e23e56fd344"
	 "b07f22154beba0f08ce8891e643ed995c94d9a69c9f1b5f499027a78572aeebd"
	 "74d20cc39881c213ee770b1010e4bea718846977ae119f7a023ab58cca0ad752"
	 "afe656bb3c17256a9f6e9bf19fdd5a38fc82bbe872c5539edb609ef4f79c203e"
	 "bb140f2e583cb2ad15b4aa5b655016a8449277dbd477ef2c8d6c017db738b18d"
	 "eb4a427d1923ce3ff262735779a418f20a282df920147beabe421ee5319d0568"},
	{"IEEE 1619 vector 10", PMEMCRYPT_CIPHER_AES256_XTS,
	 "2718281828459045235360287471352662497757247093699959574966967627"
	 "3141592653589793238462643383279502884197169399375105820974944592",
	 "ff000000000000000000000000000000", NULL,
	 "1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b"
	 "5d31e276f8fe4a8d66b317f9ac683f44680a86ac35adfc3345befecb4bb188fd"
	 "5776926c49a3095eb108fd1098baec70aaa66999a72a82f27d848b21d4a741b0"
	 "c5cd4d5fff9dac89aeba122961d03a757123e9870f8acf1000020887891429ca"
	 "2a3e7a7d7df7b10355165c8b9a6d0a7de8b062c4500dc4cd120c0f7418dae3d0"
	 "b5781c34803fa75421c790dfe1de1834f280d7667b327f6c8cd7557e12ac3a0f"
	 "93ec05c52e0493ef31a12d3d9260f79a289d6a379bc70c50841473d1a8cc81ec"
	 "583e9645e07b8d9670655ba5bbcfecc6dc3966380ad8fecb17b6ba02469a020a"
	 "84e18e8f84252070c13e9f1f289be54fbc481457778f616015e1327a02b140f1"
	 "505eb309326d68378f8374595c849d84f4c333ec4423885143cb47bd71c5edae"
	 "9be69a2ffeceb1bec9de244fbe15992b11b77c040f12bd8f6a975a44a0f90c29"
	 "a9abc3d4d893927284c58754cce294529f8614dcd2aba991925fedc4ae74ffac"
	 "6e333b93eb4aff0479da9a410e4450e0dd7ae4c6e2910900575da401fc07059f"
	 "645e8b7e9bfdef33943054ff84011493c27b3429eaedb4ed5376441a77ed4385"
	 "1ad77f16f541dfd269d50d6a5f14fb0aab1cbb4c1550be97f7ab4066193c4caa"
	 "773dad38014bd2092fa755c824bb5e54c4f36ffda9fcea70b9c6e693e148c151"},
};

static void test_xts_kat(void **state)
{
	for (size_t v = 0; v < sizeof(xts_kats) / sizeof(xts_kats[0]); v++) {
		const struct xts_kat *k = &xts_kats[v];
		uint8_t dek[PC_DEK_SIZE] = {0}, tweak[16], pt[512], ct[512];
		uint8_t out[512];
		struct pc_xts *xts = NULL;
		size_t n, klen;

		klen = unhex(dek, k->key);
		assert_int_equal(klen, k->cipher == PMEMCRYPT_CIPHER_AES128_XTS
					       ? 32
					       : 64);
		unhex(tweak, k->tweak);
		n = unhex(ct, k->ct);
		if (k->pt) {
			assert_int_equal(unhex(pt, k->pt), n);
		} else {
			assert_int_equal(n, 512);
			for (size_t i = 0; i < n; i++)
				pt[i] = (uint8_t)i;
		}
		print_message("# %s (%zu bytes)\n", k->name, n);
		assert_int_equal(pc_xts_new(&xts, k->cipher, dek), 0);
		assert_int_equal(pc_xts_encrypt(xts, out, pt, n, tweak), 0);
		assert_memory_equal(out, ct, n);
		assert_int_equal(pc_xts_decrypt(xts, out, ct, n, tweak), 0);
		assert_memory_equal(out, pt, n);
		pc_xts_delete(&xts);
		assert_null(xts);
	}
}

/* One OpenSSL XTS pass over a unit: the independent implementation. */
static void ossl_xts(enum pmemcrypt_cipher c, int enc, const uint8_t *key,
		     const uint8_t tweak[16], const uint8_t *in, uint8_t *out,
		     int len)
{
	const EVP_CIPHER *alg = c == PMEMCRYPT_CIPHER_AES128_XTS
					? EVP_aes_128_xts()
					: EVP_aes_256_xts();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_CipherInit_ex(ctx, alg, NULL, key, tweak, enc), 1);
	assert_int_equal(EVP_CipherUpdate(ctx, out, &n, in, len), 1);
	assert_int_equal(EVP_CipherFinal_ex(ctx, out + n, &fin), 1);
	assert_int_equal(n + fin, len);
	EVP_CIPHER_CTX_free(ctx);
}

static void test_xts_vs_openssl(void **state)
{
	static const enum pmemcrypt_cipher ciphers[] = {
		PMEMCRYPT_CIPHER_AES256_XTS, PMEMCRYPT_CIPHER_AES128_XTS};
	static uint8_t pt[PMEMCRYPT_UNIT_SIZE], ct[PMEMCRYPT_UNIT_SIZE],
		ref[PMEMCRYPT_UNIT_SIZE], back[PMEMCRYPT_UNIT_SIZE];

	for (int c = 0; c < 2; c++) {
		uint8_t dek[PC_DEK_SIZE], tweak[16];
		struct pc_xts *xts = NULL;

		assert_int_equal(pc_random(dek, sizeof(dek)), 0);
		assert_int_equal(pc_xts_new(&xts, ciphers[c], dek), 0);
		for (int i = 0; i < 64; i++) {
			assert_int_equal(pc_random(pt, sizeof(pt)), 0);
			assert_int_equal(pc_random(tweak, sizeof(tweak)), 0);
			assert_int_equal(
				pc_xts_encrypt(xts, ct, pt, sizeof(pt), tweak),
				0);
			ossl_xts(ciphers[c], 1, dek, tweak, pt, ref,
				 sizeof(pt));
			assert_memory_equal(ct, ref, sizeof(ct));
			assert_memory_not_equal(ct, pt, sizeof(ct));
			ossl_xts(ciphers[c], 0, dek, tweak, ct, back,
				 sizeof(ct));
			assert_memory_equal(back, pt, sizeof(pt));
			assert_int_equal(pc_xts_decrypt(xts, back, ct,
							sizeof(ct), tweak),
					 0);
			assert_memory_equal(back, pt, sizeof(pt));
			/* Another tweak gives another ciphertext. */
			tweak[15] ^= 0x80;
			assert_int_equal(pc_xts_encrypt(xts, back, pt,
							sizeof(pt), tweak),
					 0);
			assert_memory_not_equal(back, ct, sizeof(ct));
		}
		pc_xts_delete(&xts);
	}
}

/* AES-256 key wrap with OpenSSL; returns the output length. */
static int ossl_wrap(int enc, const uint8_t kek[32], const uint8_t *in, int len,
		     uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;

	assert_non_null(ctx);
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	assert_int_equal(EVP_CipherInit_ex(ctx, EVP_aes_256_wrap(), NULL, kek,
					   NULL, enc),
			 1);
	assert_int_equal(EVP_CipherUpdate(ctx, out, &n, in, len), 1);
	assert_int_equal(EVP_CipherFinal_ex(ctx, out + n, &fin), 1);
	EVP_CIPHER_CTX_free(ctx);
	return n + fin;
}

static void test_key_wrap(void **state)
{
	uint8_t kek[32], data[32], want[40], out[PC_WRAPPED_SIZE];
	uint8_t ref[PC_WRAPPED_SIZE + 16], dek[PC_DEK_SIZE];
	uint8_t back[PC_WRAPPED_SIZE + 16];

	/* RFC 3394 section 4.6 validates the reference implementation... */
	unhex(kek, "000102030405060708090A0B0C0D0E0F"
		   "101112131415161718191A1B1C1D1E1F");
	unhex(data, "00112233445566778899AABBCCDDEEFF"
		    "000102030405060708090A0B0C0D0E0F");
	unhex(want, "28C9F404C4B810F4CBCCB35CFB87F826"
		    "3F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
	assert_int_equal(ossl_wrap(1, kek, data, 32, out), 40);
	assert_memory_equal(out, want, 40);

	/* ...which our 64-byte DEK wrap must then match exactly. */
	for (int i = 0; i < 16; i++) {
		assert_int_equal(pc_random(kek, sizeof(kek)), 0);
		assert_int_equal(pc_random(dek, sizeof(dek)), 0);
		assert_int_equal(pc_key_wrap(out, kek, dek), 0);
		assert_int_equal(ossl_wrap(1, kek, dek, PC_DEK_SIZE, ref),
				 PC_WRAPPED_SIZE);
		assert_memory_equal(out, ref, PC_WRAPPED_SIZE);
		assert_int_equal(ossl_wrap(0, kek, out, PC_WRAPPED_SIZE, back),
				 PC_DEK_SIZE);
		assert_memory_equal(back, dek, PC_DEK_SIZE);
	}
}

static void test_key_unwrap(void **state)
{
	uint8_t kek[32], dek[PC_DEK_SIZE], back[PC_DEK_SIZE];
	uint8_t wrapped[PC_WRAPPED_SIZE], zero[PC_DEK_SIZE] = {0};

	for (int i = 0; i < 16; i++) {
		assert_int_equal(pc_random(kek, sizeof(kek)), 0);
		assert_int_equal(pc_random(dek, sizeof(dek)), 0);
		assert_int_equal(pc_key_wrap(wrapped, kek, dek), 0);
		assert_int_equal(pc_key_unwrap(back, kek, wrapped), 0);
		assert_memory_equal(back, dek, PC_DEK_SIZE);

		/* Tampering anywhere fails the integrity check. */
		wrapped[i * 4] ^= 1;
		memset(back, 0xa5, sizeof(back));
		assert_int_equal(pc_key_unwrap(back, kek, wrapped),
				 PMEMCRYPT_E_WRONG_KEY);
		assert_memory_equal(back, zero, PC_DEK_SIZE);
		wrapped[i * 4] ^= 1;
		kek[31 - i] ^= 0x10;
		assert_int_equal(pc_key_unwrap(back, kek, wrapped),
				 PMEMCRYPT_E_WRONG_KEY);
	}
}

static void test_hmac_sha256(void **state)
{
	uint8_t key[20], mac[32], want[32];
	static const char hi[] = "Hi There";
	static const char what[] = "what do ya want for nothing?";

	/* RFC 4231 test cases 1 and 2. */
	memset(key, 0x0b, sizeof(key));
	unhex(want, "b0344c61d8db38535ca8afceaf0bf12b"
		    "881dc200c9833da726e9376c2e32cff7");
	assert_int_equal(pc_hmac_sha256(mac, key, sizeof(key), hi, strlen(hi)),
			 0);
	assert_memory_equal(mac, want, 32);
	unhex(want, "5bdcc146bf60754e6a042426089575c7"
		    "5a003f089d2739839dec58b964ec3843");
	assert_int_equal(pc_hmac_sha256(mac, "Jefe", 4, what, strlen(what)), 0);
	assert_memory_equal(mac, want, 32);
}

static void test_sha256(void **state)
{
	uint8_t out[32], want[32];

	unhex(want, "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad");
	pc_sha256(out, "abc", 3);
	assert_memory_equal(out, want, 32);
}

static void test_hkdf_sha256(void **state)
{
	uint8_t ikm[22], salt[13], okm[33], want[32];
	char info[11], long_info[200];

	/* RFC 5869 test case 1; L = 42 there, our output is its prefix. */
	memset(ikm, 0x0b, sizeof(ikm));
	for (int i = 0; i < 13; i++)
		salt[i] = (uint8_t)i;
	for (int i = 0; i < 10; i++)
		info[i] = (char)(0xf0 + i);
	info[10] = '\0';
	unhex(want, "3cb25f25faacd57a90434f64d0362f2a"
		    "2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
	assert_int_equal(pc_hkdf_sha256(okm, 32, ikm, sizeof(ikm), salt,
					sizeof(salt), info),
			 0);
	assert_memory_equal(okm, want, 32);
	memset(okm, 0, sizeof(okm));
	assert_int_equal(pc_hkdf_sha256(okm, 16, ikm, sizeof(ikm), salt,
					sizeof(salt), info),
			 0);
	assert_memory_equal(okm, want, 16);
	assert_int_equal(okm[16], 0);

	/* Out of range: more than one block, or an info too long. */
	assert_int_equal(pc_hkdf_sha256(okm, 33, ikm, sizeof(ikm), salt,
					sizeof(salt), info),
			 PMEMCRYPT_E_INVALID);
	memset(long_info, 'i', sizeof(long_info) - 1);
	long_info[sizeof(long_info) - 1] = '\0';
	assert_int_equal(pc_hkdf_sha256(okm, 32, ikm, sizeof(ikm), salt,
					sizeof(salt), long_info),
			 PMEMCRYPT_E_INVALID);
}

/* RFC 9106 section 5.3 through the backend pc_argon2id uses. */
static void test_argon2id_rfc9106_backend(void **state)
{
	unsigned long param[4] = {32, 3, 32, 4};
	uint8_t pass[32], salt[16], secret[8], ad[12], out[32], want[32];
	gcry_kdf_hd_t hd;

	memset(pass, 1, sizeof(pass));
	memset(salt, 2, sizeof(salt));
	memset(secret, 3, sizeof(secret));
	memset(ad, 4, sizeof(ad));
	unhex(want, "0d640df58d78766c08c037a34a8b53c9"
		    "d01ef0452d75b65eb52520e96b01e659");
	assert_int_equal(gcry_kdf_open(&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID,
				       param, 4, pass, sizeof(pass), salt,
				       sizeof(salt), secret, sizeof(secret), ad,
				       sizeof(ad)),
			 0);
	assert_int_equal(gcry_kdf_compute(hd, NULL), 0);
	assert_int_equal(gcry_kdf_final(hd, sizeof(out), out), 0);
	gcry_kdf_close(hd);
	assert_memory_equal(out, want, 32);
}

/* pc_argon2id against the reference implementation (libargon2). */
static void test_argon2id_vs_libargon2(void **state)
{
	static const struct {
		uint32_t t, m, p;
		size_t outlen;
	} cost[] = {{1, 64, 1, 32},
		    {3, 32, 4, 32},
		    {2, 256, 2, 16},
		    {1, 1024, 3, 32},
		    {4, 128, 1, 24}};
	uint8_t pass[40], salt[32], out[32], ref[32];

	for (size_t i = 0; i < sizeof(cost) / sizeof(cost[0]); i++) {
		th_fill(pass, sizeof(pass), (uint32_t)i);
		th_fill(salt, sizeof(salt), (uint32_t)i + 100);
		memset(out, 0, sizeof(out));
		assert_int_equal(pc_argon2id(out, cost[i].outlen, pass,
					     sizeof(pass) - i, salt,
					     sizeof(salt), cost[i].t, cost[i].m,
					     cost[i].p),
				 0);
		assert_int_equal(
			argon2id_hash_raw(cost[i].t, cost[i].m, cost[i].p, pass,
					  sizeof(pass) - i, salt, sizeof(salt),
					  ref, cost[i].outlen),
			ARGON2_OK);
		assert_memory_equal(out, ref, cost[i].outlen);
	}
}

/* The reference CLI's vector: "password", "somesalt", t=2, 64 MiB, p=1. */
static void test_argon2id_kat(void **state)
{
	uint8_t out[32], want[32];

	unhex(want, "09316115d5cf24ed5a15a31a3ba326e5"
		    "cf32edc24702987c02b6566f61913cf7");
	assert_int_equal(
		pc_argon2id(out, 32, "password", 8, "somesalt", 8, 2, 65536, 1),
		0);
	assert_memory_equal(out, want, 32);
	/* One bit of salt changes the tag. */
	assert_int_equal(
		pc_argon2id(out, 32, "password", 8, "somesalu", 8, 2, 65536, 1),
		0);
	assert_memory_not_equal(out, want, 32);
}

static void test_memeq(void **state)
{
	uint8_t a[100], b[100];

	th_fill(a, sizeof(a), 7);
	memcpy(b, a, sizeof(b));
	assert_int_equal(pc_memeq(a, b, sizeof(a)), 1);
	assert_int_equal(pc_memeq(a, b, 0), 1);
	for (size_t i = 0; i < sizeof(a); i += 33) {
		b[i] ^= 0x01;
		assert_int_equal(pc_memeq(a, b, sizeof(a)), 0);
		assert_int_equal(pc_memeq(a, b, i), 1);
		b[i] ^= 0x01;
	}
	b[99] ^= 0x80;
	assert_int_equal(pc_memeq(a, b, sizeof(a)), 0);
}

static int setup(void **state)
{
	return pc_crypto_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xts_kat),
		cmocka_unit_test(test_xts_vs_openssl),
		cmocka_unit_test(test_key_wrap),
		cmocka_unit_test(test_key_unwrap),
		cmocka_unit_test(test_hmac_sha256),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_hkdf_sha256),
		cmocka_unit_test(test_argon2id_rfc9106_backend),
		cmocka_unit_test(test_argon2id_vs_libargon2),
		cmocka_unit_test(test_argon2id_kat),
		cmocka_unit_test(test_memeq),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

// SPDX-License-Identifier: BSD-3-Clause
/* cipher_engines.c -- libgcrypt, OpenSSL, nettle and ipsec-mb behind one
 * interface, for bench_ciphers */

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>
#include <intel-ipsec-mb.h>
#include <nettle/gcm.h>
#include <nettle/version.h>
#include <nettle/xts.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bench_ciphers.h"

const char *const mode_name[NMODES] = {"xts256", "xts128", "gcm256"};
const size_t mode_keylen[NMODES] = {64, 32, 32};

/* ---- libgcrypt ---- */

/* Opens a libgcrypt handle for the engine's mode and sets the key. */
static int gcry_setup(struct engine *e, const uint8_t *key)
{
	int algo = e->mode == XTS128 ? GCRY_CIPHER_AES128 : GCRY_CIPHER_AES256;
	int cmode =
		e->mode == GCM256 ? GCRY_CIPHER_MODE_GCM : GCRY_CIPHER_MODE_XTS;
	gcry_cipher_hd_t h;

	if (gcry_cipher_open(&h, algo, cmode, 0))
		return -1;
	if (gcry_cipher_setkey(h, key, mode_keylen[e->mode])) {
		gcry_cipher_close(h);
		return -1;
	}
	e->st = h;
	return 0;
}

/* Encrypts one unit with libgcrypt: setiv, encrypt, and for GCM gettag. */
static int gcry_enc(struct engine *e, const uint8_t *iv, uint8_t *dst,
		    const uint8_t *src, size_t len, uint8_t *tag)
{
	gcry_cipher_hd_t h = e->st;

	if (e->mode != GCM256) {
		if (gcry_cipher_setiv(h, iv, XTS_IV_LEN))
			return -1;
		return gcry_cipher_encrypt(h, dst, len, src, len) ? -1 : 0;
	}
	if (gcry_cipher_setiv(h, iv, GCM_IV_LEN) || gcry_cipher_final(h) ||
	    gcry_cipher_encrypt(h, dst, len, src, len) ||
	    gcry_cipher_gettag(h, tag, TAG_LEN))
		return -1;
	return 0;
}

/* Closes the libgcrypt handle. */
static void gcry_teardown(struct engine *e)
{
	gcry_cipher_close(e->st);
}

/* ---- OpenSSL 3 EVP ---- */

/* Creates one EVP context with the key; each unit only sets a new IV. */
static int ossl_setup(struct engine *e, const uint8_t *key)
{
	const EVP_CIPHER *c = e->mode == XTS256	  ? EVP_aes_256_xts()
			      : e->mode == XTS128 ? EVP_aes_128_xts()
						  : EVP_aes_256_gcm();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (!ctx)
		return -1;
	if (EVP_EncryptInit_ex(ctx, c, NULL, key, NULL) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return -1;
	}
	e->st = ctx;
	return 0;
}

/* Encrypts one unit with OpenSSL, reusing the keyed context. */
static int ossl_enc(struct engine *e, const uint8_t *iv, uint8_t *dst,
		    const uint8_t *src, size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = e->st;
	int n, fin;

	if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1 ||
	    EVP_EncryptUpdate(ctx, dst, &n, src, (int)len) != 1 ||
	    (size_t)n != len)
		return -1;
	if (e->mode != GCM256)
		return 0;
	if (EVP_EncryptFinal_ex(ctx, dst + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
		return -1;
	return 0;
}

/* Frees the EVP context. */
static void ossl_teardown(struct engine *e)
{
	EVP_CIPHER_CTX_free(e->st);
}

/* ---- nettle ---- */

union nettle_st {
	struct xts_aes256_key x256;
	struct xts_aes128_key x128;
	struct gcm_aes256_ctx g256;
};

/* Expands the nettle key for the engine's mode. */
static int nettle_setup(struct engine *e, const uint8_t *key)
{
	union nettle_st *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);

	if (!s)
		return -1;
	if (e->mode == XTS256)
		xts_aes256_set_encrypt_key(&s->x256, key);
	else if (e->mode == XTS128)
		xts_aes128_set_encrypt_key(&s->x128, key);
	else
		gcm_aes256_set_key(&s->g256, key);
	e->st = s;
	return 0;
}

/* Encrypts one unit with nettle (GCM: set_iv, encrypt, digest). */
static int nettle_enc(struct engine *e, const uint8_t *iv, uint8_t *dst,
		      const uint8_t *src, size_t len, uint8_t *tag)
{
	union nettle_st *s = e->st;

	if (e->mode == XTS256) {
		xts_aes256_encrypt_message(&s->x256, iv, len, dst, src);
	} else if (e->mode == XTS128) {
		xts_aes128_encrypt_message(&s->x128, iv, len, dst, src);
	} else {
		gcm_aes256_set_iv(&s->g256, GCM_IV_LEN, iv);
		gcm_aes256_encrypt(&s->g256, len, dst, src);
		gcm_aes256_digest(&s->g256, TAG_LEN, tag);
	}
	return 0;
}

/* Frees the nettle key. */
static void nettle_teardown(struct engine *e)
{
	free(e->st);
}

/* ---- intel-ipsec-mb (GCM only: 1.3 has no AES-XTS) ---- */

struct imb_st {
	struct gcm_key_data key; /* first: needs 64-byte alignment */
	struct gcm_context_data ctx;
	IMB_MGR *mgr;
};

const char *imb_arch_name = "?";

/* Allocates a multi-buffer manager for the best arch and expands the key. */
static int imb_setup(struct engine *e, const uint8_t *key)
{
	static const char *const names[IMB_ARCH_NUM] = {
		"none", "no-aesni", "sse", "avx", "avx2", "avx512"};
	struct imb_st *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	IMB_ARCH arch = IMB_ARCH_NONE;

	if (!s)
		return -1;
	s->mgr = alloc_mb_mgr(0);
	if (!s->mgr) {
		free(s);
		return -1;
	}
	init_mb_mgr_auto(s->mgr, &arch);
	if (imb_get_errno(s->mgr)) {
		free_mb_mgr(s->mgr);
		free(s);
		return -1;
	}
	if (arch < IMB_ARCH_NUM)
		imb_arch_name = names[arch];
	IMB_AES256_GCM_PRE(s->mgr, key, &s->key);
	e->st = s;
	return 0;
}

/* Encrypts one unit with ipsec-mb's direct GCM API (no AAD). */
static int imb_enc(struct engine *e, const uint8_t *iv, uint8_t *dst,
		   const uint8_t *src, size_t len, uint8_t *tag)
{
	struct imb_st *s = e->st;

	IMB_AES256_GCM_ENC(s->mgr, &s->key, &s->ctx, dst, src, len, iv, NULL, 0,
			   tag, TAG_LEN);
	return 0;
}

/* Frees the manager and the key. */
static void imb_teardown(struct engine *e)
{
	struct imb_st *s = e->st;

	free_mb_mgr(s->mgr);
	free(s);
}

/* ---- engines ---- */

#define ENGINE(m, l, p)                                                   \
	{                                                                 \
		.mode = m, .lib = #l, .setup = p##_setup, .enc = p##_enc, \
		.teardown = p##_teardown                                  \
	}
#define GCRY(m) ENGINE(m, gcrypt, gcry)
#define OSSL(m) ENGINE(m, openssl, ossl)
#define NETL(m) ENGINE(m, nettle, nettle)
#define IMB(m) ENGINE(m, ipsecmb, imb)
#define IMB_NA(m)                                                   \
	{                                                           \
		.mode = m, .lib = "ipsecmb",                        \
		.na = "no AES-XTS API in ipsec-mb " IMB_VERSION_STR \
	}

/* OpenSSL is the first engine of each mode: the reference. */
struct engine engines[] = {
	OSSL(XTS256), GCRY(XTS256), NETL(XTS256), IMB_NA(XTS256),
	OSSL(XTS128), GCRY(XTS128), NETL(XTS128), IMB_NA(XTS128),
	OSSL(GCM256), GCRY(GCM256), NETL(GCM256), IMB(GCM256),
};
const size_t nengines = sizeof(engines) / sizeof(engines[0]);

/* Returns the OpenSSL engine of a mode. */
struct engine *reference(enum mode m)
{
	for (size_t i = 0; i < nengines; i++)
		if (engines[i].mode == m && !strcmp(engines[i].lib, "openssl"))
			return &engines[i];
	return NULL;
}

/* Builds the IV of a unit: XTS little-endian unit number (plain64), GCM
 * a 4-byte constant then the unit number. */
void unit_iv(enum mode m, uint64_t unit, uint8_t *iv)
{
	size_t off = m == GCM256 ? 4 : 0;

	memset(iv, 0, XTS_IV_LEN);
	if (m == GCM256)
		memcpy(iv, "pmcr", 4);
	for (int i = 0; i < 8; i++)
		iv[off + i] = (uint8_t)(unit >> (8 * i));
}


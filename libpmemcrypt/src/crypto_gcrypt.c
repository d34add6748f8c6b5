// SPDX-License-Identifier: BSD-3-Clause
/* crypto_gcrypt.c -- the crypto interface on libgcrypt */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <gcrypt.h>

#include "crypto.h"
#include "errormsg.h"

#define GCRYPT_MIN_VERSION "1.10.0"

struct pc_xts {
	gcry_cipher_hd_t hd;
	size_t keylen; /* both halves */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

/*
 * libgcrypt's secure-memory pool, when this library made it: locked and
 * excluded from core dumps (a forked child's copy too).  Cipher contexts
 * (the key schedules) live there; a forked child's copies of them are
 * re-keyed (fork.c).  Its size: PC_SECMEM_KIB, or $PMEMCRYPT_SECMEM_KIB.
 */
#define PC_SECMEM_KIB 1024
static uint8_t *secmem_lo, *secmem_hi;

static size_t secmem_size(void)
{
	const char *env = secure_getenv("PMEMCRYPT_SECMEM_KIB");
	unsigned long kib = env ? strtoul(env, NULL, 10) : 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	kib = kib >= 16 && kib <= (1ul << 20) ? kib : PC_SECMEM_KIB;
	return (kib * 1024 + page - 1) / page * page;
}

/* Whether [lo, lo+len) lies in one private anonymous mapping. */
static int anon_mapping(const uint8_t *lo, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long start, end, inode;
	char perms[8], line[512];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%lx-%lx %7s %*x %*s %lu", &start, &end,
			       perms, &inode) == 4 &&
			start <= (uintptr_t)lo && (uintptr_t)lo + len <= end &&
			!strcmp(perms, "rw-p") && inode == 0;
	fclose(f);
	return found;
}

/*
 * Gives libgcrypt a secure-memory pool and marks it.  Its first
 * allocation lies at its start (page-aligned, as mmap returned it).
 */
static void secmem_init(void)
{
	size_t size = secmem_size();
	uint8_t *probe, *lo;

	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN, 0);
	if (gcry_control(GCRYCTL_INIT_SECMEM, (unsigned int)size, 0)) {
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		return;
	}
	probe = gcry_malloc_secure(1);
	lo = (uint8_t *)((uintptr_t)probe &
			 ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1));
	if (probe && gcry_is_secure(probe) && anon_mapping(lo, size) &&
	    !madvise(lo, size, MADV_DONTDUMP)) {
		secmem_lo = lo;
		secmem_hi = lo + size;
	}
	gcry_free(probe);
}

/*
 * Initializes libgcrypt unless the application already did, whose
 * settings then stand.  In a set-user-ID or set-group-ID process
 * libgcrypt's secure memory would drop the process's privileges; such
 * processes make no core dumps (fs.suid_dumpable), and get none.
 */
static void crypto_init_once(void)
{
	if (!gcry_check_version(GCRYPT_MIN_VERSION)) {
		init_result = pc_err(PMEMCRYPT_E_CRYPTO,
				     "libgcrypt >= %s required, found %s",
				     GCRYPT_MIN_VERSION,
				     gcry_check_version(NULL));
		return;
	}
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return;
	if (getuid() == geteuid() && getgid() == getegid())
		secmem_init();
	else
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

int pc_crypto_init(void)
{
	pthread_once(&init_once, crypto_init_once);
	return init_result;
}

static int gcry_fail(gcry_error_t e, const char *what)
{
	return pc_err(PMEMCRYPT_E_CRYPTO, "%s: %s", what, gcry_strerror(e));
}

int pc_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pc_err(-errno, "getrandom: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void pc_sha256(uint8_t out[32], const void *data, size_t len)
{
	gcry_md_hash_buffer(GCRY_MD_SHA256, out, data, len);
}

int pc_hmac_sha256(uint8_t out[32], const void *key, size_t keylen,
		   const void *msg, size_t msglen)
{
	gcry_mac_hd_t hd;
	size_t outlen = 32;
	gcry_error_t e;

	e = gcry_mac_open(&hd, GCRY_MAC_HMAC_SHA256, GCRY_MAC_FLAG_SECURE,
			  NULL);
	if (e)
		return gcry_fail(e, "HMAC-SHA256");
	e = gcry_mac_setkey(hd, key, keylen);
	if (!e)
		e = gcry_mac_write(hd, msg, msglen);
	if (!e)
		e = gcry_mac_read(hd, out, &outlen);
	gcry_mac_close(hd);
	return e ? gcry_fail(e, "HMAC-SHA256") : 0;
}

/* HKDF (RFC 5869) with SHA-256; outlen <= 32. */
int pc_hkdf_sha256(uint8_t *out, size_t outlen, const void *ikm, size_t ikmlen,
		   const void *salt, size_t saltlen, const char *info)
{
	uint8_t prk[32], okm[32], msg[128];
	size_t infolen = strlen(info);
	int ret;

	if (outlen > sizeof(okm) || infolen + 1 > sizeof(msg))
		return pc_err(PMEMCRYPT_E_INVALID, "HKDF: bad length");
	ret = pc_hmac_sha256(prk, salt, saltlen, ikm, ikmlen);
	if (ret)
		return ret;
	memcpy(msg, info, infolen);
	msg[infolen] = 1;
	ret = pc_hmac_sha256(okm, prk, sizeof(prk), msg, infolen + 1);
	if (!ret)
		memcpy(out, okm, outlen);
	explicit_bzero(prk, sizeof(prk));
	explicit_bzero(okm, sizeof(okm));
	return ret;
}

int pc_argon2id(uint8_t *out, size_t outlen, const void *pass, size_t passlen,
		const void *salt, size_t saltlen, uint32_t t_cost,
		uint32_t m_cost_kib, uint32_t parallelism)
{
	unsigned long param[4] = {outlen, t_cost, m_cost_kib, parallelism};
	gcry_kdf_hd_t hd;
	gcry_error_t e;

	e = gcry_kdf_open(&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, param, 4,
			  pass, passlen, salt, saltlen, NULL, 0, NULL, 0);
	if (e)
		return gcry_fail(e, "Argon2id");
	e = gcry_kdf_compute(hd, NULL);
	if (!e)
		e = gcry_kdf_final(hd, outlen, out);
	gcry_kdf_close(hd);
	return e ? gcry_fail(e, "Argon2id") : 0;
}

/* Opens an AES-256 key-wrap (RFC 3394) context keyed with kek. */
static int kw_open(gcry_cipher_hd_t *hd, const uint8_t kek[PC_KEK_SIZE])
{
	gcry_error_t e;

	e = gcry_cipher_open(hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_AESWRAP,
			     GCRY_CIPHER_SECURE);
	if (e)
		return gcry_fail(e, "AES-KW");
	e = gcry_cipher_setkey(*hd, kek, PC_KEK_SIZE);
	if (e) {
		gcry_cipher_close(*hd);
		return gcry_fail(e, "AES-KW");
	}
	return 0;
}

int pc_key_wrap(uint8_t out[PC_WRAPPED_SIZE], const uint8_t kek[PC_KEK_SIZE],
		const uint8_t dek[PC_DEK_SIZE])
{
	gcry_cipher_hd_t hd;
	gcry_error_t e;
	int ret = kw_open(&hd, kek);

	if (ret)
		return ret;
	e = gcry_cipher_encrypt(hd, out, PC_WRAPPED_SIZE, dek, PC_DEK_SIZE);
	gcry_cipher_close(hd);
	return e ? gcry_fail(e, "AES-KW wrap") : 0;
}

/* Unwraps; PMEMCRYPT_E_WRONG_KEY when the integrity check fails. */
int pc_key_unwrap(uint8_t dek[PC_DEK_SIZE], const uint8_t kek[PC_KEK_SIZE],
		  const uint8_t in[PC_WRAPPED_SIZE])
{
	gcry_cipher_hd_t hd;
	gcry_error_t e;
	int ret = kw_open(&hd, kek);

	if (ret)
		return ret;
	e = gcry_cipher_decrypt(hd, dek, PC_DEK_SIZE, in, PC_WRAPPED_SIZE);
	gcry_cipher_close(hd);
	if (gcry_err_code(e) == GPG_ERR_CHECKSUM) {
		explicit_bzero(dek, PC_DEK_SIZE);
		return PMEMCRYPT_E_WRONG_KEY;
	}
	return e ? gcry_fail(e, "AES-KW unwrap") : 0;
}

int pc_memeq(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* The error for a cipher context libgcrypt could not open. */
static int context_fail(gcry_error_t e)
{
	if (secmem_lo && gcry_err_code(e) == GPG_ERR_ENOMEM)
		return pc_err(PMEMCRYPT_E_CRYPTO,
			      "AES-XTS: out of secure memory for cipher "
			      "contexts (%zu KiB, about 3 KiB per lane of each "
			      "open pool); set PMEMCRYPT_SECMEM_KIB",
			      (size_t)(secmem_hi - secmem_lo) / 1024);
	return gcry_fail(e, "AES-XTS");
}

int pc_xts_new(struct pc_xts **xts, enum pmemcrypt_cipher cipher,
	       const uint8_t dek[PC_DEK_SIZE])
{
	int algo = cipher == PMEMCRYPT_CIPHER_AES128_XTS ? GCRY_CIPHER_AES128
							  : GCRY_CIPHER_AES256;
	size_t keylen = cipher == PMEMCRYPT_CIPHER_AES128_XTS ? 32 : 64;
	struct pc_xts *x = calloc(1, sizeof(*x));
	gcry_error_t e;

	if (!x)
		return pc_err(-ENOMEM, "out of memory");
	e = gcry_cipher_open(&x->hd, algo, GCRY_CIPHER_MODE_XTS,
			     GCRY_CIPHER_SECURE);
	if (!e) {
		e = gcry_cipher_setkey(x->hd, dek, keylen);
		if (e)
			gcry_cipher_close(x->hd);
	}
	if (e) {
		free(x);
		return context_fail(e);
	}
	x->keylen = keylen;
	*xts = x;
	return 0;
}

void pc_xts_delete(struct pc_xts **xts)
{
	if (!*xts)
		return;
	gcry_cipher_close((*xts)->hd);
	free(*xts);
	*xts = NULL;
}

void pc_xts_forget(struct pc_xts *xts)
{
	static const uint8_t public_key[64] = {1}, tweak[PC_TWEAK_SIZE];
	uint8_t block[16] = {0};

	/* A new key replaces the encryption schedules; one decryption
	 * replaces the decryption schedule libgcrypt derives on demand. */
	if (!gcry_cipher_setkey(xts->hd, public_key, xts->keylen))
		pc_xts_decrypt(xts, block, block, sizeof(block), tweak);
}

int pc_xts_encrypt(struct pc_xts *xts, void *dst, const void *src, size_t len,
		   const uint8_t tweak[PC_TWEAK_SIZE])
{
	gcry_error_t e = gcry_cipher_setiv(xts->hd, tweak, PC_TWEAK_SIZE);

	if (!e)
		e = gcry_cipher_encrypt(xts->hd, dst, len, src, len);
	return e ? gcry_fail(e, "AES-XTS encrypt") : 0;
}

int pc_xts_decrypt(struct pc_xts *xts, void *dst, const void *src, size_t len,
		   const uint8_t tweak[PC_TWEAK_SIZE])
{
	gcry_error_t e = gcry_cipher_setiv(xts->hd, tweak, PC_TWEAK_SIZE);

	if (!e)
		e = gcry_cipher_decrypt(xts->hd, dst, len, src, len);
	return e ? gcry_fail(e, "AES-XTS decrypt") : 0;
}

void *pc_secure_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	(void)mlock(p, len); /* best effort: RLIMIT_MEMLOCK may refuse */
	(void)madvise(p, len, MADV_DONTDUMP);
	(void)madvise(p, len, MADV_DONTFORK);
	return p;
}

void pc_secure_free(void *p, size_t len)
{
	if (!p)
		return;
	explicit_bzero(p, len);
	munlock(p, len);
	munmap(p, len);
}

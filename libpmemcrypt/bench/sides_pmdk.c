// SPDX-License-Identifier: BSD-3-Clause
/*
 * sides_pmdk.c -- PMDK's atomic libraries, the peers a user would pick:
 * libpmemblk block writes and libpmemobj transactions (4 KiB, and 64 B to
 * 1 KiB plain or with each record encrypted by the application with
 * AES-256-GCM from OpenSSL, as a developer would write it today)
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemblk.h>
#include <libpmemobj.h>
#include <openssl/evp.h>

#include "bench.h"

#define GCM_IV 12
#define GCM_TAG 16

/* libpmemblk: one 4 KiB block per unit of data, every block written. */
static int blk_open(struct bench_run *r)
{
	size_t pool = r->size + r->size / 16 + (64u << 20);
	PMEMblkpool *pbp;

	unlink(r->path);
	pbp = pmemblk_create(r->path, BENCH_UNIT, pool, 0600);
	if (!pbp)
		bench_die("pmemblk_create", pmemblk_errormsg());
	if (pmemblk_nblock(pbp) < r->size / BENCH_UNIT)
		bench_die("pmemblk_create", "too few blocks");
	for (uint64_t b = 0; b < r->size / BENCH_UNIT; b++)
		if (pmemblk_write(pbp, bench_src, (long long)b))
			bench_die("pmemblk_write", pmemblk_errormsg());
	r->st = pbp;
	return 0;
}

static void blk_loop(struct bench_run *r, int t, uint64_t ops)
{
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++) {
		long long b =
			(long long)(bench_unit_at(r, t, &seed) / BENCH_UNIT);

		if (pmemblk_write(r->st, bench_src, b))
			bench_die("pmemblk_write", pmemblk_errormsg());
	}
}

static void blk_close(struct bench_run *r)
{
	pmemblk_close(r->st);
	r->st = NULL;
}

const struct bench_side side_blk_write = {"pmemblk_write",
					  "libpmemblk block writes (plain)",
					  0,
					  blk_open,
					  blk_loop,
					  blk_close};

struct obj {
	PMEMobjpool *pop;
	PMEMoid root;
	uint8_t *base;
	EVP_CIPHER_CTX *ctx[BENCH_MAX_THREADS];
	uint64_t nonce[BENCH_MAX_THREADS];
};

/* libpmemobj: the data is the root object (allocated zeroed). */
static int obj_open(struct bench_run *r)
{
	size_t pool = r->size + r->size / 8 + (64u << 20);
	struct obj *o = calloc(1, sizeof(*o));

	if (!o)
		return -1;
	unlink(r->path);
	o->pop = pmemobj_create(r->path, "bench", pool, 0600);
	if (!o->pop)
		bench_die("pmemobj_create", pmemobj_errormsg());
	o->root = pmemobj_root(o->pop, r->size);
	if (OID_IS_NULL(o->root))
		bench_die("pmemobj_root", pmemobj_errormsg());
	o->base = pmemobj_direct(o->root);
	r->st = o;
	return 0;
}

static void obj_close(struct bench_run *r)
{
	struct obj *o = r->st;

	for (int t = 0; t < BENCH_MAX_THREADS; t++)
		EVP_CIPHER_CTX_free(o->ctx[t]);
	pmemobj_close(o->pop);
	free(o);
	r->st = NULL;
}

/* One transaction: snapshot [off, off+len), then write it. */
static void obj_tx(struct obj *o, uint64_t off, size_t len)
{
	TX_BEGIN(o->pop)
	{
		pmemobj_tx_add_range(o->root, off, len);
		memcpy(o->base + off, bench_src, len);
	}
	TX_ONABORT
	{
		bench_die("pmemobj tx", pmemobj_errormsg());
	}
	TX_END
}

static void obj_tx4k_loop(struct bench_run *r, int t, uint64_t ops)
{
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++)
		obj_tx(r->st, bench_unit_at(r, t, &seed), BENCH_UNIT);
}

const struct bench_side side_obj_tx4k = {
	"pmemobj_tx_4k",
	"libpmemobj 4 KiB transactions (plain)",
	0,
	obj_open,
	obj_tx4k_loop,
	obj_close};

static void obj_small_loop(struct bench_run *r, int t, uint64_t ops)
{
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++) {
		uint64_t off;
		size_t len;

		bench_small_at(r, t, &seed, 0, &off, &len);
		obj_tx(r->st, off, len);
	}
}

const struct bench_side side_obj_tx_small = {
	"pmemobj", "libpmemobj (plain)", 1,
	obj_open,  obj_small_loop,	 obj_close};

static int gcm_open(struct bench_run *r)
{
	static const uint8_t key[32] = {7, 6, 5, 4, 3, 2, 1};
	struct obj *o;

	if (obj_open(r))
		return -1;
	o = r->st;
	for (int t = 0; t < BENCH_MAX_THREADS; t++) {
		o->ctx[t] = EVP_CIPHER_CTX_new();
		if (!o->ctx[t] ||
		    EVP_EncryptInit_ex(o->ctx[t], EVP_aes_256_gcm(), NULL, key,
				       NULL) != 1)
			bench_die("OpenSSL", "no AES-256-GCM");
		o->nonce[t] = (uint64_t)t << 56;
	}
	return 0;
}

/*
 * A record is IV, tag and ciphertext; the application encrypts straight
 * into the snapshotted range, with a fresh IV (thread and counter).
 */
static void gcm_record(struct obj *o, int t, uint64_t off, size_t len)
{
	uint8_t iv[GCM_IV] = {0}, *rec = o->base + off;
	EVP_CIPHER_CTX *ctx = o->ctx[t];
	int n, fin;

	o->nonce[t]++;
	memcpy(iv, &o->nonce[t], sizeof(o->nonce[t]));
	if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1 ||
	    EVP_EncryptUpdate(ctx, rec + GCM_IV + GCM_TAG, &n, bench_src,
			      (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, rec + GCM_IV + GCM_TAG + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG,
				rec + GCM_IV) != 1)
		bench_die("OpenSSL", "AES-256-GCM failed");
	memcpy(rec, iv, GCM_IV);
}

static void gcm_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct obj *o = r->st;
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++) {
		uint64_t off;
		size_t len;

		bench_small_at(r, t, &seed, GCM_IV + GCM_TAG, &off, &len);
		TX_BEGIN(o->pop)
		{
			pmemobj_tx_add_range(o->root, off,
					     len + GCM_IV + GCM_TAG);
			gcm_record(o, t, off, len);
		}
		TX_ONABORT
		{
			bench_die("pmemobj tx", pmemobj_errormsg());
		}
		TX_END
	}
}

const struct bench_side side_obj_gcm_small = {
	"pmemobj_gcm",
	"libpmemobj + AES-256-GCM records (OpenSSL)",
	1,
	gcm_open,
	gcm_loop,
	obj_close};

// SPDX-License-Identifier: BSD-3-Clause
/*
 * sides_plain.c -- the bounds: a libpmem2 copy+persist of 4 KiB units (the
 * physical limit, not atomic), the same copy of units first encrypted
 * with the library's cipher into a cache-resident buffer (the cipher+copy
 * bound), and the cipher's decryption of 4 KiB units read from the file
 * (the bound of a first touch), alone and between mappings the process has
 * not touched yet (a first touch reads a new media page and fills a new
 * view page: what the machine charges for a page new to a process, which
 * under shadow paging is far more than the decryption, is in it)
 */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>
#include <libpmem2.h>

#include "bench.h"

struct plain {
	int fd;
	struct pmem2_config *cfg;
	struct pmem2_source *src;
	struct pmem2_map *map;
	uint8_t *base;
	pmem2_memcpy_fn cpy;
	gcry_cipher_hd_t hd[BENCH_MAX_THREADS];
	uint8_t (*buf)[BENCH_UNIT]; /* one unit per thread */
	uint8_t *fresh;		    /* an untouched mapping of size */
};

static void plain_close(struct bench_run *r)
{
	struct plain *p = r->st;

	for (int t = 0; t < BENCH_MAX_THREADS; t++)
		gcry_cipher_close(p->hd[t]);
	if (p->map)
		pmem2_map_delete(&p->map);
	if (p->fresh)
		munmap(p->fresh, (size_t)r->size);
	pmem2_source_delete(&p->src);
	pmem2_config_delete(&p->cfg);
	if (p->fd >= 0)
		close(p->fd);
	free(p->buf);
	free(p);
	r->st = NULL;
}

/* The file, mapped with cache-line persistence, every page written. */
static int plain_open(struct bench_run *r)
{
	struct plain *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	r->st = p;
	unlink(r->path);
	p->fd = open(r->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (p->fd < 0 || ftruncate(p->fd, (off_t)r->size) ||
	    pmem2_config_new(&p->cfg) ||
	    pmem2_config_set_required_store_granularity(
		    p->cfg, PMEM2_GRANULARITY_CACHE_LINE) ||
	    pmem2_source_from_fd(&p->src, p->fd) ||
	    pmem2_map_new(&p->map, p->cfg, p->src))
		bench_die("libpmem2", pmem2_errormsg());
	p->base = pmem2_map_get_address(p->map);
	p->cpy = pmem2_get_memcpy_fn(p->map);
	for (uint64_t off = 0; off < r->size; off += BENCH_UNIT)
		p->cpy(p->base + off, bench_src, BENCH_UNIT,
		       PMEM2_F_MEM_NONTEMPORAL);
	return 0;
}

static void copy_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct plain *p = r->st;
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++)
		p->cpy(p->base + bench_unit_at(r, t, &seed), bench_src,
		       BENCH_UNIT, PMEM2_F_MEM_NONTEMPORAL);
}

const struct bench_side side_pmem2_copy = {
	"pmem2_copy", "libpmem2 copy+persist (plain)", 0, plain_open, copy_loop,
	plain_close};

/* AES-256-XTS, libgcrypt (the library's back end), a handle per thread. */
static int xts_open(struct bench_run *r)
{
	static const uint8_t key[64] = {1,  2,	3,  4,	5,  6,	7,  8, 9,
					10, 11, 12, 13, 14, 15, 16, 17};
	struct plain *p;

	if (plain_open(r))
		return -1;
	p = r->st;
	p->buf = aligned_alloc(64, sizeof(*p->buf) * BENCH_MAX_THREADS);
	if (!p->buf)
		return -1;
	for (int t = 0; t < BENCH_MAX_THREADS; t++)
		if (gcry_cipher_open(&p->hd[t], GCRY_CIPHER_AES256,
				     GCRY_CIPHER_MODE_XTS, 0) ||
		    gcry_cipher_setkey(p->hd[t], key, sizeof(key)))
			bench_die("libgcrypt", "no AES-256-XTS");
	return 0;
}

static void set_tweak(gcry_cipher_hd_t hd, uint64_t off)
{
	uint64_t tweak[2] = {off / BENCH_UNIT, 0};

	if (gcry_cipher_setiv(hd, tweak, sizeof(tweak)))
		bench_die("libgcrypt", "setiv failed");
}

/* Encrypt into a cache-resident buffer, then the same copy as above. */
static void xts_copy_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct plain *p = r->st;
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++) {
		uint64_t off = bench_unit_at(r, t, &seed);

		set_tweak(p->hd[t], off);
		if (gcry_cipher_encrypt(p->hd[t], p->buf[t], BENCH_UNIT,
					bench_src, BENCH_UNIT))
			bench_die("libgcrypt", "encrypt failed");
		p->cpy(p->base + off, p->buf[t], BENCH_UNIT,
		       PMEM2_F_MEM_NONTEMPORAL);
	}
}

const struct bench_side side_xts_copy = {"xts_copy",
					 "AES-256-XTS + that copy (the bound)",
					 0,
					 xts_open,
					 xts_copy_loop,
					 plain_close};

/* Decrypt units of the file in order into a cache-resident buffer. */
static void xts_decrypt_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct plain *p = r->st;
	uint64_t lo, len;

	bench_range(r, t, &lo, &len);
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t off = lo + i * BENCH_UNIT % len;

		set_tweak(p->hd[t], off);
		if (gcry_cipher_decrypt(p->hd[t], p->buf[t], BENCH_UNIT,
					p->base + off, BENCH_UNIT))
			bench_die("libgcrypt", "decrypt failed");
	}
}

const struct bench_side side_xts_decrypt = {
	"xts_decrypt",
	"AES-256-XTS decryption of 4 KiB units",
	0,
	xts_open,
	xts_decrypt_loop,
	plain_close};

/*
 * The same decryption from a new mapping of the file into a new anonymous
 * mapping, neither touched before the timed loop.
 */
static int xts_fresh_open(struct bench_run *r)
{
	struct plain *p;

	if (xts_open(r))
		return -1;
	p = r->st;
	if (pmem2_map_delete(&p->map) || pmem2_map_new(&p->map, p->cfg, p->src))
		bench_die("libpmem2", pmem2_errormsg());
	p->base = pmem2_map_get_address(p->map);
	p->fresh = mmap(NULL, (size_t)r->size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->fresh == MAP_FAILED) {
		p->fresh = NULL;
		bench_die("mmap", "cannot map");
	}
	return 0;
}

static void xts_fresh_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct plain *p = r->st;
	uint64_t lo, len;

	bench_range(r, t, &lo, &len);
	for (uint64_t i = 0; i < ops && i * BENCH_UNIT < len; i++) {
		uint64_t off = lo + i * BENCH_UNIT;

		set_tweak(p->hd[t], off);
		if (gcry_cipher_decrypt(p->hd[t], p->fresh + off, BENCH_UNIT,
					p->base + off, BENCH_UNIT))
			bench_die("libgcrypt", "decrypt failed");
	}
}

const struct bench_side side_xts_decrypt_fresh = {
	"xts_decrypt_fresh",
	"the same, between untouched mappings",
	0,
	xts_fresh_open,
	xts_fresh_loop,
	plain_close};

// SPDX-License-Identifier: BSD-3-Clause
/*
 * make_recover_seeds.c -- a seed corpus for fuzz_recover: the metadata of
 * the fuzzed pools caught at every fence of real updates while a record
 * is committed (map and sector records, undo and redo entries)
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpmemcrypt.h"
#include "media.h"
#include "pool.h"
#include "recover_pool.h"

#define MAX_SEEDS 24

static const char *out;
static struct pc_header hdr;
static int engine, nseeds;
static uint8_t *last; /* the metadata of the last seed */

/* Whether a lane of the media holds a record (a non-zero first word). */
static int pending(const struct pc_media *m)
{
	uint64_t first = hdr.incompat & PC_INCOMPAT_HARDWARE
				 ? PC_UNDO_START + 16 /* entry seq */
				 : 0;

	for (uint32_t i = 0; i < hdr.lanes; i++) {
		uint64_t v;

		memcpy(&v,
		       m->base + hdr.lanes_off + (uint64_t)i * hdr.lane_size +
			       first,
		       8);
		if (v)
			return 1;
	}
	return 0;
}

/* Writes the flags byte and the media's metadata as a seed. */
static void write_seed(const struct pc_media *m, uint8_t flags)
{
	size_t meta = fr_meta_len(&hdr);
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%02d-%x", out, engine ? "hw" : "sw",
		 nseeds, flags);
	f = fopen(path, "w");
	if (!f || fputc(flags, f) == EOF ||
	    fwrite(m->base + hdr.lanes_off, 1, meta, f) != meta || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/*
 * At a fence with a new record pending: the metadata as a seed, as it is
 * and resealed (so that mutated records keep matching checksums, and the
 * map agreeing with them).
 */
static void catch_seed(struct pc_media *m, enum pc_media_event ev, uint64_t off,
		       size_t len)
{
	size_t meta = fr_meta_len(&hdr);

	if (ev != PC_EV_FENCE || nseeds >= MAX_SEEDS || !pending(m) ||
	    (last && !memcmp(last, m->base + hdr.lanes_off, meta)))
		return;
	free(last);
	last = malloc(meta);
	if (!last)
		exit(1);
	memcpy(last, m->base + hdr.lanes_off, meta);
	write_seed(m, (uint8_t)engine);
	write_seed(m, (uint8_t)engine | FR_RESEAL);
	write_seed(m, (uint8_t)engine | FR_RESEAL | FR_AGREE);
	nseeds++;
}

/* Updates that commit records: several units, sectors, transactions. */
static int workload(struct pmemcrypt_pool *pool)
{
	uint8_t buf[2 * PMEMCRYPT_UNIT_SIZE], *base;
	struct pmemcrypt_tx *tx;
	int ret;

	memset(buf, 0x33, sizeof(buf));
	ret = pmemcrypt_write(pool, buf, sizeof(buf), 6 * PMEMCRYPT_UNIT_SIZE);
	if (!ret)
		ret = pmemcrypt_write(pool, buf, 900, PMEMCRYPT_UNIT_SIZE + 50);
	if (!ret)
		ret = pmemcrypt_write(pool, buf, 3000,
				      2 * PMEMCRYPT_UNIT_SIZE - 1000);
	base = pmemcrypt_pool_base(pool);
	for (int abort_it = 0; abort_it < 2 && !ret; abort_it++) {
		ret = pmemcrypt_tx_begin(pool, &tx);
		if (!ret)
			ret = pmemcrypt_tx_add(tx, base + 10, 100);
		if (!ret)
			ret = pmemcrypt_tx_add(tx, base + 3 * 4096 + 7, 2000);
		memset(base + 10, 0x44, 100);
		memset(base + 3 * 4096 + 7, 0x55, 2000);
		if (!ret && abort_it)
			pmemcrypt_tx_abort(&tx);
		else if (!ret)
			ret = pmemcrypt_tx_commit(&tx);
	}
	return ret;
}

static int seeds_of(const char *dir, int hw)
{
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[32];
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/recover-%d.pool", dir, hw);
	fr_key_bytes(raw);
	ret = fr_make_pool(path, hw);
	if (!ret)
		ret = pmemcrypt_key_from_raw(&key, raw);
	if (!ret)
		ret = pmemcrypt_pool_open(&pool, path, key, 0);
	if (!ret) {
		hdr = pool->hdr;
		engine = hw;
		nseeds = 0;
		pc_media_hook = catch_seed;
		ret = workload(pool);
		pc_media_hook = NULL;
	}
	if (ret)
		fprintf(stderr, "make_recover_seeds: %s\n",
			pmemcrypt_errormsg());
	else if (!nseeds)
		ret = fprintf(stderr, "make_recover_seeds: no record seen\n");
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	free(last);
	last = NULL;
	unlink(path);
	return ret;
}

int main(int argc, char **argv)
{
	char dir[64];
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: make_recover_seeds OUTDIR\n");
		return 2;
	}
	out = argv[1];
	if (mkdir(out, 0700) && errno != EEXIST) {
		perror(out);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/seeds.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	ret = seeds_of(dir, 0) || seeds_of(dir, 1);
	rmdir(dir);
	return ret;
}

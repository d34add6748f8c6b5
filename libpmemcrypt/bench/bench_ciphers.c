// SPDX-License-Identifier: BSD-3-Clause
/* bench_ciphers.c -- crypto libraries on 4 KiB units, alone and with pmem2 */

/*
 * Measures, single-threaded, how fast each Debian-packaged crypto library
 * encrypts 4 KiB data units with a fresh tweak/IV per unit (AES-256-XTS,
 * AES-128-XTS, AES-256-GCM with a 16-byte tag), then the fastest XTS and
 * GCM library combined with a libpmem2 write to a mapped file in /dev/shm.
 *
 * Every implementation is first checked against published vectors (IEEE
 * 1619, GCM test case 15) and against OpenSSL on random 4 KiB units; a
 * mismatch prints a FAIL line, its figures are never printed and the
 * program exits 1.
 *
 * Usage: bench_ciphers [seconds-per-line]   (default 1.25)
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>
#include <intel-ipsec-mb.h>
#include <libpmem2.h>
#include <nettle/version.h>
#include <openssl/crypto.h>

#include "bench_ciphers.h"

/* ---- correctness ---- */

/* Decodes a hex string into buf; returns the byte count. */
static size_t unhex(const char *s, uint8_t *buf)
{
	size_t n = 0;

	for (; s[0] && s[1]; s += 2) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		buf[n++] = (uint8_t)v;
	}
	return n;
}

struct kat {
	enum mode mode;
	const char *what, *key, *iv, *pt, *ct, *tag;
};

/* IEEE 1619-2007 vectors 2 and 10 (first two blocks; XTS blocks without
 * stealing are independent), GCM spec test case 15. */
static const struct kat kats[] = {
	{XTS128, "IEEE 1619 vector 2",
	 "1111111111111111111111111111111122222222222222222222222222222222",
	 "33333333330000000000000000000000",
	 "4444444444444444444444444444444444444444444444444444444444444444",
	 "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0",
	 NULL},
	{XTS256, "IEEE 1619 vector 10",
	 "2718281828459045235360287471352662497757247093699959574966967627"
	 "3141592653589793238462643383279502884197169399375105820974944592",
	 "ff000000000000000000000000000000",
	 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	 "1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b",
	 NULL},
	{GCM256, "GCM test case 15",
	 "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	 "cafebabefacedbaddecaf888",
	 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	 "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	 "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	 "b094dac5d93471bdec1a502270e3cc6c"},
};

/* Runs the published vectors of the engine's mode on a fresh instance. */
static int check_kat(struct engine *e)
{
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *k = &kats[i];
		uint8_t key[64], iv[16], pt[64], ct[64], out[64], tag[16];
		uint8_t otag[16];
		struct engine t = *e;
		size_t n;
		int rc;

		if (k->mode != e->mode)
			continue;
		unhex(k->key, key);
		unhex(k->iv, iv);
		n = unhex(k->pt, pt);
		unhex(k->ct, ct);
		if (k->tag)
			unhex(k->tag, tag);
		if (t.setup(&t, key)) {
			printf("FAIL %s: setup failed for %s\n", e->name,
			       k->what);
			return -1;
		}
		rc = t.enc(&t, iv, out, pt, n, otag);
		t.teardown(&t);
		if (rc || memcmp(out, ct, n) ||
		    (k->tag && memcmp(otag, tag, TAG_LEN))) {
			printf("FAIL %s: %s does not match\n", e->name,
			       k->what);
			return -1;
		}
	}
	return 0;
}

static uint8_t *plain;	/* one 4 KiB plaintext unit, random */
static uint8_t *bounce; /* L1-resident ciphertext buffer */
static uint8_t *refbuf; /* reference ciphertext */
static uint8_t tagbuf[TAG_LEN], reftag[TAG_LEN];

/* Checks one unit of an engine against OpenSSL's output for that unit. */
static int same_as_reference(struct engine *e, uint64_t unit, const uint8_t *ct,
			     const uint8_t *tag)
{
	struct engine *r = reference(e->mode);
	uint8_t iv[XTS_IV_LEN];

	unit_iv(e->mode, unit, iv);
	if (r->enc(r, iv, refbuf, plain, UNIT, reftag))
		return 0;
	if (memcmp(ct, refbuf, UNIT))
		return 0;
	return e->mode != GCM256 || !tag || !memcmp(tag, reftag, TAG_LEN);
}

/* Published vectors, then 4 KiB units compared with OpenSSL. */
static int check_engine(struct engine *e)
{
	static const uint64_t units[] = {0, 1, 0xff, 0x123456789aULL,
					 UINT64_MAX};
	uint8_t iv[XTS_IV_LEN];

	if (check_kat(e))
		return -1;
	if (e == reference(e->mode))
		return 0; /* the reference itself: vectors only */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		unit_iv(e->mode, units[i], iv);
		memset(tagbuf, 0, TAG_LEN);
		if (e->enc(e, iv, bounce, plain, UNIT, tagbuf) ||
		    !same_as_reference(e, units[i], bounce, tagbuf)) {
			printf("FAIL %s: 4 KiB unit %#llx differs from "
			       "OpenSSL\n",
			       e->name, (unsigned long long)units[i]);
			return -1;
		}
	}
	return 0;
}

/* ---- pmem2 ---- */

struct pmem {
	struct pmem2_map *map;
	uint8_t *addr;
	size_t nunits;
	pmem2_memcpy_fn memcpy_fn;
	pmem2_flush_fn flush;
	pmem2_drain_fn drain;
};

/* Maps a fresh, already unlinked file in dir with cache-line granularity
 * forced and required; returns 0 or prints why not. */
static int pmem_open(struct pmem *pm, const char *dir, size_t size)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	char path[256];
	int fd, rc = -1;

	if (setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1))
		return -1;
	snprintf(path, sizeof(path), "%s/pmemcrypt-bench-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		printf("pmem2: cannot create a file in %s: %s\n", dir,
		       strerror(errno));
		return -1;
	}
	unlink(path);
	errno = posix_fallocate(fd, 0, (off_t)size);
	if (errno) {
		printf("pmem2: cannot allocate %zu MiB in %s: %s\n", size >> 20,
		       dir, strerror(errno));
		goto out;
	}
	if (pmem2_config_new(&cfg) ||
	    pmem2_config_set_required_store_granularity(
		    cfg, PMEM2_GRANULARITY_CACHE_LINE) ||
	    pmem2_source_from_fd(&src, fd) ||
	    pmem2_map_new(&pm->map, cfg, src)) {
		printf("pmem2: cannot map a file in %s: %s\n", dir,
		       pmem2_errormsg());
		goto out;
	}
	pm->addr = pmem2_map_get_address(pm->map);
	pm->nunits = pmem2_map_get_size(pm->map) / UNIT;
	pm->memcpy_fn = pmem2_get_memcpy_fn(pm->map);
	pm->flush = pmem2_get_flush_fn(pm->map);
	pm->drain = pmem2_get_drain_fn(pm->map);
	/* fault every page in now, not during the measurement */
	memset(pm->addr, 0, pm->nunits * UNIT);
	pmem2_get_persist_fn(pm->map)(pm->addr, pm->nunits * UNIT);
	rc = 0;
out:
	if (src)
		pmem2_source_delete(&src);
	if (cfg)
		pmem2_config_delete(&cfg);
	close(fd);
	return rc;
}

/* ---- measurement ---- */

struct work {
	int (*step)(struct work *w, uint64_t unit);
	struct engine *e;
	struct pmem *pm;
	uint64_t last; /* last unit written */
};

/* Encrypts one unit from the plaintext into the L1 buffer. */
static int step_cipher(struct work *w, uint64_t unit)
{
	uint8_t iv[XTS_IV_LEN];

	unit_iv(w->e->mode, unit, iv);
	return w->e->enc(w->e, iv, bounce, plain, UNIT, tagbuf);
}

/* Returns the mapping address of a unit (units wrap around the file). */
static uint8_t *unit_addr(struct work *w, uint64_t unit)
{
	return w->pm->addr + (unit % w->pm->nunits) * UNIT;
}

/* Plain non-temporal copy of the plaintext into the mapping, then drain. */
static int step_ntcopy(struct work *w, uint64_t unit)
{
	w->pm->memcpy_fn(unit_addr(w, unit), plain, UNIT,
			 PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN);
	w->pm->drain();
	w->last = unit;
	return 0;
}

/* Encrypts into the L1 buffer, non-temporal copy to the mapping, drain. */
static int step_enc_ntcopy(struct work *w, uint64_t unit)
{
	uint8_t iv[XTS_IV_LEN];

	unit_iv(w->e->mode, unit, iv);
	if (w->e->enc(w->e, iv, bounce, plain, UNIT, tagbuf))
		return -1;
	w->pm->memcpy_fn(unit_addr(w, unit), bounce, UNIT,
			 PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN);
	w->pm->drain();
	w->last = unit;
	return 0;
}

/* Encrypts straight into the mapping, then flushes and drains. */
static int step_enc_direct(struct work *w, uint64_t unit)
{
	uint8_t iv[XTS_IV_LEN];
	uint8_t *dst = unit_addr(w, unit);

	unit_iv(w->e->mode, unit, iv);
	if (w->e->enc(w->e, iv, dst, plain, UNIT, tagbuf))
		return -1;
	w->pm->flush(dst, UNIT);
	w->pm->drain();
	w->last = unit;
	return 0;
}

/* Returns monotonic time in seconds. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs steps for at least secs seconds; returns GB/s or -1 on error. */
static double run_for(struct work *w, double secs, uint64_t *unit)
{
	double t0 = now(), el;
	uint64_t n = 0;

	do {
		for (int i = 0; i < BATCH; i++)
			if (w->step(w, (*unit)++))
				return -1;
		n += BATCH;
		el = now() - t0;
	} while (el < secs);
	return (double)n * UNIT / el / 1e9;
}

/* Orders doubles for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Measures a workload: a short warm-up, then NTRIALS trials; median and
 * best GB/s. */
static int measure(struct work *w, double secs, double *med, double *best)
{
	double g[NTRIALS];
	uint64_t unit = 1;

	if (run_for(w, 0.05, &unit) < 0)
		return -1;
	for (int i = 0; i < NTRIALS; i++) {
		g[i] = run_for(w, secs / NTRIALS, &unit);
		if (g[i] < 0)
			return -1;
	}
	qsort(g, NTRIALS, sizeof(g[0]), cmp_double);
	*med = g[NTRIALS / 2];
	*best = g[NTRIALS - 1];
	return 0;
}

/* Prints one table line. */
static void print_line(const char *name, double med, double best)
{
	printf("%-28s %7.2f %7.2f\n", name, med, best);
}

/* Measures an encrypt+pmem2 workload, then checks that the last unit in
 * the mapping is what it should be; returns the median GB/s or -1. */
static double combo(const char *name, struct work *w, double secs)
{
	double med, best;
	const uint8_t *got;
	int good;

	if (measure(w, secs, &med, &best)) {
		printf("FAIL %s: an encryption call failed\n", name);
		return -1;
	}
	got = unit_addr(w, w->last);
	if (!w->e)
		good = !memcmp(got, plain, UNIT);
	else
		good = same_as_reference(w->e, w->last, got, NULL);
	if (!good) {
		printf("FAIL %s: unit %#llx in the mapping is wrong\n", name,
		       (unsigned long long)w->last);
		return -1;
	}
	print_line(name, med, best);
	return med;
}

static char ratios[32][80];
static int nratios;

/* Records "ratio: name = a/b", printed after the table, when both exist. */
static void ratio(const char *name, double a, double b)
{
	if (a > 0 && b > 0 && nratios < 32)
		snprintf(ratios[nratios++], sizeof(ratios[0]),
			 "ratio: %s = %.2f", name, a / b);
}

/* Returns the correct, measured engine of a mode with the best median. */
static struct engine *fastest(enum mode m)
{
	struct engine *best = NULL;

	for (size_t i = 0; i < nengines; i++) {
		struct engine *e = &engines[i];

		if (e->mode == m && e->measured &&
		    (!best || e->med > best->med))
			best = e;
	}
	return best;
}

/* Prints the CPU model and library versions. */
static void print_header(double secs)
{
	char line[256], *model = NULL;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10)) {
			model = strchr(line, ':');
			model = model ? model + 2 : NULL;
			if (model)
				model[strcspn(model, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	printf("bench_ciphers: 4 KiB units, 1 thread, %.2f s per line; GB/s = "
	       "1e9 B/s,\n"
	       "  median and best of %d trials; fresh tweak/IV per unit\n",
	       secs, NTRIALS);
	printf("cpu: %s\n", model ? model : "unknown");
	printf("libs: libgcrypt %s, %s, nettle %d.%d, ipsec-mb %s\n",
	       gcry_check_version(NULL), OpenSSL_version(OPENSSL_VERSION),
	       nettle_version_major(), nettle_version_minor(),
	       imb_get_version_str());
}

/* Checks every engine, measures the correct ones, prints table and ratios. */
int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 1.25;
	uint8_t keys[NMODES][64];
	struct pmem pm = {0};
	struct engine *bx, *bg, *ox;
	double nt, v;
	int failed = 0;

	if (!(secs > 0) || secs > 60) {
		fprintf(stderr, "usage: %s [seconds-per-line, 0-60]\n",
			argv[0]);
		return 2;
	}
	if (!gcry_check_version(GCRYPT_VERSION)) {
		fprintf(stderr, "libgcrypt: version mismatch\n");
		return 1;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);

	plain = aligned_alloc(64, UNIT);
	bounce = aligned_alloc(64, UNIT);
	refbuf = aligned_alloc(64, UNIT);
	if (!plain || !bounce || !refbuf || getrandom(plain, UNIT, 0) != UNIT ||
	    getrandom(keys, sizeof(keys), 0) != sizeof(keys)) {
		fprintf(stderr, "bench_ciphers: out of memory or randomness\n");
		return 1;
	}
	print_header(secs);

	/* keys, checks */
	for (size_t i = 0; i < nengines; i++) {
		struct engine *e = &engines[i];

		snprintf(e->name, sizeof(e->name), "%s_%s", mode_name[e->mode],
			 e->lib);
		if (e->na)
			continue;
		if (e->setup(e, keys[e->mode])) {
			printf("FAIL %s: setup failed\n", e->name);
			failed = 1;
			continue;
		}
		e->ok = 1;
	}
	for (size_t i = 0; i < nengines; i++) {
		struct engine *e = &engines[i];

		if (!e->ok)
			continue;
		if (!reference(e->mode)->ok || check_engine(e)) {
			if (!reference(e->mode)->ok)
				printf("FAIL %s: no OpenSSL reference\n",
				       e->name);
			e->ok = 0;
			failed = 1;
		}
	}
	printf("checks: IEEE 1619 / GCM vectors and 4 KiB units vs OpenSSL: "
	       "%s\n",
	       failed ? "FAILED (see FAIL lines)" : "all passed");
	printf("ipsec-mb arch: %s\n\n", imb_arch_name);

	printf("%-28s %7s %7s\n", "name", "GB/s", "best");
	for (size_t i = 0; i < nengines; i++) {
		struct engine *e = &engines[i];
		struct work w = {step_cipher, e, NULL, 0};

		if (e->na) {
			printf("%-28s %7s  (%s)\n", e->name, "n/a", e->na);
			continue;
		}
		if (!e->ok)
			continue;
		if (measure(&w, secs, &e->med, &e->best)) {
			printf("FAIL %s: an encryption call failed\n", e->name);
			failed = 1;
			continue;
		}
		e->measured = 1;
		print_line(e->name, e->med, e->best);
	}

	/* ratios against OpenSSL */
	for (size_t i = 0; i < nengines; i++) {
		struct engine *e = &engines[i], *r = reference(e->mode);
		char name[64];

		if (!e->measured || e == r || !r->measured)
			continue;
		snprintf(name, sizeof(name), "%s_vs_openssl", e->name);
		ratio(name, e->med, r->med);
	}

	/* with pmem2 */
	bx = fastest(XTS256);
	bg = fastest(GCM256);
	ox = reference(XTS256);
	nt = -1;
	if (pmem_open(&pm, MAP_DIR, MAP_SIZE) == 0) {
		struct work w = {step_ntcopy, NULL, &pm, 0};
		struct engine *combos[3] = {bx, bg, ox != bx ? ox : NULL};
		char name[64];

		printf("\npmem2: %zu MiB file in %s, granularity %s, "
		       "nt copy = pmem2 memcpy NONTEMPORAL|NODRAIN + drain per "
		       "unit\n",
		       pm.nunits * UNIT >> 20, MAP_DIR,
		       pmem2_map_get_store_granularity(pm.map) ==
				       PMEM2_GRANULARITY_CACHE_LINE
			       ? "CACHE_LINE"
			       : "other");
		nt = combo("ntcopy", &w, secs);
		failed |= nt < 0;
		for (int i = 0; i < 3; i++) {
			struct engine *e = combos[i];

			if (!e || !e->measured)
				continue;
			w.e = e;
			w.step = step_enc_ntcopy;
			snprintf(name, sizeof(name), "%s+ntcopy", e->name);
			v = combo(name, &w, secs);
			failed |= v < 0;
			ratio(strcat(name, "_vs_ntcopy"), v, nt);
			if (e == ox && i == 2)
				continue; /* OpenSSL: reference only */
			w.step = step_enc_direct;
			snprintf(name, sizeof(name), "%s+direct+flush",
				 e->name);
			v = combo(name, &w, secs);
			failed |= v < 0;
			ratio(strcat(name, "_vs_ntcopy"), v, nt);
		}
		pmem2_map_delete(&pm.map);
	} else {
		printf("pmem2: combination lines skipped\n");
	}

	printf("\n");
	for (int i = 0; i < nratios; i++)
		printf("%s\n", ratios[i]);
	printf("fastest correct: xts256 %s, gcm256 %s\n", bx ? bx->lib : "none",
	       bg ? bg->lib : "none");

	for (size_t i = 0; i < nengines; i++)
		if (engines[i].ok)
			engines[i].teardown(&engines[i]);
	free(plain);
	free(bounce);
	free(refbuf);
	return failed ? 1 : 0;
}

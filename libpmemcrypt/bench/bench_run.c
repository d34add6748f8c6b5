// SPDX-License-Identifier: BSD-3-Clause
/* bench_run.c -- times a side's threads, each on its own range */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

uint8_t bench_src[1 << 20] __attribute__((aligned(64)));

double bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

void bench_die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_pool: %s: %s\n", what, msg);
	exit(1);
}

/* xorshift: reproducible offsets and sizes, the same for every side. */
uint64_t bench_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

uint64_t bench_seed(int t)
{
	return 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_range(const struct bench_run *r, int t, uint64_t *lo, uint64_t *len)
{
	uint64_t units = r->size / BENCH_UNIT / (uint64_t)r->nthreads;

	*lo = (uint64_t)t * units * BENCH_UNIT;
	*len = units * BENCH_UNIT;
}

uint64_t bench_unit_at(const struct bench_run *r, int t, uint64_t *seed)
{
	uint64_t lo, len;

	bench_range(r, t, &lo, &len);
	return lo + bench_rnd(seed) % (len / BENCH_UNIT) * BENCH_UNIT;
}

void bench_small_at(const struct bench_run *r, int t, uint64_t *seed,
		    size_t extra, uint64_t *off, size_t *len)
{
	uint64_t lo, range;

	bench_range(r, t, &lo, &range);
	*len = BENCH_TX_MIN +
	       bench_rnd(seed) % (BENCH_TX_MAX - BENCH_TX_MIN + 1);
	*off = lo + bench_rnd(seed) % (range - *len - extra);
}

struct worker {
	const struct bench_side *side;
	struct bench_run *run;
	pthread_barrier_t *start;
	int t;
	uint64_t ops;
	double t0, t1;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->start);
	w->t0 = bench_now();
	w->side->loop(w->run, w->t, w->ops);
	w->t1 = bench_now();
	return NULL;
}

double bench_run(const struct bench_side *s, const char *path, uint64_t size,
		 int nthreads, uint64_t ops)
{
	struct bench_run r = {path, size, nthreads, NULL};
	struct worker w[BENCH_MAX_THREADS];
	pthread_t th[BENCH_MAX_THREADS];
	pthread_barrier_t start;
	double t0, t1;

	if (nthreads < 1 || nthreads > BENCH_MAX_THREADS)
		bench_die(s->id, "bad thread count");
	if (s->open(&r))
		bench_die(s->id, "cannot open");
	pthread_barrier_init(&start, NULL, (unsigned)nthreads);
	for (int t = 0; t < nthreads; t++) {
		w[t] = (struct worker){
			s, &r, &start, t, ops / (uint64_t)nthreads, 0, 0};
		if (pthread_create(&th[t], NULL, work, &w[t]))
			bench_die(s->id, "pthread_create failed");
	}
	for (int t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&start);
	s->close(&r);
	t0 = w[0].t0;
	t1 = w[0].t1;
	for (int t = 1; t < nthreads; t++) {
		t0 = w[t].t0 < t0 ? w[t].t0 : t0;
		t1 = w[t].t1 > t1 ? w[t].t1 : t1;
	}
	ops = ops / (uint64_t)nthreads * (uint64_t)nthreads;
	return s->tx ? ops / (t1 - t0)
		     : ops * (double)BENCH_UNIT / (t1 - t0) / 1e9;
}

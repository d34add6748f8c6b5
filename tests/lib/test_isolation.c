// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_isolation.c -- a transaction is all or nothing whatever other
 * threads do: threads run transactions on disjoint ranges of the same
 * sectors, the process is killed, and every thread's last transaction is
 * found whole or not at all, on both engines; and a commit with no other
 * transaction open never takes the stores of one that begins meanwhile
 */

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binding.h"
#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE
#define NTHREADS 4
#define SPAN 200 /* bytes of a thread's range, every 256 bytes */
#define ROUNDS 6 /* kills per engine */
static const uint64_t units[2] = {0, 5}; /* a transaction's two units */

/* Shared with the parent: the last generation each thread committed. */
static volatile uint32_t *committed;
static struct pmemcrypt_pool *pool;

/* The byte of generation g (never 0: 0 is a range never written). */
static uint8_t gen_byte(uint32_t g)
{
	return (uint8_t)(g % 255 + 1);
}

static uint64_t range_off(int t, int i)
{
	return units[i] * UNIT + (uint64_t)t * 256;
}

/*
 * A thread: transactions that store generation g in its range of unit 0,
 * wait, store it in its range of unit 5, and commit.  Meanwhile the other
 * threads commit theirs, in the same sectors.
 */
static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	uint8_t *base = pmemcrypt_pool_base(pool);

	for (uint32_t g = committed[t] + 1;; g++) {
		struct pmemcrypt_tx *tx;

		if (pmemcrypt_tx_begin(pool, &tx))
			_exit(20);
		for (int i = 0; i < 2; i++) {
			if (pmemcrypt_tx_add(tx, base + range_off(t, i), SPAN))
				_exit(21);
			memset(base + range_off(t, i), gen_byte(g), SPAN);
			usleep(20);
		}
		if (pmemcrypt_tx_commit(&tx))
			_exit(22);
		committed[t] = g;
	}
	return NULL;
}

/* The killed process: opens the pool, runs the threads until killed. */
static int run_threads(void *arg)
{
	struct pmemcrypt_key *key = th_raw_key(7);
	pthread_t threads[NTHREADS];

	if (pmemcrypt_pool_open(&pool, arg, key, 0))
		return 10;
	for (int t = 0; t < NTHREADS; t++)
		if (pthread_create(&threads[t], NULL, worker,
				   (void *)(intptr_t)t))
			return 11;
	pause();
	return 12;
}

/*
 * After the kill: each thread's two ranges hold one generation, the last
 * it committed or the one it was committing; nothing else was written.
 */
static void verify(const char *path)
{
	struct pmemcrypt_key *key = th_raw_key(7);
	struct pmemcrypt_pool *p = th_open(path, key);
	static uint8_t got[6 * UNIT];
	char why[160] = "";

	assert_int_equal(pmemcrypt_read(p, got, sizeof(got), 0), 0);
	pmemcrypt_pool_close(&p);
	pmemcrypt_key_delete(&key);
	for (int t = 0; t < NTHREADS && !why[0]; t++) {
		uint8_t want = got[range_off(t, 0)];
		uint32_t c = committed[t];

		for (int i = 0; i < 2; i++)
			for (size_t b = 0; b < SPAN && !why[0]; b++)
				if (got[range_off(t, i) + b] != want)
					snprintf(why, sizeof(why),
						 "thread %d: byte %zu of range "
						 "%d is %#x, not %#x: half a "
						 "transaction persisted",
						 t, b, i,
						 got[range_off(t, i) + b],
						 want);
		if (!why[0] && want != (c ? gen_byte(c) : 0) &&
		    want != gen_byte(c + 1))
			snprintf(why, sizeof(why),
				 "thread %d: generation byte %#x, committed %u",
				 t, want, c);
	}
	if (why[0])
		fail_msg("%s", why);
	for (int i = 0; i < 2; i++)
		for (uint64_t b = 0; b < UNIT; b++)
			if (b % 256 >= SPAN || b >= NTHREADS * 256)
				assert_int_equal(got[units[i] * UNIT + b], 0);
}

static void kill_rounds(const char *name, enum pmemcrypt_engine engine)
{
	const char *path = th_path(name);
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(7);
	struct pmemcrypt_pool *p = NULL;

	unlink(path);
	memset((void *)committed, 0, NTHREADS * sizeof(*committed));
	assert_int_equal(pmemcrypt_config_set_engine(cfg, engine), 0);
	assert_int_equal(pmemcrypt_pool_create(&p, path, cfg, key), 0);
	pmemcrypt_pool_close(&p);
	for (int r = 0; r < ROUNDS; r++) {
		int status;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			th_child_signals();
			alarm(30);
			_exit(run_threads((void *)path));
		}
		/* Long enough for many commits and leaks of the others. */
		usleep(30000 + 20000 * (useconds_t)r);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			fail_msg("the threads stopped by themselves (%#x)",
				 status);
		verify(path);
	}
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
}

static void test_software(void **state)
{
	kill_rounds("iso-sw.pool", PMEMCRYPT_ENGINE_SOFTWARE);
}

static void test_hardware(void **state)
{
	pc_binding_assume_bound = 1;
	kill_rounds("iso-hw.pool", PMEMCRYPT_ENGINE_HARDWARE);
	pc_binding_assume_bound = 0;
}

/*
 * A lone committer and a thread whose transactions always abort, in the
 * same sector: a commit that runs while no other transaction is open
 * takes its sectors from the view, and must not take the other thread's
 * stores when that thread begins, adds and stores meanwhile.
 */
#define RACE_SECONDS 2
#define RACE_OTHER (UNIT - 256) /* the aborting thread's range */
static volatile int race_stop;
static volatile uint64_t race_leaks, race_aborts, race_commits;

static void *aborter(void *arg)
{
	uint8_t *r = (uint8_t *)pmemcrypt_pool_base(pool) + RACE_OTHER;

	(void)arg;
	while (!race_stop) {
		struct pmemcrypt_tx *tx;

		if (pmemcrypt_tx_begin(pool, &tx) ||
		    pmemcrypt_tx_add(tx, r, 64))
			_exit(30);
		memset(r, 0xee, 64);
		pmemcrypt_tx_abort(&tx);
		/* The abort restored the durable bytes: never 0xee. */
		if (r[0] || r[63])
			race_leaks++;
		race_aborts++;
	}
	return NULL;
}

static void test_lone_commit_race(void **state)
{
	const char *path = th_path("iso-race.pool");
	struct pmemcrypt_key *key = th_raw_key(7);
	uint8_t *base, got[64], zero[64] = {0};
	struct timespec t0, t;
	pthread_t th;

	unlink(path);
	pool = th_create(path, TH_POOL_SIZE, key);
	base = pmemcrypt_pool_base(pool);
	race_stop = 0;
	race_leaks = race_aborts = race_commits = 0;
	assert_int_equal(pthread_create(&th, NULL, aborter, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct pmemcrypt_tx *tx;

		assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
		/* A range in every sector: all four are copied. */
		for (int k = 0; k < 4; k++) {
			uint8_t *a = base + k * (UNIT / 4);

			assert_int_equal(pmemcrypt_tx_add(tx, a, 64), 0);
			memset(a, (int)(race_commits % 255 + 1), 64);
		}
		assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
		race_commits++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < RACE_SECONDS);
	race_stop = 1;
	pthread_join(th, NULL);
	pmemcrypt_pool_close(&pool);
	pool = th_open(path, key);
	assert_int_equal(pmemcrypt_read(pool, got, sizeof(got), RACE_OTHER), 0);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	printf("# %llu commits, %llu aborts beside them\n",
	       (unsigned long long)race_commits,
	       (unsigned long long)race_aborts);
	if (race_leaks || memcmp(got, zero, sizeof(got)))
		fail_msg("an aborted transaction's store became durable "
			 "(%llu times seen)",
			 (unsigned long long)race_leaks);
}

static int setup(void **state)
{
	committed = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (committed == MAP_FAILED)
		return -1;
	memset((void *)committed, 0, 4096);
	return th_group_setup(state);
}

static int teardown(void **state)
{
	munmap((void *)committed, 4096);
	return th_group_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_software),
		cmocka_unit_test(test_hardware),
		cmocka_unit_test(test_lone_commit_race),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

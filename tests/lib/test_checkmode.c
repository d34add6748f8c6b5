// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_checkmode.c -- check mode: a commit reports the stores to the view
 * outside every open transaction's declared ranges, with their offset and
 * length, on both engines; close reports stores never made durable on the
 * software engine; clean code, and pools without check mode, get no
 * report
 */

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binding.h"
#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE
#define MAX_REPORTS 8

static const enum pmemcrypt_engine SW = PMEMCRYPT_ENGINE_SOFTWARE;
static const enum pmemcrypt_engine HW = PMEMCRYPT_ENGINE_HARDWARE;

/* A report line: "pmemcrypt: check: WHAT: N bytes stored at ... TAIL". */
struct report {
	char what[32];
	size_t len;
	unsigned long long off;
	void *view;
	char tail[128];
};

/* Reports found on stderr between capture_start() and capture_end(). */
static struct report got[MAX_REPORTS];
static int saved_stderr = -1, capture_fd = -1;

/* Sends stderr to a file of the group's directory. */
static void capture_start(void)
{
	fflush(stderr);
	capture_fd = open(th_path("stderr"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(capture_fd >= 0);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(capture_fd, 2), 2);
}

/* Parses one report line into r; 0 when it is none. */
static int parse(const char *line, struct report *r)
{
	const char *at = strstr(line, " stored at pool offset 0x");
	const char *end;

	if (strncmp(line, "pmemcrypt: check: ", 18) || !at ||
	    sscanf(line + 18, "%31[^:]: %zu byte", r->what, &r->len) != 2 ||
	    sscanf(at, " stored at pool offset 0x%llx (view %p)", &r->off,
		   &r->view) != 2)
		return 0;
	end = strchr(at, ')');
	snprintf(r->tail, sizeof(r->tail), "%s", end ? end + 2 : "");
	return 1;
}

/* Gives stderr back; returns the number of reports, stored in got[]. */
static int capture_end(void)
{
	char text[4096], *line, *save = NULL;
	ssize_t n;
	int k = 0;

	fflush(stderr);
	assert_int_equal(dup2(saved_stderr, 2), 2);
	close(saved_stderr);
	n = pread(capture_fd, text, sizeof(text) - 1, 0);
	close(capture_fd);
	assert_true(n >= 0);
	text[n] = '\0';
	/* Shown in the test log too. */
	fputs(text, stderr);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (k < MAX_REPORTS && parse(line, &got[k]))
			k++;
	return k;
}

/* Asserts report i: what, offset, length, view address, tail. */
static void expect_report(int i, const char *what, uint64_t off, size_t len,
			  const uint8_t *base, const char *tail)
{
	assert_string_equal(got[i].what, what);
	assert_int_equal(got[i].off, off);
	assert_int_equal(got[i].len, len);
	assert_ptr_equal(got[i].view, base + off);
	if (!strstr(got[i].tail, tail))
		fail_msg("report \"%s\" lacks \"%s\"", got[i].tail, tail);
}

/* Creates a pool of the engine at name, with check mode on or off. */
static struct pmemcrypt_pool *make(const char *name,
				   enum pmemcrypt_engine engine, int check,
				   struct pmemcrypt_key *key)
{
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_pool *pool = NULL;

	unlink(th_path(name));
	assert_int_equal(pmemcrypt_config_set_engine(cfg, engine), 0);
	assert_int_equal(pmemcrypt_config_set_check(cfg, check), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, th_path(name), cfg, key),
			 0);
	pmemcrypt_config_delete(&cfg);
	assert_int_equal(pmemcrypt_pool_engine(pool), engine);
	return pool;
}

#define MADE "outside any declared range; made durable without being declared"
#define KEPT "outside any declared range; not made durable by this transaction"

/*
 * Runs outside the ranges, one across two sectors and one across two
 * units, are reported at commit, which succeeds, each as what became of
 * it.  On the software engine, with no other transaction open, the
 * sectors the commit writes are taken whole from the view: stores there
 * become durable, those of other sectors stay out of the media, and
 * close reports them.  On the hardware engine every store reaches the
 * media, and close cannot tell.
 */
static void outside(enum pmemcrypt_engine engine)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = make("outside.pool", engine, 1, key);
	uint8_t *base = pmemcrypt_pool_base(pool), buf[16];
	static const uint8_t zero[2 * PMEMCRYPT_UNIT_SIZE];
	struct pmemcrypt_tx *tx;
	int n;

	/* Units 3 and 4 written: the commit rewrites sectors in place. */
	assert_int_equal(pmemcrypt_write(pool, zero, sizeof(zero), 0x3000), 0);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0x3000, 16), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0x4008, 8), 0);
	memset(base + 0x3000, 0xa1, 16);
	memset(base + 0x4008, 0xa2, 8);
	memset(base + 0x3010, 0xb1, 16);
	memset(base + 0x33f8, 0xb2, 16);
	memset(base + 0x3ff8, 0xb3, 16);
	capture_start();
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	n = capture_end();
	if (engine == SW) {
		assert_int_equal(n, 5);
		expect_report(0, "tx_commit", 0x3010, 16, base, MADE);
		expect_report(1, "tx_commit", 0x33f8, 8, base, MADE);
		expect_report(2, "tx_commit", 0x3400, 8, base, KEPT);
		expect_report(3, "tx_commit", 0x3ff8, 8, base, KEPT);
		expect_report(4, "tx_commit", 0x4000, 8, base, MADE);
		th_assert_msg("check: tx_commit: 8 bytes stored at pool offset "
			      "0x4000");
	} else {
		assert_int_equal(n, 3);
		expect_report(0, "tx_commit", 0x3010, 16, base, MADE);
		expect_report(1, "tx_commit", 0x33f8, 16, base, MADE);
		expect_report(2, "tx_commit", 0x3ff8, 16, base, MADE);
		th_assert_msg("check: tx_commit: 16 bytes stored at pool "
			      "offset 0x3ff8");
	}
	capture_start();
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	n = capture_end();
	if (engine == SW) {
		assert_int_equal(n, 2);
		expect_report(0, "pool_close", 0x3400, 8, base,
			      "but never made durable");
		expect_report(1, "pool_close", 0x3ff8, 8, base,
			      "but never made durable");
	} else {
		assert_int_equal(n, 0);
	}
	pool = th_open(th_path("outside.pool"), key);
	assert_int_equal(pmemcrypt_read(pool, buf, 16, 0x3000), 0);
	assert_int_equal(buf[15], 0xa1);
	assert_int_equal(pmemcrypt_read(pool, buf, 16, 0x3010), 0);
	assert_int_equal(buf[0], 0xb1);
	assert_int_equal(pmemcrypt_read(pool, buf, 16, 0x33f8), 0);
	assert_int_equal(buf[7], 0xb2);
	assert_int_equal(buf[8], engine == SW ? 0 : 0xb2);
	assert_int_equal(pmemcrypt_read(pool, buf, 16, 0x3ff8), 0);
	assert_int_equal(buf[7], engine == SW ? 0 : 0xb3);
	assert_int_equal(buf[8], 0xb3);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

static void test_outside_sw(void **state)
{
	outside(SW);
}

static void test_outside_hw(void **state)
{
	outside(HW);
}

/*
 * Stores inside another open transaction's range are not reported, nor
 * are those of a transaction that ended or a persist made durable since;
 * a store outside every range is.
 */
static void other_tx(enum pmemcrypt_engine engine)
{
	struct pmemcrypt_key *key = th_raw_key(2);
	struct pmemcrypt_pool *pool = make("other.pool", engine, 1, key);
	uint8_t *base = pmemcrypt_pool_base(pool);
	struct pmemcrypt_tx *t1, *t2;

	assert_int_equal(pmemcrypt_tx_begin(pool, &t1), 0);
	assert_int_equal(pmemcrypt_tx_begin(pool, &t2), 0);
	assert_int_equal(pmemcrypt_tx_add(t1, base + 0x5000, 64), 0);
	assert_int_equal(pmemcrypt_tx_add(t2, base + 0x5040, 64), 0);
	memset(base + 0x5000, 1, 64);
	memset(base + 0x5040, 2, 64);
	memset(base + 0x5100, 3, 8);
	capture_start();
	assert_int_equal(pmemcrypt_tx_commit(&t1), 0);
	assert_int_equal(capture_end(), 1);
	/* t2 was open: on the software engine the commit took nothing
	 * of the sector but t1's range. */
	expect_report(0, "tx_commit", 0x5100, 8, base,
		      engine == SW ? KEPT : MADE);
	memset(base + 0x5040, 4, 64);
	assert_int_equal(pmemcrypt_persist(pool, base + 0x5100, 8), 0);
	capture_start();
	assert_int_equal(pmemcrypt_tx_commit(&t2), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), 0);
	pmemcrypt_key_delete(&key);
}

static void test_other_tx_sw(void **state)
{
	other_tx(SW);
}

static void test_other_tx_hw(void **state)
{
	other_tx(HW);
}

/*
 * A transaction storing only inside its ranges, in units where persist
 * and write made other bytes durable meanwhile, gets no report; the next
 * one, storing outside, gets one.
 */
static void clean(enum pmemcrypt_engine engine)
{
	struct pmemcrypt_key *key = th_raw_key(3);
	struct pmemcrypt_pool *pool = make("clean.pool", engine, 1, key);
	uint8_t *base = pmemcrypt_pool_base(pool);
	struct pmemcrypt_tx *tx;

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0x6000, 32), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0x6010, 32), 0);
	memset(base + 0x6000, 5, 48);
	memset(base + 0x6100, 6, 8);
	assert_int_equal(pmemcrypt_persist(pool, base + 0x6100, 8), 0);
	assert_int_equal(pmemcrypt_write(pool, "written", 8, 0x6200), 0);
	capture_start();
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_int_equal(capture_end(), 0);

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0x6000, 32), 0);
	memset(base + 0x6000, 7, 32);
	base[0x6300] = 8;
	capture_start();
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_int_equal(capture_end(), 1);
	expect_report(0, "tx_commit", 0x6300, 1, base, MADE);
	th_assert_msg("1 byte stored at pool offset 0x6300");
	assert_int_equal(pmemcrypt_persist(pool, base + 0x6300, 1), 0);
	capture_start();
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), 0);
	pmemcrypt_key_delete(&key);
}

static void test_clean_sw(void **state)
{
	clean(SW);
}

static void test_clean_hw(void **state)
{
	clean(HW);
}

/* A transaction storing at 0x2010, outside its range; n reports of it. */
static void misuse(struct pmemcrypt_pool *pool, int n)
{
	uint8_t *base = pmemcrypt_pool_base(pool);
	struct pmemcrypt_tx *tx;

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0x2000, 16), 0);
	memset(base + 0x2000, 9, 16);
	base[0x2010]++;
	capture_start();
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_int_equal(pmemcrypt_persist(pool, base + 0x2010, 1), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), n);
	if (n)
		expect_report(0, "tx_commit", 0x2010, 1, base, "outside");
}

/*
 * Without check mode (PMEMCRYPT_CHECK unset or 0) nothing is reported;
 * PMEMCRYPT_CHECK=1 turns it on at open.
 */
static void off(enum pmemcrypt_engine engine)
{
	struct pmemcrypt_key *key = th_raw_key(4);
	struct pmemcrypt_pool *pool = make("off.pool", engine, 0, key);
	uint8_t *base = pmemcrypt_pool_base(pool);
	char path[256];

	snprintf(path, sizeof(path), "%s", th_path("off.pool"));

	misuse(pool, 0);
	pool = th_open(path, key);
	base = pmemcrypt_pool_base(pool);
	base[0x7000] = 1;
	capture_start();
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), 0);
	setenv("PMEMCRYPT_CHECK", "0", 1);
	misuse(th_open(path, key), 0);
	setenv("PMEMCRYPT_CHECK", "1", 1);
	misuse(th_open(path, key), 1);
	unsetenv("PMEMCRYPT_CHECK");
	pmemcrypt_key_delete(&key);
}

static void test_off_sw(void **state)
{
	off(SW);
}

static void test_off_hw(void **state)
{
	off(HW);
}

/*
 * Close reports each run of the view that differs from the media, and
 * only those: stores persisted after other stores ("store A, store B,
 * persist A, persist B"), written, committed, or of the value the media
 * holds are not reported.  What it reports is indeed lost.
 */
static void test_close_unpersisted(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(5);
	struct pmemcrypt_pool *pool = make("close.pool", SW, 1, key);
	uint8_t *base = pmemcrypt_pool_base(pool), buf[16];
	struct pmemcrypt_tx *tx;

	memset(base + 0x8000, 1, 16);
	memset(base + 0x9000, 2, 16);
	assert_int_equal(pmemcrypt_persist(pool, base + 0x8000, 16), 0);
	assert_int_equal(pmemcrypt_persist(pool, base + 0x9000, 16), 0);
	assert_int_equal(pmemcrypt_write(pool, "write", 6, 0x9100), 0);
	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 0xa000, 16), 0);
	memset(base + 0xa000, 3, 16);
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	base[0xb000] = 0; /* what the media holds */
	memset(base + 0x8008, 4, 4);
	memset(base + 0xc0fc, 5, 8);
	capture_start();
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), 2);
	expect_report(0, "pool_close", 0x8008, 4, base,
		      "but never made durable");
	expect_report(1, "pool_close", 0xc0fc, 8, base,
		      "but never made durable");
	th_assert_msg("check: pool_close: 8 bytes stored at pool offset "
		      "0xc0fc");
	pool = th_open(th_path("close.pool"), key);
	assert_int_equal(pmemcrypt_read(pool, buf, 16, 0x8000), 0);
	assert_int_equal(buf[8], 1);
	assert_int_equal(pmemcrypt_read(pool, buf, 8, 0xc0fc), 0);
	assert_int_equal(buf[0], 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

/* The same store, reported at close until it is persisted. */
static void test_close_persisted(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(6);
	struct pmemcrypt_pool *pool = make("persisted.pool", SW, 1, key);
	uint8_t *base = pmemcrypt_pool_base(pool);

	memcpy(base + 0xd000, "lost", 5); /* the NUL is what the media holds */
	capture_start();
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), 1);
	expect_report(0, "pool_close", 0xd000, 4, base,
		      "but never made durable");
	setenv("PMEMCRYPT_CHECK", "1", 1);
	pool = th_open(th_path("persisted.pool"), key);
	unsetenv("PMEMCRYPT_CHECK");
	base = pmemcrypt_pool_base(pool);
	memcpy(base + 0xd000, "kept", 5);
	assert_int_equal(pmemcrypt_persist(pool, base + 0xd000, 5), 0);
	capture_start();
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(capture_end(), 0);
	pmemcrypt_key_delete(&key);
}

#define NTHREADS 4
#define ROUNDS 200

static struct pmemcrypt_pool *shared;

/*
 * A thread: transactions on its 200 bytes of every 256 in units 0 and 5,
 * the others doing the same in the same sectors.
 */
static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	uint8_t *base = pmemcrypt_pool_base(shared);

	for (int g = 1; g <= ROUNDS; g++) {
		struct pmemcrypt_tx *tx;

		if (pmemcrypt_tx_begin(shared, &tx))
			return "begin";
		for (int u = 0; u <= 5; u += 5) {
			uint8_t *r = base + u * UNIT + t * 256;

			if (pmemcrypt_tx_add(tx, r, 200))
				return "add";
			memset(r, g, 200);
		}
		if (pmemcrypt_tx_commit(&tx))
			return "commit";
	}
	return NULL;
}

/* Concurrent transactions in the same units, each clean: no report. */
static void threads(enum pmemcrypt_engine engine)
{
	struct pmemcrypt_key *key = th_raw_key(7);
	pthread_t th[NTHREADS];
	void *ret;

	shared = make("threads.pool", engine, 1, key);
	capture_start();
	for (int t = 0; t < NTHREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, worker,
						(void *)(intptr_t)t),
				 0);
	for (int t = 0; t < NTHREADS; t++) {
		assert_int_equal(pthread_join(th[t], &ret), 0);
		if (ret)
			fail_msg("thread %d: %s failed", t, (char *)ret);
	}
	assert_int_equal(capture_end(), 0);
	misuse(shared, 1);
	pmemcrypt_key_delete(&key);
}

static void test_threads_sw(void **state)
{
	threads(SW);
}

static void test_threads_hw(void **state)
{
	threads(HW);
}

static void test_config_null(void **state)
{
	assert_int_equal(pmemcrypt_config_set_check(NULL, 1),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("NULL config");
}

/* Hardware pools on plain files; no PMEMCRYPT_CHECK from outside. */
static int setup(void **state)
{
	pc_binding_assume_bound = 1;
	unsetenv("PMEMCRYPT_CHECK");
	return th_group_setup(state);
}

static int teardown(void **state)
{
	pc_binding_assume_bound = 0;
	return th_group_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_sw),
		cmocka_unit_test(test_outside_hw),
		cmocka_unit_test(test_other_tx_sw),
		cmocka_unit_test(test_other_tx_hw),
		cmocka_unit_test(test_clean_sw),
		cmocka_unit_test(test_clean_hw),
		cmocka_unit_test(test_off_sw),
		cmocka_unit_test(test_off_hw),
		cmocka_unit_test(test_close_unpersisted),
		cmocka_unit_test(test_close_persisted),
		cmocka_unit_test(test_threads_sw),
		cmocka_unit_test(test_threads_hw),
		cmocka_unit_test(test_config_null),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

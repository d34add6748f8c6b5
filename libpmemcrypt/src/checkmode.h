/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * checkmode.h -- check mode: stores to the view outside any declared
 * range, reported at commit, and stores never made durable, at close
 */

#ifndef PC_CHECKMODE_H
#define PC_CHECKMODE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct pmemcrypt_pool;

/*
 * Turns check mode on for a started pool when on is set or the
 * environment has PMEMCRYPT_CHECK=1: the pool's engine is wrapped.
 * Nothing of check mode runs for a pool without it.
 */
int pc_check_start(struct pmemcrypt_pool *p, int on);
/* At close, no transaction open: reports the stores never made durable. */
void pc_check_close(struct pmemcrypt_pool *p);
/* Gives the pool its engine back and frees check mode's state. */
void pc_check_stop(struct pmemcrypt_pool *p);

/* check_report.c: reports, one per run of bytes */

struct pc_reporter {
	struct pmemcrypt_pool *p;
	const char *what; /* the call reporting */
	const char *tail; /* what became of the stores */
	uint64_t off;	  /* the run not reported yet */
	size_t len;	  /* 0: none */
};

/* A pc_run_fn adding a run to a reporter (a pc_reporter). */
void pc_report_run(void *rep, uint64_t off, size_t len);
/* Reports the run not reported yet. */
void pc_report_flush(struct pc_reporter *r);
/*
 * Calls fn for each run of [0, len) where a and b differ and skip (when
 * not NULL) is 0; off is the offset in the view of byte 0.
 */
void pc_diff_runs(const uint8_t *a, const uint8_t *b, const uint8_t *skip,
		  size_t len, uint64_t off, pc_run_fn *fn, void *arg);

#endif

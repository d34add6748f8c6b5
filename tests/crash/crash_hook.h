/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crash_hook.h -- crashes simulated at a media event: libpmemcrypt's media
 * hook journals each store since the last fence; at the chosen event the
 * journal is undone as the crash mode says and the process exits.
 */
#ifndef TESTS_CRASH_HOOK_H
#define TESTS_CRASH_HOOK_H 1

#include <stddef.h>
#include <stdint.h>

#include "media.h"

#define CRASHED 42

/*
 * What a crash keeps of the stores since the last fence: all, none, every
 * other 8-byte word, only the newest store, all but the newest.  Keeping
 * the newest alone catches a missing fence before it.
 */
enum mode { KEEP_ALL, DROP_ALL, TORN, KEEP_NEWEST, DROP_NEWEST, NMODES };
extern const char *const mode_name[NMODES];

/* The event to crash at (counted from 1) and how. */
extern long crash_at;
extern enum mode crash_mode;

/* The hook to set as pc_media_hook in the process that will crash. */
void crash_hook(struct pc_media *m, enum pc_media_event ev, uint64_t off,
		size_t len);
/* Copies a file over an existing one; 0 or 1. */
int copy_file(const char *from, const char *to);

/* One workload crashed at every event under one mode. */
struct crash_run {
	const char *name;
	const char *pristine; /* copied over pool before each run */
	const char *pool;
	enum mode mode;
	/* in a child: runs the workload, *done = operations completed;
	 * exits 0 (or dies at the crash) */
	void (*child)(void *arg, volatile int *done);
	/* after a crash in operation done: nonzero if the pool holds the
	 * state before or after it (why says what is wrong otherwise) */
	int (*verify)(void *arg, int done, char *why, size_t whylen);
	void *arg;
};

/* Runs it; returns the failures (-1: no copy), counts crash points. */
int crash_each(const struct crash_run *run, long *points);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runpipe.h -- running a program without a shell: bytes to its standard
 * input, its standard output and error collected, a time limit
 */

#ifndef RUNPIPE_H
#define RUNPIPE_H

#include <stddef.h>
#include <stdint.h>

/* What a run gave. */
struct runpipe {
	uint8_t *out; /* standard output: up to out_cap bytes (caller's) */
	size_t out_cap, out_len;
	int out_overflow; /* it printed more than out_cap bytes */
	char err[512];	  /* the first bytes of standard error */
	size_t err_len;
	int status; /* the wait status */
};

/*
 * Runs argv (argv[0] looked up in PATH) with in on its standard input,
 * from a socket written with MSG_NOSIGNAL: a program that exits early
 * raises no SIGPIPE in the caller.  The program is made with posix_spawn
 * (it gets no copy of the caller's memory) and, with own_group, leads a
 * process group of its own, which a timeout kills whole.  Returns 0 when
 * it ran to its end (r->status says how), -ETIMEDOUT when it was killed
 * after timeout_ms, or another -errno (-ENOENT: no such program).
 */
int runpipe(char *const argv[], const void *in, size_t in_len,
	    struct runpipe *r, int own_group, int timeout_ms);

/* Whether it exited with status 0. */
int runpipe_ok(const struct runpipe *r);

/* Its standard error as one line of printable characters, for a message. */
const char *runpipe_err_line(struct runpipe *r);

#endif

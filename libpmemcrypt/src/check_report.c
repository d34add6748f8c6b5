// SPDX-License-Identifier: BSD-3-Clause
/*
 * check_report.c -- check mode's reports: runs of bytes of the view,
 * through the thread's error message and on stderr
 */

#include <stdio.h>

#include "checkmode.h"
#include "errormsg.h"
#include "pool.h"

void pc_report_run(void *rep, uint64_t off, size_t len)
{
	struct pc_reporter *r = rep;

	if (r->len && r->off + r->len == off) {
		r->len += len;
		return;
	}
	pc_report_flush(r);
	r->off = off;
	r->len = len;
}

void pc_report_flush(struct pc_reporter *r)
{
	char msg[256];

	if (!r->len)
		return;
	snprintf(msg, sizeof(msg),
		 "check: %s: %zu byte%s stored at pool offset 0x%llx "
		 "(view %p) %s",
		 r->what, r->len, r->len == 1 ? "" : "s",
		 (unsigned long long)r->off, (void *)(r->p->base + r->off),
		 r->tail);
	pc_err(0, "%s", msg);
	fprintf(stderr, "pmemcrypt: %s\n", msg);
	r->len = 0;
}

void pc_diff_runs(const uint8_t *a, const uint8_t *b, const uint8_t *skip,
		  size_t len, uint64_t off, pc_run_fn *fn, void *arg)
{
	size_t i = 0;

	while (i < len) {
		size_t end = i;

		while (end < len && a[end] != b[end] && !(skip && skip[end]))
			end++;
		if (end > i)
			fn(arg, off + i, end - i);
		i = end + 1;
	}
}

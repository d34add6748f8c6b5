// SPDX-License-Identifier: BSD-3-Clause
/* progress.c -- a progress bar on stderr for long pool operations */

#include <stdio.h>
#include <unistd.h>

#include "progress.h"

#define BAR_WIDTH 40

/* Turns the bar on or off from the command line and stderr. */
void progress_init(struct progress *p, enum progress_mode mode)
{
	p->enabled = mode == PROGRESS_ON ||
		     (mode == PROGRESS_AUTO && isatty(STDERR_FILENO));
	p->drawn = false;
	p->percent = -1;
	p->what = NULL;
}

/* Redraws the bar when the phase or percentage changes. */
void progress_update(void *arg, const char *what, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	int percent = total ? (int)(done * 100 / total) : 100;
	int fill = percent * BAR_WIDTH / 100;

	if (!p->enabled || (percent == p->percent && what == p->what))
		return;
	p->percent = percent;
	p->what = what;
	fprintf(stderr, "\r%-16.16s [%.*s%*s] %3d%%", what ? what : "", fill,
		"########################################", BAR_WIDTH - fill,
		"", percent);
	p->drawn = percent < 100;
	if (!p->drawn)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Ends a bar left unfinished, so that what follows starts a new line. */
void progress_end(struct progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = false;
}

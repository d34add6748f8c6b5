/* SPDX-License-Identifier: BSD-3-Clause */
/* progress.h -- a progress bar on stderr for long pool operations */

#ifndef PMEMCRYPT_PROGRESS_H
#define PMEMCRYPT_PROGRESS_H 1

#include <stdbool.h>

#include <libpmemcrypt.h>

/* --progress / --no-progress: getopt_long values and help text. */
#define PROGRESS_OPT_ON 0x180
#define PROGRESS_OPT_OFF 0x181
/* clang-format off */
#define PROGRESS_OPTIONS						\
	{ "progress", no_argument, NULL, PROGRESS_OPT_ON },		\
	{ "no-progress", no_argument, NULL, PROGRESS_OPT_OFF }
/* clang-format on */
#define PROGRESS_HELP                                                       \
	"      --progress        progress bar also when stderr is no tty\n" \
	"      --no-progress     no progress bar\n"

enum progress_mode {
	PROGRESS_AUTO, /* when stderr is a terminal */
	PROGRESS_ON,
	PROGRESS_OFF,
};

struct progress {
	bool enabled;
	bool drawn;	  /* a line is on screen and not ended yet */
	int percent;	  /* last drawn */
	const char *what; /* phase last drawn */
};

void progress_init(struct progress *p, enum progress_mode mode);
pmemcrypt_progress_fn progress_update;
void progress_end(struct progress *p);

#endif

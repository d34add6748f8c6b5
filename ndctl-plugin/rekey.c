// SPDX-License-Identifier: BSD-3-Clause
/*
 * rekey.c -- the kernel's in-place key change of a namespace: a thread
 * blocks in the write of mktme_rekey while this one reads the progress
 * from the same attribute and shows it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "rekey.h"

/* Cells of the progress bar drawn on a terminal */
#define BAR_WIDTH 30
/* Milliseconds between two reads of mktme_rekey */
#define POLL_MS 200

const char *crypt_rekey_text(const struct crypt_rekey *k, char *buf, size_t len)
{
	char d[32], t[32];

	if (!k->recorded || crypt_size_str(d, sizeof(d), k->done) ||
	    crypt_size_str(t, sizeof(t), k->total))
		snprintf(buf, len, "an unknown point");
	else
		snprintf(buf, len, "%s of %s (%u%%)", d, t,
			 crypt_progress_percent(k->done, k->total));
	return buf;
}

/* The write of mktme_rekey, run in its own thread */
struct rekey_job {
	const char *dev;
	key_serial_t serial;
	int err;
	atomic_bool finished;
};

static void *rekey_thread(void *arg)
{
	struct rekey_job *job = arg;

	job->err = crypt_rekey_write(job->dev, job->serial);
	atomic_store(&job->finished, true);
	return NULL;
}

/* What has been shown of the progress */
struct progress {
	const char *dev;
	bool quiet;		  /* show nothing */
	bool tty;		  /* a bar, redrawn in place */
	bool drawn;		  /* the bar is on the screen */
	unsigned int quarter;	  /* without a terminal: quarters printed */
	unsigned long long total; /* the size the kernel reported */
};

/* Shows the progress @k: a bar on a terminal, else a line per quarter. */
static void progress_show(const struct crypt_rekey *k, struct progress *p)
{
	char line[256];
	unsigned int pct;

	if (p->quiet || !k->recorded)
		return;
	p->total = k->total;
	if (p->tty) {
		if (!crypt_progress_bar(line, sizeof(line), k->done, k->total,
					BAR_WIDTH)) {
			fprintf(stderr, "\r%s: %s ", p->dev, line);
			p->drawn = true;
		}
		return;
	}
	pct = crypt_progress_percent(k->done, k->total);
	if (pct / 25 <= p->quarter || pct >= 100)
		return;
	p->quarter = pct / 25;
	fprintf(stderr, "ndctl-crypt: %s: re-encrypted %s\n", p->dev,
		crypt_rekey_text(k, line, sizeof(line)));
}

int crypt_rekey_run(const char *dev, key_serial_t serial,
		    const struct crypt_rekey *from, bool quiet)
{
	const struct timespec pause = {0, POLL_MS * 1000000L};
	struct rekey_job job = {.dev = dev, .serial = serial};
	struct progress p = {
		.dev = dev,
		.quiet = quiet,
		.tty = isatty(STDERR_FILENO),
		/* without a terminal, quarters from where a resumed change
		 * starts */
		.quarter = crypt_progress_percent(from->done, from->total) / 25,
	};
	struct crypt_rekey k;
	pthread_t thread;

	atomic_init(&job.finished, false);
	if (pthread_create(&thread, NULL, rekey_thread, &job)) {
		/* no thread: the same write, without progress */
		return crypt_rekey_write(dev, serial);
	}
	while (!atomic_load(&job.finished)) {
		nanosleep(&pause, NULL);
		if (atomic_load(&job.finished))
			break;
		if (!crypt_rekey_read(dev, &k))
			progress_show(&k, &p);
	}
	pthread_join(thread, NULL);
	if (p.drawn && !job.err) {
		k.recorded = true;
		k.done = k.total = p.total;
		progress_show(&k, &p);
	}
	if (p.drawn)
		fputc('\n', stderr);
	return job.err;
}

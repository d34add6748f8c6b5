// SPDX-License-Identifier: BSD-3-Clause
/* crash_hook.c -- crashes simulated at a media event */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash_hook.h"

const char *const mode_name[NMODES] = {"keep", "drop", "torn", "keep-newest",
				       "drop-newest"};

/* The undo journal of stores since the last fence. */
struct jentry {
	uint64_t off;
	size_t len;
	uint8_t *old;
};

static struct jentry journal[4096];
static int njournal;
static long event_no;
long crash_at;
enum mode crash_mode;

/* Undoes journalled stores as the crash mode says, then dies. */
static void crash(struct pc_media *m)
{
	for (int i = njournal - 1; i >= 0; i--) {
		struct jentry *j = &journal[i];
		int newest = i == njournal - 1;

		if (crash_mode == DROP_ALL ||
		    (crash_mode == KEEP_NEWEST && !newest) ||
		    (crash_mode == DROP_NEWEST && newest))
			memcpy(m->base + j->off, j->old, j->len);
		else if (crash_mode == TORN)
			for (size_t w = 0; w < j->len; w += 16)
				memcpy(m->base + j->off + w, j->old + w,
				       j->len - w < 8 ? j->len - w : 8);
	}
	msync(m->base, m->size, MS_SYNC);
	_exit(CRASHED);
}

void crash_hook(struct pc_media *m, enum pc_media_event ev, uint64_t off,
		size_t len)
{
	if (ev == PC_EV_READ)
		return;
	if (++event_no == crash_at)
		crash(m);
	if (ev == PC_EV_FENCE) {
		for (int i = 0; i < njournal; i++)
			free(journal[i].old);
		njournal = 0;
		return;
	}
	if (njournal == (int)(sizeof(journal) / sizeof(journal[0])))
		abort();
	journal[njournal].off = off;
	journal[njournal].len = len;
	journal[njournal].old = malloc(len);
	memcpy(journal[njournal].old, m->base + off, len);
	njournal++;
}

int copy_file(const char *from, const char *to)
{
	static uint8_t buf[1 << 20];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_TRUNC);
	ssize_t n;
	int ret = in < 0 || out < 0;

	while (!ret && (n = read(in, buf, sizeof(buf))) > 0)
		ret = write(out, buf, (size_t)n) != n;
	close(in);
	close(out);
	return ret;
}

int crash_each(const struct crash_run *run, long *points)
{
	volatile int *done = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int failures = 0;

	if (done == MAP_FAILED)
		return -1;
	for (long k = 1;; k++) {
		char why[256];
		int status;
		pid_t pid;

		if (copy_file(run->pristine, run->pool)) {
			failures = -1;
			break;
		}
		*done = 0;
		pid = fork();
		if (pid == 0) {
			crash_at = k;
			crash_mode = run->mode;
			run->child(run->arg, done);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			/* no crash: the workload ran to its end */
			if (!run->verify(run->arg, *done, why, sizeof(why))) {
				printf("# %s/%s: after the last operation: "
				       "%s\n",
				       run->name, mode_name[run->mode], why);
				failures++;
			}
			break;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != CRASHED) {
			printf("# %s/%s: event %ld: child failed (%d)\n",
			       run->name, mode_name[run->mode], k, status);
			failures++;
			break;
		}
		(*points)++;
		if (!run->verify(run->arg, *done, why, sizeof(why))) {
			printf("# %s/%s: crash at event %ld (op %d): %s\n",
			       run->name, mode_name[run->mode], k, *done, why);
			failures++;
		}
	}
	munmap((void *)done, 4096);
	return failures;
}

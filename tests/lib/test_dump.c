// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_dump.c -- a core dump of a process holding an open pool contains
 * neither half of the data key nor the plaintext it wrote, read and
 * stored through the view; a forked child keeps no key schedule
 */

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "pool.h"

#define UNIT PMEMCRYPT_UNIT_SIZE
#define NTEXTS 4

/* What the dumped process held, to look for in its dump. */
struct secrets {
	uint8_t dek[PC_DEK_SIZE];
	uint8_t text[NTEXTS][UNIT];
};

/* Plaintext no other memory holds: a label and bytes from a seed. */
static void make_text(uint8_t *buf, int i)
{
	static const char label[] = "plaintext 0 of test_dump";

	th_fill(buf, UNIT, 0x5eed00 + (uint32_t)i);
	memcpy(buf, label, sizeof(label));
	buf[10] = (uint8_t)('0' + i);
}

/* Creates the pool and learns its data key, as the dumped process has it. */
static void make_pool(const char *path, struct secrets *s)
{
	struct pmemcrypt_key *key = th_raw_key(4);
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);

	memcpy(s->dek, pool->sec->dek, sizeof(s->dek));
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	for (int i = 0; i < NTEXTS; i++)
		make_text(s->text[i], i);
}

/*
 * The dumped process: opens the pool and moves plaintext through every
 * path (a whole unit written, part of an absent unit written and read, a
 * store through the view made durable, the view faulted in).  Its own
 * buffers are the application's to wipe, and it does.  A control string
 * stays in ordinary memory.  Then it waits to be dumped.
 */
static void dumped_process(const char *path, int ready, int go)
{
	static const char control[] = "control string of test_dump";
	struct pmemcrypt_key *key = th_raw_key(4);
	struct pmemcrypt_pool *pool = NULL;
	uint8_t *base, *buf = malloc(UNIT);
	volatile char *heap = malloc(sizeof(control));
	struct pmemcrypt_tx *tx;
	char c = 'r';

	if (!buf || !heap || pmemcrypt_pool_open(&pool, path, key, 0))
		_exit(10);
	base = pmemcrypt_pool_base(pool);
	memcpy((char *)heap, control, sizeof(control));
	make_text(buf, 0);
	if (pmemcrypt_write(pool, buf, UNIT, 0))
		_exit(11);
	make_text(buf, 1);
	if (pmemcrypt_write(pool, buf, 1000, 5 * UNIT + 100) ||
	    pmemcrypt_read(pool, buf, UNIT, 5 * UNIT))
		_exit(12);
	make_text(buf, 2);
	memcpy(base + 9 * UNIT, buf, UNIT);
	if (pmemcrypt_persist(pool, base + 9 * UNIT, UNIT))
		_exit(13);
	make_text(buf, 3);
	if (pmemcrypt_tx_begin(pool, &tx) ||
	    pmemcrypt_tx_add(tx, base + 12 * UNIT, UNIT))
		_exit(14);
	memcpy(base + 12 * UNIT, buf, UNIT);
	if (pmemcrypt_tx_commit(&tx))
		_exit(15);
	explicit_bzero(buf, UNIT);
	/* Unit 0 faulted into the view passes the fault staging. */
	if (base[0] != 'p')
		_exit(16);
	pmemcrypt_key_delete(&key);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(3);
	/* Killed by the parent, or crashing here. */
	raise(SIGSEGV);
	_exit(4);
}

/* Whether the kernel writes core files (not to a pipe) here. */
static int kernel_cores(void)
{
	char pattern[256] = "";
	int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, pattern, sizeof(pattern) - 1) < 0)
			pattern[0] = '|';
		close(fd);
	}
	return pattern[0] && pattern[0] != '|';
}

/* The core file in dir, or "" when none was written. */
static const char *core_file(const char *dir)
{
	static char path[512];
	DIR *d = opendir(dir);
	struct dirent *e;

	path[0] = '\0';
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "core", 4) &&
		    strlen(dir) + strlen(e->d_name) + 2 <= sizeof(path))
			sprintf(path, "%s/%s", dir, e->d_name);
	if (d)
		closedir(d);
	return path;
}

/* Makes a core of the process: the kernel's on SIGSEGV, else gcore. */
static const char *dump(const char *path, const char *dir, struct secrets *s,
			int *how)
{
	int ready[2], go[2], status;
	char c, cmd[600];
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};

		/* Only the pool's own copies may be found. */
		explicit_bzero(s, sizeof(*s));
		th_child_signals();
		alarm(60);
		if (chdir(dir) || setrlimit(RLIMIT_CORE, &unlimited) ||
		    prctl(PR_SET_DUMPABLE, 1))
			_exit(2);
		dumped_process(path, ready[1], go[0]);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	*how = kernel_cores();
	if (!*how) {
		snprintf(cmd, sizeof(cmd),
			 "gcore -o %s/core %d >/dev/null 2>&1", dir, (int)pid);
		if (system(cmd))
			print_message("# gcore failed\n");
		kill(pid, SIGKILL);
	} else {
		assert_int_equal(write(go[1], "x", 1), 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (*how && !(WIFSIGNALED(status) && WCOREDUMP(status)))
		print_message("# the kernel wrote no core (status %#x)\n",
			      status);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	return core_file(dir);
}

static void test_core_dump(void **state)
{
	const char *path = th_path("dump.pool");
	static char dir[256];
	struct secrets s;
	const char *core;
	int how;

#if defined(__SANITIZE_ADDRESS__)
	print_message("# SKIP: under ASan a core holds its terabytes of "
		      "shadow memory (the plain build runs this test)\n");
	skip();
#endif
	snprintf(dir, sizeof(dir), "%s/cores", th_dir());
	assert_int_equal(mkdir(dir, 0700), 0);
	make_pool(path, &s);
	core = dump(path, dir, &s, &how);
	if (!*core) {
		print_message("# SKIP: no core could be produced here\n");
		skip();
	}
	print_message("# %s core of %llu bytes\n", how ? "kernel" : "gcore",
		      (unsigned long long)th_file_size(core));
	/* The control: the dump holds the process's ordinary memory. */
	assert_true(th_file_contains(core, "control string of test_dump", 27));
	assert_false(th_file_contains(core, s.dek, 32));
	assert_false(th_file_contains(core, s.dek + 32, 32));
	for (int i = 0; i < NTEXTS; i++) {
		/* The label, and bytes from the middle of the unit. */
		assert_false(th_file_contains(core, s.text[i], 24));
		assert_false(th_file_contains(core, s.text[i] + 2000, 64));
	}
	explicit_bzero(&s, sizeof(s));
}

/*
 * Whether the memory of process pid holds needle: every readable mapping
 * of up to 1 GiB, through /proc/PID/mem (a parent may read its child's).
 */
static int memory_contains(pid_t pid, const void *needle, size_t len)
{
	char path[64], line[512];
	unsigned long lo, hi;
	uint8_t *buf = NULL;
	int mem, found = 0;
	char perms[8];
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	mem = open(path, O_RDONLY);
	assert_non_null(maps);
	assert_true(mem >= 0);
	while (!found && fgets(line, sizeof(line), maps)) {
		size_t n;

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || hi - lo > (1ul << 30))
			continue;
		n = hi - lo;
		buf = realloc(buf, n);
		assert_non_null(buf);
		if (pread(mem, buf, n, (off_t)lo) == (ssize_t)n)
			found = memmem(buf, n, needle, len) != NULL;
	}
	free(buf);
	close(mem);
	fclose(maps);
	return found;
}

/* A child forked while a pool is open keeps no copy of its key. */
static void test_forked_child(void **state)
{
	const char *path = th_path("fork.pool");
	struct pmemcrypt_key *key = th_raw_key(5);
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	uint8_t buf[UNIT], dek[PC_DEK_SIZE];
	int ready[2], hold[2];
	pid_t pid;
	char c;

	/* Kept masked: the child must not get this copy either. */
	for (size_t i = 0; i < sizeof(dek); i++)
		dek[i] = pool->sec->dek[i] ^ 0xa5;
	th_fill(buf, sizeof(buf), 9);
	assert_int_equal(pmemcrypt_write(pool, buf, UNIT, 0), 0);
	assert_int_equal(pmemcrypt_read(pool, buf, UNIT, 0), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Until the parent closes its end, or exits. */
		close(ready[0]);
		close(hold[1]);
		alarm(60);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		close(ready[1]);
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 2);
	}
	close(hold[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	for (size_t i = 0; i < sizeof(dek); i++)
		dek[i] ^= 0xa5;
	assert_false(memory_contains(pid, dek, 32));
	assert_false(memory_contains(pid, dek + 32, 32));
	explicit_bzero(dek, sizeof(dek));
	close(hold[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(ready[0]);
	close(ready[1]);
	/* The parent's pool works on. */
	assert_int_equal(pmemcrypt_read(pool, buf, UNIT, 0), 0);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_dump),
		cmocka_unit_test(test_forked_child),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}

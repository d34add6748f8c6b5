// SPDX-License-Identifier: BSD-3-Clause
/* dax_mmap.c -- guest helper: DAX checks through mmap (MAP_SYNC, statx). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

#define MAP_LEN (2UL << 20)

/* Fill @buf with a pattern derived from @tag, 16 bytes per line */
static void fill(char *buf, size_t len, const char *tag)
{
	char line[32];
	size_t i;

	for (i = 0; i + 16 <= len; i += 16) {
		snprintf(line, sizeof(line), "%-8.8s%08x", tag,
			 (unsigned int)(i / 16));
		memcpy(buf + i, line, 16);
	}
}

/* Map @path (file or device-dax), optionally with MAP_SYNC */
static char *map(const char *path, int create, int sync)
{
	int flags = sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED;
	int fd = open(path, O_RDWR | (create ? O_CREAT : 0), 0644);
	char *p;

	if (fd < 0) {
		fprintf(stderr, "dax-mmap: open %s: %s\n", path,
			strerror(errno));
		exit(1);
	}
	if (create && ftruncate(fd, MAP_LEN) < 0) {
		fprintf(stderr, "dax-mmap: ftruncate: %s\n", strerror(errno));
		exit(1);
	}
	p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "dax-mmap: mmap%s %s: %s\n",
			sync ? " MAP_SYNC" : "", path, strerror(errno));
		exit(sync && errno == EOPNOTSUPP ? 3 : 1);
	}
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	static char want[MAP_LEN];
	struct statx stx;
	char *p;

	if (argc != 4) {
		fprintf(stderr, "usage: dax-mmap "
				"write|verify|devwrite|devverify PATH TAG\n"
				"       dax-mmap statx PATH -\n");
		return 2;
	}
	fill(want, MAP_LEN, argv[3]);
	if (!strcmp(argv[1], "statx")) {
		if (statx(AT_FDCWD, argv[2], 0, STATX_BASIC_STATS, &stx) < 0) {
			perror("dax-mmap: statx");
			return 1;
		}
		return stx.stx_attributes & STATX_ATTR_DAX ? 0 : 1;
	}
	if (!strcmp(argv[1], "write") || !strcmp(argv[1], "devwrite")) {
		p = map(argv[2], argv[1][0] == 'w', argv[1][0] == 'w');
		memcpy(p, want, MAP_LEN);
		/* device-dax has no page cache: msync() is for the file case */
		if (argv[1][0] == 'w' && msync(p, MAP_LEN, MS_SYNC) < 0) {
			perror("dax-mmap: msync");
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "verify") || !strcmp(argv[1], "devverify")) {
		p = map(argv[2], 0, 0);
		if (memcmp(p, want, MAP_LEN)) {
			fprintf(stderr, "dax-mmap: %s does not hold %s\n",
				argv[2], argv[3]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "dax-mmap: unknown command %s\n", argv[1]);
	return 2;
}

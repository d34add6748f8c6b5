// SPDX-License-Identifier: BSD-3-Clause
/*
 * dax_crypt.c -- guest helper of test-dax-crypt: write, map, verify and
 * locate test data on an encrypted namespace.
 *
 * Data is a pattern of 16-byte lines "<TAG, 8 chars><line index %08x>",
 * the index counting from the start of the file or device, the layout
 * tools/mktme-check --pattern expects.  Static: the initramfs carries no
 * libc for it.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

#define MAX_EXTENTS 64

static const char usage_text[] =
	"usage: dax-crypt write FILE TAG SIZE      write() the pattern, fsync\n"
	"       dax-crypt mmap FILE TAG SIZE sync|nosync\n"
	"                 create FILE, write the pattern through a shared\n"
	"                 mapping (MAP_SYNC with sync), msync\n"
	"       dax-crypt verify FILE TAG SIZE     read() and a mapping hold it\n"
	"       dax-crypt devwrite DEV TAG SIZE    write through a device-dax\n"
	"                 mapping at offset 0, flush the cache lines\n"
	"       dax-crypt devverify DEV TAG SIZE   the mapping holds it\n"
	"       dax-crypt extents FILE             print \"extent LOGICAL PHYSICAL\n"
	"                 LENGTH\" (hex bytes) for each FIEMAP extent\n"
	"       dax-crypt statx FILE               exit 0 if STATX_ATTR_DAX is set\n"
	"       dax-crypt mprotect FILE TAG SIZE   FILE holds the pattern: map it,\n"
	"                 mprotect() it read-only and back, write it again\n"
	"       dax-crypt private FILE TAG SIZE    FILE holds the pattern: a\n"
	"                 MAP_PRIVATE write copies a page, FILE is unchanged\n"
	"Exit status: 0 done, 1 failed (reason on stderr), 2 usage, 3 MAP_SYNC\n"
	"refused.\n";

/* Print "dax-crypt: WHAT: strerror" and exit 1 */
static void die(const char *what)
{
	fprintf(stderr, "dax-crypt: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Return a buffer of @len bytes of @tag's pattern */
static char *pattern(const char *tag, size_t len)
{
	char *buf = malloc(len + 17);
	size_t i;

	if (!buf)
		die("malloc");
	for (i = 0; i < len; i += 16)
		snprintf(buf + i, 17, "%-8.8s%08x", tag, (unsigned int)(i / 16));
	return buf;
}

/* Parse a size (bytes, a multiple of 16) or exit 2 */
static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end || !v || v % 16) {
		fprintf(stderr, "dax-crypt: bad SIZE %s (a multiple of 16)\n",
			s);
		exit(2);
	}
	return v;
}

/* Map @len bytes of @fd shared, with MAP_SYNC if @sync */
static char *map(int fd, size_t len, int prot, int sync)
{
	int flags = sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED;
	char *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		if (sync && errno == EOPNOTSUPP) {
			fprintf(stderr, "dax-crypt: MAP_SYNC refused: the "
					"file is not on a DAX mount\n");
			exit(3);
		}
		die("mmap");
	}
	return p;
}

/* write() the pattern in 64 KiB pieces and fsync */
static int do_write(const char *path, const char *want, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t done = 0;

	if (fd < 0)
		die(path);
	while (done < len) {
		size_t n = len - done < 65536 ? len - done : 65536;
		ssize_t w = write(fd, want + done, n);

		if (w < 0)
			die("write");
		done += w;
	}
	if (fsync(fd) < 0)
		die("fsync");
	close(fd);
	return 0;
}

/* Write the pattern through a shared mapping of a new file */
static int do_mmap(const char *path, const char *want, size_t len, int sync)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	if (fd < 0)
		die(path);
	if (ftruncate(fd, len) < 0)
		die("ftruncate");
	p = map(fd, len, PROT_READ | PROT_WRITE, sync);
	memcpy(p, want, len);
	if (msync(p, len, MS_SYNC) < 0)
		die("msync");
	munmap(p, len);
	if (fsync(fd) < 0)
		die("fsync");
	close(fd);
	return 0;
}

/* Compare @len bytes at @got with @want; print the first difference */
static int same(const char *what, const char *got, const char *want,
		size_t len)
{
	size_t i;

	if (!memcmp(got, want, len))
		return 1;
	for (i = 0; got[i] == want[i]; i++)
		;
	fprintf(stderr, "dax-crypt: %s differs at byte %#zx: %.16s, wanted %.16s\n",
		what, i, got + (i & ~15UL), want + (i & ~15UL));
	return 0;
}

/* A file (read() and a mapping) or a device (a mapping) holds the pattern */
static int do_verify(const char *path, const char *want, size_t len, int dev)
{
	int fd = open(path, dev ? O_RDWR : O_RDONLY);
	char *buf, *p;
	int ok = 1;

	if (fd < 0)
		die(path);
	if (!dev) {
		struct stat st;
		size_t done = 0;

		if (fstat(fd, &st) < 0)
			die("fstat");
		if ((size_t)st.st_size != len) {
			fprintf(stderr, "dax-crypt: %s has %lld bytes, not %zu\n",
				path, (long long)st.st_size, len);
			return 1;
		}
		buf = malloc(len);
		if (!buf)
			die("malloc");
		while (done < len) {
			ssize_t r = read(fd, buf + done, len - done);

			if (r < 0)
				die("read");
			if (!r)
				break;
			done += r;
		}
		ok = done == len && same("read()", buf, want, len);
		free(buf);
	}
	p = map(fd, len, dev ? PROT_READ | PROT_WRITE : PROT_READ, 0);
	ok = same("the mapping", p, want, len) && ok;
	munmap(p, len);
	close(fd);
	return ok ? 0 : 1;
}

/*
 * Write the pattern through a mapping of a device-dax device.  msync()
 * fails there (EINVAL: no page cache, no fsync): like libpmem, flush the
 * written cache lines and fence.
 */
static int do_devwrite(const char *path, const char *want, size_t len)
{
	int fd = open(path, O_RDWR);
	size_t i;
	char *p;

	if (fd < 0)
		die(path);
	p = map(fd, len, PROT_READ | PROT_WRITE, 0);
	memcpy(p, want, len);
	for (i = 0; i < len; i += 64)
		__asm__ volatile("clflush %0" : "+m"(*(volatile char *)(p + i)));
	__asm__ volatile("mfence" ::: "memory");
	munmap(p, len);
	close(fd);
	return 0;
}

/* Print the file's extents; fail on one whose place is not known */
static int do_extents(const char *path)
{
	size_t sz = sizeof(struct fiemap) +
		    MAX_EXTENTS * sizeof(struct fiemap_extent);
	struct fiemap *fm = calloc(1, sz);
	unsigned int i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	if (!fm)
		die("calloc");
	fm->fm_length = FIEMAP_MAX_OFFSET;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = MAX_EXTENTS;
	if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0)
		die("FS_IOC_FIEMAP");
	if (!fm->fm_mapped_extents) {
		fprintf(stderr, "dax-crypt: %s has no extents\n", path);
		return 1;
	}
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		struct fiemap_extent *e = &fm->fm_extents[i];

		if (e->fe_flags & (FIEMAP_EXTENT_UNKNOWN |
				   FIEMAP_EXTENT_DELALLOC |
				   FIEMAP_EXTENT_ENCODED |
				   FIEMAP_EXTENT_DATA_INLINE |
				   FIEMAP_EXTENT_UNWRITTEN)) {
			fprintf(stderr, "dax-crypt: extent %u has flags %#x\n",
				i, e->fe_flags);
			return 1;
		}
		printf("extent %#llx %#llx %#llx\n",
		       (unsigned long long)e->fe_logical,
		       (unsigned long long)e->fe_physical,
		       (unsigned long long)e->fe_length);
	}
	if (!(fm->fm_extents[fm->fm_mapped_extents - 1].fe_flags &
	      FIEMAP_EXTENT_LAST)) {
		fprintf(stderr, "dax-crypt: more than %d extents\n",
			MAX_EXTENTS);
		return 1;
	}
	close(fd);
	free(fm);
	return 0;
}

/* Exit 0 if statx() reports the file as DAX */
static int do_statx(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) < 0)
		die("statx");
	if (stx.stx_attributes & STATX_ATTR_DAX)
		return 0;
	fprintf(stderr, "dax-crypt: %s: no STATX_ATTR_DAX\n", path);
	return 1;
}

/*
 * mprotect() rewrites the entries of a mapping: the data must read the
 * same read-only, and a write after making it writable again must reach
 * the file as written.
 */
static int do_mprotect(const char *path, const char *want, size_t len)
{
	int fd = open(path, O_RDWR);
	char *p;
	int ok;

	if (fd < 0)
		die(path);
	p = map(fd, len, PROT_READ | PROT_WRITE, 0);
	ok = same("mapping", p, want, len);
	if (mprotect(p, len, PROT_READ) < 0)
		die("mprotect");
	ok = ok && same("read-only mapping", p, want, len);
	if (mprotect(p, len, PROT_READ | PROT_WRITE) < 0)
		die("mprotect");
	memcpy(p, want, len);
	if (msync(p, len, MS_SYNC) < 0)
		die("msync");
	munmap(p, len);
	close(fd);
	return ok && !do_verify(path, want, len, 0) ? 0 : 1;
}

/*
 * A write to a MAP_PRIVATE mapping copies the page into anonymous memory:
 * the copy holds the file's data with the write, the file is unchanged.
 */
static int do_private(const char *path, const char *want, size_t len)
{
	int fd = open(path, O_RDONLY);
	char *p, *changed;
	int ok;

	if (fd < 0)
		die(path);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	changed = malloc(len);
	if (!changed)
		die("malloc");
	memcpy(changed, want, len);
	changed[len / 2] ^= 0x20;
	ok = same("private mapping", p, want, len);
	p[len / 2] ^= 0x20;
	ok = ok && same("private copy", p, changed, len);
	munmap(p, len);
	free(changed);
	close(fd);
	return ok && !do_verify(path, want, len, 0) ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	char *want;
	size_t len;

	if (argc == 3 && !strcmp(cmd, "extents"))
		return do_extents(argv[2]);
	if (argc == 3 && !strcmp(cmd, "statx"))
		return do_statx(argv[2]);
	if (argc < 5) {
		fputs(usage_text, stderr);
		return 2;
	}
	len = parse_size(argv[4]);
	want = pattern(argv[3], len);
	if (argc == 5 && !strcmp(cmd, "write"))
		return do_write(argv[2], want, len);
	if (argc == 6 && !strcmp(cmd, "mmap"))
		return do_mmap(argv[2], want, len, !strcmp(argv[5], "sync"));
	if (argc == 5 && !strcmp(cmd, "verify"))
		return do_verify(argv[2], want, len, 0);
	if (argc == 5 && !strcmp(cmd, "devwrite"))
		return do_devwrite(argv[2], want, len);
	if (argc == 5 && !strcmp(cmd, "devverify"))
		return do_verify(argv[2], want, len, 1);
	if (argc == 5 && !strcmp(cmd, "mprotect"))
		return do_mprotect(argv[2], want, len);
	if (argc == 5 && !strcmp(cmd, "private"))
		return do_private(argv[2], want, len);
	fputs(usage_text, stderr);
	return 2;
}

// SPDX-License-Identifier: BSD-3-Clause
/* dump.c -- pmemcrypt dump: decrypted pool contents on stdout */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "key.h"

#define CHUNK (1 << 20)
#define LINE 16

static const char dump_usage[] =
	"usage: pmemcrypt dump <pool> <key option> [--offset O] [--length L]\n"
	"                      [--hex]\n"
	"\n"
	"Write decrypted bytes of the pool to stdout: raw when stdout is\n"
	"not a terminal, as a hex dump otherwise.\n"
	"\n"
	"  -o, --offset O        first byte (suffixes K, M, G; default 0)\n"
	"  -l, --length L        bytes to write (default: to the end)\n"
	"  -x, --hex             hex dump also when stdout is no terminal\n"
	"  -h, --help            show this help\n"
	"\n" OPEN_KEY_HELP;

/* Where a hex dump is: the last line printed, and whether it repeated. */
struct hexdump {
	uint8_t prev[LINE];
	bool have_prev, starred;
};

/* Prints one line of at most LINE bytes as hexdump -C does. */
static void hex_line(uint64_t off, const uint8_t *p, size_t n)
{
	printf("%08llx ", (unsigned long long)off);
	for (size_t i = 0; i < LINE; i++) {
		if (i % 8 == 0)
			putchar(' ');
		if (i < n)
			printf("%02x ", p[i]);
		else
			fputs("   ", stdout);
	}
	fputs(" |", stdout);
	for (size_t i = 0; i < n; i++)
		putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
	puts("|");
}

/* Hex-dumps a buffer that starts at pool offset off; repeats become '*'. */
static void hex_chunk(struct hexdump *h, uint64_t off, const uint8_t *buf,
		      size_t len)
{
	for (size_t i = 0; i < len; i += LINE) {
		size_t n = len - i < LINE ? len - i : LINE;

		if (n == LINE && h->have_prev &&
		    !memcmp(h->prev, buf + i, LINE)) {
			if (!h->starred)
				puts("*");
			h->starred = true;
			continue;
		}
		hex_line(off + i, buf + i, n);
		memcpy(h->prev, buf + i, n);
		h->have_prev = n == LINE;
		h->starred = false;
	}
}

/* Writes all of buf to stdout. */
static int write_all(const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t r = write(STDOUT_FILENO, buf, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		buf += r;
		len -= r;
	}
	return 0;
}

/* Reads [off, off + len) of the pool and writes it out, raw or as hex. */
static int dump_range(struct pmemcrypt_pool *pool, const char *path,
		      uint64_t off, uint64_t len, bool hex)
{
	struct hexdump h = {.have_prev = false};
	uint64_t end = off + len;
	uint8_t *buf;
	int ret = 0;

	buf = malloc(CHUNK);
	if (!buf)
		return fail_errno("dump", path, -ENOMEM, "cannot allocate");
	for (uint64_t pos = off; pos < end && !ret; pos += CHUNK) {
		size_t n = end - pos < CHUNK ? end - pos : CHUNK;

		ret = pmemcrypt_read(pool, buf, n, pos);
		if (ret) {
			ret = fail("dump", path, ret);
			break;
		}
		if (hex) {
			hex_chunk(&h, pos, buf, n);
			continue;
		}
		ret = write_all(buf, n);
		if (ret)
			ret = fail_errno("dump", path, ret, "cannot write");
	}
	if (!ret && hex) {
		printf("%08llx\n", (unsigned long long)end);
		if (fflush(stdout))
			ret = fail_errno("dump", path, -errno, "cannot write");
	}
	explicit_bzero(buf, CHUNK);
	free(buf);
	return ret;
}

/* What the command line asked for. */
struct dump_args {
	const char *path;
	struct key_source key;
	uint64_t off, len;
	bool len_given, hex;
};

/* Records one option (not a key option); returns an exit code. */
static int parse_option(struct dump_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 'o':
		if (parse_size(arg, &a->off))
			return usage_error("dump", "bad offset '%s'", arg);
		return EXIT_OK;
	case 'l':
		if (parse_size(arg, &a->len))
			return usage_error("dump", "bad length '%s'", arg);
		a->len_given = true;
		return EXIT_OK;
	case 'x':
		a->hex = true;
		return EXIT_OK;
	case 'h':
		fputs(dump_usage, stdout);
		return -1;
	default:
		return bad_option("dump");
	}
}

/* Parses the command line into a; returns an exit code, -1 after --help. */
static int parse_args(struct dump_args *a, int argc, char **argv)
{
	static const struct option options[] = {
		{"offset", required_argument, NULL, 'o'},
		{"length", required_argument, NULL, 'l'},
		{"hex", no_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		KEY_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int opt, ret;

	options_begin("dump", argv);
	while ((opt = getopt_long(argc, argv, "o:l:xh", options, NULL)) != -1) {
		if (key_source_parse(&a->key, KEY_OPT_BASE, opt, optarg))
			continue;
		ret = parse_option(a, opt, optarg);
		if (ret)
			return ret;
	}
	ret = pool_arg("dump", argc, argv, optind, &a->path);
	return ret ? ret : key_source_check_open(&a->key, "dump");
}

/* pmemcrypt dump <pool> <key option> [--offset O] [--length L] [--hex] */
int cmd_dump(int argc, char **argv)
{
	struct dump_args a = {.key = KEY_SOURCE_INIT};
	struct pmemcrypt_pool *pool = NULL;
	size_t size;
	int ret;

	a.hex = isatty(STDOUT_FILENO);
	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = key_open_pool(&a.key, "dump", a.path, 0, &pool, NULL);
	if (ret)
		return ret;
	size = pmemcrypt_pool_size(pool);
	if (!a.len_given && a.off <= size)
		a.len = size - a.off;
	if (a.off > size || a.len > size - a.off)
		ret = usage_error("dump", "%s: outside the pool's %zu bytes",
				  a.path, size);
	else
		ret = dump_range(pool, a.path, a.off, a.len, a.hex);
	return key_close_pool("dump", a.path, &pool, ret);
}

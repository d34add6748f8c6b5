// SPDX-License-Identifier: BSD-3-Clause
/*
 * mktme-check.c -- decrypt an emulated-MKTME NVDIMM backing file offline.
 *
 * Reads a range of an NVDIMM backing file written by the emulated TME-MK
 * machine (tools/qemu), decrypts it with OpenSSL's AES-XTS, independently
 * of QEMU's gcrypt path, and compares it with the expected plaintext.  It
 * can also assert that a plaintext marker appears nowhere in the file.
 *
 * Ciphertext layout (tools/qemu/README.md): data unit = aligned 16-byte
 * block; tweak = plain guest-physical address of the block (file offset +
 * --base) as a 128-bit little-endian integer; XTS key = data key followed
 * by tweak key.
 */

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define BLOCK 16
#define MAX_KEY 32

enum { CHECK_OK = 0, CHECK_MISMATCH = 1, CHECK_USAGE = 2 };

struct opts {
	const char *file;
	uint64_t offset;
	uint64_t length;
	uint64_t base;
	int key_len; /* per half: 16, 32, or 0 for plain */
	uint8_t key[2 * MAX_KEY];
	bool have_key, have_tweak;
	const char *pattern;
	const char *expect;
	const char *absent;
	const char *dump;
};

static const char usage_text[] =
	"usage: mktme-check [options] FILE\n"
	"       mktme-check --selftest\n"
	"\n"
	"Decrypt part of an NVDIMM backing file written through an emulated\n"
	"MKTME KeyID and compare it with the expected plaintext.\n"
	"\n"
	"  -o, --offset N        first byte in FILE (multiple of 16, default "
	"0)\n"
	"  -n, --length N        bytes to check (multiple of 16)\n"
	"  -b, --base GPA        guest-physical address of FILE offset 0\n"
	"                        (default 0x100000000, the first NVDIMM on "
	"pc)\n"
	"  -a, --alg ALG         aes-xts-128, aes-xts-256 or plain\n"
	"  -k, --key HEX         data key (KEY_FIELD_1), 16 or 32 bytes\n"
	"  -t, --tweak-key HEX   tweak key (KEY_FIELD_2), same size\n"
	"  -r, --tweak-rule R    gpa-le128 (the only rule: the tweak is the\n"
	"                        block's guest-physical address, 128-bit LE)\n"
	"  -p, --pattern TAG     expect 16-byte lines \"<TAG, 8 chars><index "
	"%%08x>\"\n"
	"                        counting from --offset\n"
	"  -e, --expect FILE     expect the bytes of FILE\n"
	"  -d, --dump FILE       write the decrypted bytes to FILE\n"
	"  -A, --absent TEXT     fail if TEXT occurs anywhere in FILE\n"
	"      --selftest        check OpenSSL against IEEE 1619 vectors\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 match, 1 mismatch (or TEXT found), 2 usage or I/O "
	"error.\n";

/* Print an error message and return CHECK_USAGE */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("mktme-check: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CHECK_USAGE;
}

/* Parse a hex string of exactly @len bytes into @out; 0 or -1 */
static int parse_hex(const char *s, uint8_t *out, size_t len)
{
	size_t i;

	if (strlen(s) != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = v;
	}
	return 0;
}

/* Parse a number (decimal, 0x hex, K/M/G suffix) */
static int parse_num(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		*out <<= 10;
		end++;
		break;
	case 'M':
	case 'm':
		*out <<= 20;
		end++;
		break;
	case 'G':
	case 'g':
		*out <<= 30;
		end++;
		break;
	}
	return *end ? -1 : 0;
}

/* Decrypt @len bytes in place; block i has tweak @gpa + 16 * i */
static int xts_decrypt(const uint8_t *key, int key_len, uint64_t gpa,
		       uint8_t *buf, size_t len)
{
	const EVP_CIPHER *c =
		key_len == 32 ? EVP_aes_256_xts() : EVP_aes_128_xts();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t tweak[BLOCK];
	int ret = -1, out;
	size_t i;

	if (!ctx || !EVP_DecryptInit_ex(ctx, c, NULL, key, NULL))
		goto out;
	for (i = 0; i < len; i += BLOCK) {
		uint64_t t = gpa + i;
		int b;

		memset(tweak, 0, sizeof(tweak));
		for (b = 0; b < 8; b++)
			tweak[b] = t >> (8 * b);
		if (!EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, tweak) ||
		    !EVP_DecryptUpdate(ctx, buf + i, &out, buf + i, BLOCK) ||
		    out != BLOCK)
			goto out;
	}
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/* Encrypt one data unit of @len bytes with tweak @tweak (selftest) */
static int xts_encrypt_unit(const uint8_t *key, int key_len,
			    const uint8_t *tweak, const uint8_t *in,
			    uint8_t *out, int len)
{
	const EVP_CIPHER *c =
		key_len == 32 ? EVP_aes_256_xts() : EVP_aes_128_xts();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx && EVP_EncryptInit_ex(ctx, c, NULL, key, tweak) &&
	     EVP_EncryptUpdate(ctx, out, &n, in, len) && n == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* Fill @buf with the --pattern lines, numbered from 0 */
static void fill_pattern(uint8_t *buf, size_t len, const char *tag)
{
	char line[32];
	size_t i;

	for (i = 0; i + BLOCK <= len; i += BLOCK) {
		snprintf(line, sizeof(line), "%-8.8s%08x", tag,
			 (unsigned int)(i / BLOCK));
		memcpy(buf + i, line, BLOCK);
	}
}

/* Read @len bytes at @off of @path into a new buffer */
static uint8_t *read_range(const char *path, uint64_t off, uint64_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (!buf || fd < 0) {
		fail("cannot open %s: %s", path, strerror(errno));
		goto err;
	}
	n = pread(fd, buf, len, off);
	if (n < 0 || (uint64_t)n != len) {
		fail("cannot read %" PRIu64 " bytes at %" PRIu64 " of %s: %s",
		     len, off, path,
		     n < 0 ? strerror(errno) : "file too short");
		goto err;
	}
	close(fd);
	return buf;
err:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* Fail if @text occurs in @path; CHECK_OK, CHECK_MISMATCH or CHECK_USAGE */
static int check_absent(const char *path, const char *text)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	const uint8_t *map, *hit;
	int ret = CHECK_OK;

	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = fail("cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size == 0)
		goto out;
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		ret = fail("cannot map %s: %s", path, strerror(errno));
		goto out;
	}
	hit = memmem(map, st.st_size, text, strlen(text));
	if (hit) {
		printf("mktme-check: \"%s\" found in %s at offset %td\n", text,
		       path, hit - map);
		ret = CHECK_MISMATCH;
	}
	munmap((void *)map, st.st_size);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Write @len bytes of @buf to @path */
static int dump(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		if (f)
			fclose(f);
		return fail("cannot write %s: %s", path, strerror(errno));
	}
	return CHECK_OK;
}

/* Decrypt the range and compare it with the expectation */
static int check_range(const struct opts *o)
{
	uint8_t *data, *want = NULL;
	int ret = CHECK_USAGE;
	uint64_t i;

	data = read_range(o->file, o->offset, o->length);
	if (!data)
		return CHECK_USAGE;
	if (o->key_len && xts_decrypt(o->key, o->key_len, o->base + o->offset,
				      data, o->length)) {
		fail("OpenSSL AES-XTS failed (equal data and tweak keys?)");
		goto out;
	}
	if (o->dump && dump(o->dump, data, o->length))
		goto out;
	if (o->pattern) {
		want = malloc(o->length);
		if (!want)
			goto out;
		fill_pattern(want, o->length, o->pattern);
	} else if (o->expect) {
		want = read_range(o->expect, 0, o->length);
		if (!want)
			goto out;
	} else {
		ret = CHECK_OK;
		goto out;
	}
	ret = CHECK_OK;
	for (i = 0; i < o->length; i += BLOCK) {
		if (memcmp(data + i, want + i, BLOCK)) {
			printf("mktme-check: mismatch at file offset %#" PRIx64
			       " (GPA %#" PRIx64 ")\n",
			       o->offset + i, o->base + o->offset + i);
			ret = CHECK_MISMATCH;
			break;
		}
	}
	if (ret == CHECK_OK)
		printf("mktme-check: %" PRIu64 " bytes at %#" PRIx64 " match\n",
		       o->length, o->offset);
out:
	free(want);
	free(data);
	return ret;
}

/* IEEE 1619 vectors 2, 4 and 10 (first 32 bytes) through OpenSSL */
static int selftest(void)
{
	static const struct {
		const char *key, *tweak, *pt, *ct;
	} v[] = {
		{"11111111111111111111111111111111"
		 "22222222222222222222222222222222",
		 "33333333330000000000000000000000",
		 "4444444444444444444444444444444444444444444444444444444444444"
		 "444",
		 "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d39"
		 "4f0"},
		{"2718281828459045235360287471352631415926535897932384626433832"
		 "795",
		 "00000000000000000000000000000000",
		 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1"
		 "e1f",
		 "27a7479befa1d476489f308cd4cfa6e2a96e4bbe3208ff25287dd3819616e"
		 "89c"},
		{"2718281828459045235360287471352662497757247093699959574966967"
		 "6273141592653589793238462643383279502884197169399375105820974"
		 "944592",
		 "ff000000000000000000000000000000",
		 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1"
		 "e1f",
		 "1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e"
		 "63b"},
	};
	uint8_t key[64], tweak[16], pt[32], ct[32], out[32];
	int failed = 0;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int klen = strlen(v[i].key) / 4; /* per half, bytes */
		bool ok;

		parse_hex(v[i].key, key, 2 * klen);
		parse_hex(v[i].tweak, tweak, 16);
		parse_hex(v[i].pt, pt, 32);
		parse_hex(v[i].ct, ct, 32);
		ok = !xts_encrypt_unit(key, klen, tweak, pt, out, 32) &&
		     !memcmp(out, ct, 32);
		printf("%s %zu - IEEE 1619 AES-XTS-%d vector\n",
		       ok ? "ok" : "not ok", i + 1, klen * 8);
		failed |= !ok;
	}
	return failed ? CHECK_MISMATCH : CHECK_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"offset", required_argument, NULL, 'o'},
		{"length", required_argument, NULL, 'n'},
		{"base", required_argument, NULL, 'b'},
		{"alg", required_argument, NULL, 'a'},
		{"key", required_argument, NULL, 'k'},
		{"tweak-key", required_argument, NULL, 't'},
		{"tweak-rule", required_argument, NULL, 'r'},
		{"pattern", required_argument, NULL, 'p'},
		{"expect", required_argument, NULL, 'e'},
		{"dump", required_argument, NULL, 'd'},
		{"absent", required_argument, NULL, 'A'},
		{"selftest", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.base = 0x100000000ull, .key_len = -1};
	const char *key_hex = NULL, *tweak_hex = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:n:b:a:k:t:r:p:e:d:A:h", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_num(optarg, &o.offset))
				return fail("bad --offset %s", optarg);
			break;
		case 'n':
			if (parse_num(optarg, &o.length))
				return fail("bad --length %s", optarg);
			break;
		case 'b':
			if (parse_num(optarg, &o.base))
				return fail("bad --base %s", optarg);
			break;
		case 'a':
			if (!strcmp(optarg, "aes-xts-128"))
				o.key_len = 16;
			else if (!strcmp(optarg, "aes-xts-256"))
				o.key_len = 32;
			else if (!strcmp(optarg, "plain"))
				o.key_len = 0;
			else
				return fail("unknown --alg %s (aes-xts-128, "
					    "aes-xts-256, plain)",
					    optarg);
			break;
		case 'k':
			key_hex = optarg;
			break;
		case 't':
			tweak_hex = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "gpa-le128"))
				return fail(
					"unknown --tweak-rule %s (gpa-le128)",
					optarg);
			break;
		case 'p':
			o.pattern = optarg;
			break;
		case 'e':
			o.expect = optarg;
			break;
		case 'd':
			o.dump = optarg;
			break;
		case 'A':
			o.absent = optarg;
			break;
		case 'S':
			return selftest();
		case 'h':
			fputs(usage_text, stdout);
			return CHECK_OK;
		default:
			fputs(usage_text, stderr);
			return CHECK_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return fail("expected one FILE argument");
	}
	o.file = argv[optind];

	if (o.key_len < 0 && !o.absent)
		return fail("--alg is required (or --absent alone)");
	if (o.key_len > 0) {
		if (!key_hex || !tweak_hex)
			return fail("--alg %s needs --key and --tweak-key",
				    o.key_len == 16 ? "aes-xts-128"
						    : "aes-xts-256");
		if (parse_hex(key_hex, o.key, o.key_len) ||
		    parse_hex(tweak_hex, o.key + o.key_len, o.key_len))
			return fail("--key and --tweak-key must be %d hex "
				    "digits each",
				    2 * o.key_len);
		if (!memcmp(o.key, o.key + o.key_len, o.key_len))
			return fail("data and tweak keys are equal: OpenSSL "
				    "refuses such XTS keys");
	}
	if ((o.offset | o.length) % BLOCK)
		return fail("--offset and --length must be multiples of 16");
	if (o.key_len >= 0 && !o.length)
		return fail("--length is required");
	if (o.pattern && o.expect)
		return fail("--pattern and --expect exclude each other");

	ret = CHECK_OK;
	if (o.key_len >= 0)
		ret = check_range(&o);
	if (ret != CHECK_USAGE && o.absent) {
		int r = check_absent(o.file, o.absent);

		if (r != CHECK_OK)
			ret = r;
		else
			printf("mktme-check: \"%s\" absent from %s\n", o.absent,
			       o.file);
	}
	return ret;
}

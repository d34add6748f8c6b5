// SPDX-License-Identifier: BSD-3-Clause
/*
 * keyfile.c -- read a user-supplied AES-XTS key (data key then tweak key)
 * from a file: 64 or 128 hexadecimal digits with an optional final newline,
 * or else 32 or 64 raw bytes.  Every copy is wiped before returning.  A
 * key file others may access, or that someone else owns, is refused.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypt.h"

/* Largest file accepted: 128 hex digits and "\r\n" */
#define KEYFILE_MAX (2 * CRYPT_KEY_XTS256 + 2)

/* Why the last key file was refused with -EPERM */
static char refusal[4096 + 256];

/* What is wrong with the key file crypt_keyfile_read() refused (-EPERM). */
const char *crypt_keyfile_refusal(void)
{
	return refusal;
}

/*
 * Refuses a regular key file that group or others may access, or that
 * belongs to neither root nor the user (who could have put another key
 * there), as ssh refuses a private key: 0 or -EPERM.  Pipes and other
 * streams (standard input) are taken as they are.
 */
static int keyfile_check(const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	return crypt_perm_check(path, &st, 077, 0600, refusal, sizeof(refusal));
}

/* Value of one hexadecimal digit, or -1. */
static int hex_digit(unsigned char c)
{
	if (isdigit(c))
		return c - '0';
	c = (unsigned char)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes @n hex digits; -EINVAL on a non-digit. */
static int unhex(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i += 2) {
		int hi = hex_digit(in[i]), lo = hex_digit(in[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Reads at most @size bytes of @fd; returns the count or -errno. */
static ssize_t read_upto(int fd, unsigned char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Says whether the two halves of a key are equal, in constant time. */
static bool halves_equal(const unsigned char *key, unsigned int len)
{
	unsigned char diff = 0;
	unsigned int i;

	for (i = 0; i < len / 2; i++)
		diff |= key[i] ^ key[len / 2 + i];
	return !diff;
}

/*
 * Reads the key in @path ("-" for standard input) into @key (@size bytes,
 * at least 64); sets *key_len to 32 or 64.  -EINVAL for a file of another
 * size or shape, -EKEYREJECTED if the data and tweak halves are equal,
 * -EPERM for a file others may access or someone else owns (see
 * crypt_keyfile_refusal()).
 */
int crypt_keyfile_read(const char *path, unsigned char *key, size_t size,
		       unsigned int *key_len)
{
	unsigned char buf[KEYFILE_MAX + 1];
	bool is_stdin = !strcmp(path, "-");
	ssize_t n;
	size_t len, hex_len;
	int fd, ret = -EINVAL;

	if (size < CRYPT_KEY_XTS256)
		return -EINVAL;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = is_stdin ? 0 : keyfile_check(path, fd);
	if (!n)
		n = read_upto(fd, buf, sizeof(buf));
	if (!is_stdin)
		close(fd);
	if (n < 0)
		return (int)n;
	len = (size_t)n;

	hex_len = len;
	while (hex_len &&
	       (buf[hex_len - 1] == '\n' || buf[hex_len - 1] == '\r'))
		hex_len--;
	if ((hex_len == 2 * CRYPT_KEY_XTS128 ||
	     hex_len == 2 * CRYPT_KEY_XTS256) &&
	    !unhex(buf, hex_len, key)) {
		*key_len = (unsigned int)hex_len / 2;
		ret = 0;
	} else if (len == CRYPT_KEY_XTS128 || len == CRYPT_KEY_XTS256) {
		memcpy(key, buf, len);
		*key_len = (unsigned int)len;
		ret = 0;
	}
	if (!ret && halves_equal(key, *key_len))
		ret = -EKEYREJECTED;
	if (ret)
		explicit_bzero(key, size);
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

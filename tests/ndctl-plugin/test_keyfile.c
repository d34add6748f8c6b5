// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_keyfile.c -- reading user-supplied keys: hex or raw, sizes, halves;
 * files others may access or someone else owns are refused
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "crypt.h"

static char dir[64];
static char path[128];

static int group_setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/ndctl-crypt-key.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/key", dir);
	return 0;
}

static int group_teardown(void **state)
{
	unlink(path);
	return rmdir(dir);
}

/* Writes @len bytes to the key file. */
static void put(const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Fills @key with distinct bytes 0, 1, 2, ... */
static void pattern(unsigned char *key, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		key[i] = (unsigned char)i;
}

/* Hex of @n bytes of pattern(), in @out. */
static void pattern_hex(char *out, size_t n, bool upper)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, upper ? "%02X" : "%02x", (unsigned)i);
}

/* 128 and 64 hex digits, with or without a newline, give 64 and 32 bytes. */
static void test_hex(void **state)
{
	unsigned char key[64], want[64];
	char hex[160];
	unsigned int len = 0;

	pattern(want, sizeof(want));
	pattern_hex(hex, 64, false);
	strcat(hex, "\n");
	put(hex, strlen(hex));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(len, 64);
	assert_memory_equal(key, want, 64);

	pattern_hex(hex, 64, true);
	put(hex, strlen(hex));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(len, 64);
	assert_memory_equal(key, want, 64);

	/* 64 hex digits: a 32-byte aes-xts-128 key, not 64 raw bytes */
	pattern_hex(hex, 32, false);
	put(hex, strlen(hex));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(key, want, 32);
	strcat(hex, "\r\n");
	put(hex, strlen(hex));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(len, 32);
}

/* 64 and 32 raw bytes are taken as they are. */
static void test_raw(void **state)
{
	unsigned char key[64], want[64];
	unsigned int len = 0;

	pattern(want, sizeof(want));
	want[0] = 0xff; /* not a hex digit */
	put(want, 64);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(len, 64);
	assert_memory_equal(key, want, 64);
	put(want, 32);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(key, want, 32);
}

/* Equal data and tweak halves are refused, and the buffer is wiped. */
static void test_equal_halves(void **state)
{
	unsigned char key[64], raw[64], zero[64] = {0};
	unsigned int len = 0;

	pattern(raw, 32);
	memcpy(raw + 32, raw, 32);
	raw[0] = raw[32] = 0xfe;
	put(raw, 64);
	memset(key, 0xaa, sizeof(key));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len),
			 -EKEYREJECTED);
	assert_memory_equal(key, zero, sizeof(key));
}

/* Other sizes, non-hex text, missing files and small buffers fail. */
static void test_invalid(void **state)
{
	unsigned char key[64], zero[64] = {0};
	char text[200];
	unsigned int len = 0;

	put("", 0);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len),
			 -EINVAL);
	memset(text, 'a', sizeof(text));
	put(text, 48);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len),
			 -EINVAL);
	put(text, sizeof(text));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len),
			 -EINVAL);
	pattern_hex(text, 64, false);
	text[5] = 'g';
	put(text, 128);
	memset(key, 0xaa, sizeof(key));
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len),
			 -EINVAL);
	assert_memory_equal(key, zero, sizeof(key));
	assert_int_equal(
		crypt_keyfile_read("/nonexistent/key", key, sizeof(key), &len),
		-ENOENT);
	assert_int_equal(crypt_keyfile_read(path, key, 32, &len), -EINVAL);
}

/* A key file that group or others may access in any way is refused. */
static void test_open_modes(void **state)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0620,
				       0602, 0610, 0601, 0660};
	unsigned char key[64], raw[64];
	unsigned int len = 0;
	size_t i;

	pattern(raw, sizeof(raw));
	put(raw, sizeof(raw));
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		assert_int_equal(
			crypt_keyfile_read(path, key, sizeof(key), &len),
			-EPERM);
	}
	/* the reason names the file, its mode and the fix */
	assert_non_null(strstr(crypt_keyfile_refusal(), path));
	assert_non_null(strstr(crypt_keyfile_refusal(), "mode 0660"));
	assert_non_null(strstr(crypt_keyfile_refusal(), "chmod 600"));
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
	assert_memory_equal(key, raw, sizeof(raw));
}

/* A key file that belongs to neither root nor the user is refused. */
static void test_owner(void **state)
{
	unsigned char key[64], raw[64];
	unsigned int len = 0;

	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	pattern(raw, sizeof(raw));
	put(raw, sizeof(raw));
	assert_int_equal(chown(path, 65534, (gid_t)-1), 0);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len),
			 -EPERM);
	assert_non_null(strstr(crypt_keyfile_refusal(), "owned by uid 65534"));
	assert_int_equal(chown(path, 0, (gid_t)-1), 0);
	assert_int_equal(crypt_keyfile_read(path, key, sizeof(key), &len), 0);
}

/* Standard input ("-") is taken as it is. */
static void test_stdin(void **state)
{
	unsigned char key[64], raw[64];
	unsigned int len = 0;
	int saved = dup(STDIN_FILENO), fd;

	pattern(raw, sizeof(raw));
	put(raw, sizeof(raw));
	assert_int_equal(chmod(path, 0644), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	assert_int_equal(crypt_keyfile_read("-", key, sizeof(key), &len), 0);
	assert_memory_equal(key, raw, sizeof(raw));
	dup2(saved, STDIN_FILENO);
	close(saved);
	assert_int_equal(chmod(path, 0600), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_equal_halves),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_open_modes),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_stdin),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_store.c -- the blob store in a temporary directory named by
 * $NDCTL_CRYPT_STORE: paths by UUID, atomic writes, mode 0600, no
 * overwrite without force, read back, remove; the new key's blob of a
 * rotation beside the current one, and its commit; a store or blob that
 * others could write, or that another user owns, is not trusted.
 */
#include <dirent.h>
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

#define UUID "5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"
#define BLOB1 "default user:pmemcrypt-master 64 00112233"
#define BLOB2 "default user:pmemcrypt-master 32 44556677"

static char top[64];
static char store[128];

/* A fresh store below a new temporary directory. */
static int setup(void **state)
{
	static int n;

	snprintf(top, sizeof(top), "/tmp/ndctl-crypt-test.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(store, sizeof(store), "%s/etc-%d/crypt", top, n++);
	return setenv(CRYPT_STORE_ENV, store, 1);
}

/* Removes the store and its parents. */
static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) ? -1 : 0;
}

/* Number of entries in the store besides . and .. */
static int count_entries(void)
{
	struct dirent *d;
	DIR *dir = opendir(store);
	int n = 0;

	assert_non_null(dir);
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			n++;
	closedir(dir);
	return n;
}

/* Asserts the blob of UUID holds @want. */
static void assert_blob(const char *want)
{
	size_t len;
	char *blob;

	assert_int_equal(crypt_store_read(UUID, &blob, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(blob, want, len);
	assert_int_equal(blob[len], '\0');
	free(blob);
}

/* The store is the environment's directory; blobs are named by UUID. */
static void test_path(void **state)
{
	char path[256], want[256];

	assert_string_equal(crypt_store_dir(), store);
	snprintf(want, sizeof(want), "%s/%s.blob", store, UUID);
	assert_int_equal(crypt_store_path(UUID, path, sizeof(path)), 0);
	assert_string_equal(path, want);
	/* upper case UUIDs name the same file */
	assert_int_equal(
		crypt_store_path("5D8C4F0E-8B3A-4B1E-9F0A-2C1D3E4F5A6B", path,
				 sizeof(path)),
		0);
	assert_string_equal(path, want);
	assert_int_equal(crypt_store_path("namespace0.0", path, sizeof(path)),
			 -EINVAL);
	assert_int_equal(crypt_store_path("../x", path, sizeof(path)), -EINVAL);
	assert_int_equal(crypt_store_path(UUID, path, 10), -ENAMETOOLONG);

	unsetenv(CRYPT_STORE_ENV);
	assert_string_equal(crypt_store_dir(), "/etc/ndctl/crypt");
	setenv(CRYPT_STORE_ENV, "", 1);
	assert_string_equal(crypt_store_dir(), "/etc/ndctl/crypt");
	setenv(CRYPT_STORE_ENV, store, 1);
}

/* A write creates the store (0700) and a 0600 blob, whatever the umask. */
static void test_write_read(void **state)
{
	char path[256];
	struct stat st;
	mode_t old = umask(0);

	assert_int_equal(crypt_store_exists(UUID), 0);
	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	umask(old);
	assert_int_equal(crypt_store_exists(UUID), 1);
	assert_blob(BLOB1);

	crypt_store_path(UUID, path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(stat(store, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* no temporary file is left behind */
	assert_int_equal(count_entries(), 1);
}

/* An existing blob is kept unless force is given; force replaces it. */
static void test_no_overwrite(void **state)
{
	char path[256];
	struct stat st;

	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_write(UUID, BLOB2, strlen(BLOB2), false),
			 -EEXIST);
	assert_blob(BLOB1);
	assert_int_equal(count_entries(), 1);

	assert_int_equal(crypt_store_write(UUID, BLOB2, strlen(BLOB2), true),
			 0);
	assert_blob(BLOB2);
	assert_int_equal(count_entries(), 1);
	crypt_store_path(UUID, path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* Remove deletes the blob; a missing blob is -ENOENT everywhere. */
static void test_remove(void **state)
{
	size_t len;
	char *blob;

	assert_int_equal(crypt_store_remove(UUID), -ENOENT);
	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_remove(UUID), 0);
	assert_int_equal(crypt_store_exists(UUID), 0);
	assert_int_equal(crypt_store_read(UUID, &blob, &len), -ENOENT);
	assert_int_equal(crypt_store_remove(UUID), -ENOENT);
	assert_int_equal(count_entries(), 0);
}

/*
 * Remove overwrites the blob before unlinking it: a second link to the
 * same file (outside the store) is left holding zeros of the same size.
 */
static void test_remove_wipes(void **state)
{
	char path[4096], link_path[256], buf[64];
	int fd;

	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_path(UUID, path, sizeof(path)), 0);
	snprintf(link_path, sizeof(link_path), "%s/other-link", top);
	assert_int_equal(link(path, link_path), 0);
	assert_int_equal(crypt_store_remove(UUID), 0);
	fd = open(link_path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), strlen(BLOB1));
	close(fd);
	for (size_t i = 0; i < strlen(BLOB1); i++)
		assert_int_equal(buf[i], 0);
	unlink(link_path);
}

/* Empty, oversized and misnamed blobs are refused. */
static void test_write_invalid(void **state)
{
	static char big[CRYPT_BLOB_MAX + 1];

	assert_int_equal(crypt_store_write(UUID, BLOB1, 0, false), -EINVAL);
	assert_int_equal(crypt_store_write(UUID, NULL, 4, false), -EINVAL);
	assert_int_equal(crypt_store_write(UUID, big, sizeof(big), false),
			 -EINVAL);
	assert_int_equal(crypt_store_write("x", BLOB1, strlen(BLOB1), false),
			 -EINVAL);
	assert_int_equal(crypt_store_exists("x"), -EINVAL);
	assert_int_equal(crypt_store_remove("x"), -EINVAL);
}

/* Reads refuse symbolic links, empty and oversized files. */
static void test_read_invalid(void **state)
{
	char path[256];
	size_t len;
	char *blob;

	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	crypt_store_path(UUID, path, sizeof(path));

	assert_int_equal(truncate(path, CRYPT_BLOB_MAX + 1), 0);
	assert_int_equal(crypt_store_read(UUID, &blob, &len), -EINVAL);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(crypt_store_read(UUID, &blob, &len), -EINVAL);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/etc/hostname", path), 0);
	assert_int_equal(crypt_store_read(UUID, &blob, &len), -ELOOP);
}

/*
 * Named files (a master key's JWE): plain names inside the store only, up
 * to CRYPT_FILE_MAX bytes; a blob stays within CRYPT_BLOB_MAX, and load-keys
 * does not take such a file for a namespace's key.
 */
static void test_named_files(void **state)
{
	static const char *const bad[] = {"",	  ".x",	 "a/b",
					  "../x", "a b", "a\001b"};
	static char big[CRYPT_BLOB_MAX + 100];
	char path[4096], *got;
	char(*uuids)[CRYPT_UUID_LEN];
	size_t len, n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			crypt_store_file_path(bad[i], path, sizeof(path)),
			-EINVAL);
		assert_int_equal(crypt_store_file_write(bad[i], "x", 1, false),
				 -EINVAL);
	}
	memset(big, 'j', sizeof(big));
	assert_int_equal(
		crypt_store_file_write("m.master.jwe", big, sizeof(big), false),
		0);
	assert_int_equal(crypt_store_file_write("m.master.jwe", big, 1, false),
			 -EEXIST);
	assert_int_equal(crypt_store_file_read("m.master.jwe", &got, &len), 0);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(got, big, len);
	free(got);
	assert_int_equal(crypt_store_list(&uuids, &n), 0);
	assert_int_equal(n, 0);
	free(uuids);
	assert_int_equal(crypt_store_file_remove("m.master.jwe"), 0);
	assert_int_equal(crypt_store_file_remove("m.master.jwe"), -ENOENT);
	assert_int_equal(count_entries(), 0);
	assert_int_equal(crypt_store_write(UUID, big, sizeof(big), false),
			 -EINVAL);
}

/* Store file names: "<lower-case uuid>.blob" and nothing else. */
static void test_name_uuid(void **state)
{
	char uuid[CRYPT_UUID_LEN];

	assert_int_equal(crypt_store_name_uuid(UUID ".blob", uuid), 0);
	assert_string_equal(uuid, UUID);
	assert_int_equal(crypt_store_name_uuid(UUID, uuid), -EINVAL);
	assert_int_equal(crypt_store_name_uuid(UUID ".blob.aB12cd", uuid),
			 -EINVAL);
	assert_int_equal(crypt_store_name_uuid(UUID ".blo", uuid), -EINVAL);
	assert_int_equal(
		crypt_store_name_uuid(
			"5D8C4F0E-8B3A-4B1E-9F0A-2C1D3E4F5A6B.blob", uuid),
		-EINVAL);
	assert_int_equal(
		crypt_store_name_uuid(
			"5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6g.blob", uuid),
		-EINVAL);
	assert_int_equal(crypt_store_name_uuid(".blob", uuid), -EINVAL);
	/* the new key of a rotation is not a key of its own */
	assert_int_equal(crypt_store_name_uuid(UUID ".next.blob", uuid),
			 -EINVAL);
}

/* Listing: sorted blobs only, an absent store is empty. */
static void test_list(void **state)
{
	static const char *const other = "0d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b";
	char(*uuids)[CRYPT_UUID_LEN];
	char path[4096];
	size_t n = 99;
	int fd;

	assert_int_equal(crypt_store_list(&uuids, &n), 0);
	assert_null(uuids);
	assert_int_equal(n, 0);

	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_write(other, BLOB2, strlen(BLOB2), false),
			 0);
	/* a left-over temporary file and a stray file are not keys */
	snprintf(path, sizeof(path), "%s/%s.blob.Ab12Cd", store, UUID);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/README", store);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* nor is the new key of a rotation */
	assert_int_equal(crypt_store_next_write(UUID, BLOB2, strlen(BLOB2)), 0);

	assert_int_equal(crypt_store_list(&uuids, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(uuids[0], other);
	assert_string_equal(uuids[1], UUID);
	free(uuids);
}

/* The new key's blob: its own name, 0600, kept, apart from the current. */
static void test_next(void **state)
{
	char path[256], want[256];
	struct stat st;
	size_t len;
	char *blob;

	snprintf(want, sizeof(want), "%s/%s.next.blob", store, UUID);
	assert_int_equal(crypt_store_next_path(UUID, path, sizeof(path)), 0);
	assert_string_equal(path, want);
	assert_int_equal(crypt_store_next_path("x", path, sizeof(path)),
			 -EINVAL);
	assert_int_equal(crypt_store_next_exists(UUID), 0);
	assert_int_equal(crypt_store_next_read(UUID, &blob, &len), -ENOENT);

	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_next_write(UUID, BLOB2, strlen(BLOB2)), 0);
	assert_int_equal(crypt_store_next_exists(UUID), 1);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* a rotation under way keeps its new key */
	assert_int_equal(crypt_store_next_write(UUID, BLOB1, strlen(BLOB1)),
			 -EEXIST);
	assert_int_equal(crypt_store_next_read(UUID, &blob, &len), 0);
	assert_int_equal(len, strlen(BLOB2));
	assert_memory_equal(blob, BLOB2, len);
	free(blob);
	/* the current blob is untouched */
	assert_blob(BLOB1);
	assert_int_equal(count_entries(), 2);

	/* given up before the kernel started: removed */
	assert_int_equal(crypt_store_next_remove(UUID), 0);
	assert_int_equal(crypt_store_next_exists(UUID), 0);
	assert_int_equal(crypt_store_next_remove(UUID), -ENOENT);
	assert_blob(BLOB1);
	assert_int_equal(count_entries(), 1);
}

/* The commit: the new blob replaces the current one, nothing else left. */
static void test_next_commit(void **state)
{
	char path[256];
	struct stat st;

	assert_int_equal(crypt_store_next_commit(UUID), -ENOENT);
	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_next_commit(UUID), -ENOENT);
	assert_blob(BLOB1);
	assert_int_equal(crypt_store_next_write(UUID, BLOB2, strlen(BLOB2)), 0);
	assert_int_equal(crypt_store_next_commit(UUID), 0);
	assert_blob(BLOB2);
	assert_int_equal(crypt_store_next_exists(UUID), 0);
	assert_int_equal(count_entries(), 1);
	crypt_store_path(UUID, path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* a second commit finds nothing to do */
	assert_int_equal(crypt_store_next_commit(UUID), -ENOENT);
	assert_blob(BLOB2);

	/* a symbolic link is not committed */
	crypt_store_next_path(UUID, path, sizeof(path));
	assert_int_equal(symlink("/etc/hostname", path), 0);
	assert_int_equal(crypt_store_next_commit(UUID), -EINVAL);
	assert_blob(BLOB2);
}

/* Asserts the store refuses everything with -EPERM, naming @why. */
static void assert_untrusted(const char *why)
{
	char(*uuids)[CRYPT_UUID_LEN];
	size_t len, n;
	char *blob;

	assert_int_equal(crypt_store_read(UUID, &blob, &len), -EPERM);
	assert_non_null(strstr(crypt_store_strerror(-EPERM), why));
	assert_int_equal(crypt_store_next_read(UUID, &blob, &len), -EPERM);
	assert_int_equal(crypt_store_list(&uuids, &n), -EPERM);
	assert_int_equal(crypt_store_write(UUID, BLOB2, strlen(BLOB2), true),
			 -EPERM);
	assert_int_equal(crypt_store_next_write(UUID, BLOB2, strlen(BLOB2)),
			 -EPERM);
	assert_int_equal(crypt_store_check(), -EPERM);
}

/* A store that group or others can write is not trusted. */
static void test_store_mode(void **state)
{
	static const mode_t bad[] = {0777, 0770, 0702, 0720, 0733};
	char(*uuids)[CRYPT_UUID_LEN];
	size_t i, n;

	assert_int_equal(crypt_store_check(), 0); /* no store yet */
	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(crypt_store_next_write(UUID, BLOB1, strlen(BLOB1)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(store, bad[i]), 0);
		assert_untrusted("group or others may write to it");
	}
	/* the reason names the store, its mode and the fix */
	assert_non_null(strstr(crypt_store_strerror(-EPERM), store));
	assert_non_null(strstr(crypt_store_strerror(-EPERM), "mode 0733"));
	assert_non_null(strstr(crypt_store_strerror(-EPERM), "chmod 700"));
	/* readable by others is fine: blobs are sealed */
	assert_int_equal(chmod(store, 0755), 0);
	assert_blob(BLOB1);
	assert_int_equal(crypt_store_list(&uuids, &n), 0);
	assert_int_equal(n, 1);
	free(uuids);
	/* other errors keep their own text */
	assert_string_equal(crypt_store_strerror(-ENOENT), strerror(ENOENT));
}

/* A store or a blob that another user owns is not trusted. */
static void test_store_owner(void **state)
{
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	assert_int_equal(chown(store, 65534, (gid_t)-1), 0);
	assert_untrusted("owned by uid 65534");
	assert_int_equal(chown(store, 0, (gid_t)-1), 0);
	assert_blob(BLOB1);
}

/* A blob that others could write, or another user owns, is not trusted. */
static void test_blob_perm(void **state)
{
	char path[256];
	size_t len;
	char *blob;

	assert_int_equal(crypt_store_write(UUID, BLOB1, strlen(BLOB1), false),
			 0);
	crypt_store_path(UUID, path, sizeof(path));
	assert_int_equal(chmod(path, 0622), 0);
	assert_int_equal(crypt_store_read(UUID, &blob, &len), -EPERM);
	assert_non_null(strstr(crypt_store_strerror(-EPERM), path));
	assert_non_null(strstr(crypt_store_strerror(-EPERM), "chmod 600"));
	assert_int_equal(chmod(path, 0644), 0);
	assert_blob(BLOB1);
	if (geteuid() != 0)
		return;
	assert_int_equal(chown(path, 65534, (gid_t)-1), 0);
	assert_int_equal(crypt_store_read(UUID, &blob, &len), -EPERM);
	assert_non_null(strstr(crypt_store_strerror(-EPERM), "owned by uid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_overwrite, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_wipes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_invalid, setup,
						teardown),
		cmocka_unit_test(test_name_uuid),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store_owner, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blob_perm, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_next_commit, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

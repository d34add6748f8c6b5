// SPDX-License-Identifier: BSD-3-Clause
/*
 * store.c -- the key store: one sealed blob per namespace UUID, in
 * $NDCTL_CRYPT_STORE or /etc/ndctl/crypt, mode 0600, replaced atomically;
 * and, while 'rotate-key' re-encrypts a namespace, the blob of its new key
 * (<uuid>.next.blob), which replaces the current one by a rename.  A store
 * or blob that others could have written is not trusted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypt.h"

/* The store directory. */
const char *crypt_store_dir(void)
{
	const char *dir = getenv(CRYPT_STORE_ENV);

	return dir && *dir ? dir : CRYPT_STORE_DEFAULT;
}

/* Why the store or a blob in it was last refused with -EPERM */
static char refusal[4096 + 256];

/* Describes a store error: the reason of a refusal (-EPERM), or errno's. */
const char *crypt_store_strerror(int err)
{
	return err == -EPERM && refusal[0] ? refusal : strerror(-err);
}

/*
 * Checks the store before a blob is read from it or written to it: a
 * directory that belongs to root (or the user running ndctl-crypt) and
 * that group and others cannot write, since whoever can write there can
 * replace a sealed key or remove it.  A missing store is fine (nothing to
 * read; a write creates it mode 0700).  0, -ENOTDIR, or -EPERM (see
 * crypt_store_strerror()).
 */
int crypt_store_check(void)
{
	const char *dir = crypt_store_dir();
	struct stat st;

	refusal[0] = '\0';
	if (stat(dir, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return crypt_perm_check(dir, &st, 022, 0700, refusal, sizeof(refusal));
}

/* File name endings of the current blob and of the new key's blob */
#define BLOB_SUFFIX ".blob"
#define NEXT_SUFFIX ".next.blob"

/*
 * Path of the store's file @name: a plain name (no '/', not starting with
 * '.', printable), so that nothing outside the store is named.
 */
int crypt_store_file_path(const char *name, char *buf, size_t len)
{
	int n;

	if (!*name || *name == '.' || strlen(name) > 200)
		return -EINVAL;
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c <= ' ' || *c > '~')
			return -EINVAL;
	n = snprintf(buf, len, "%s/%s", crypt_store_dir(), name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Name of the file of @uuid ending in @suffix. */
static int blob_name(const char *uuid, const char *suffix, char *buf,
		     size_t len)
{
	char canon[CRYPT_UUID_LEN];
	int n;

	if (crypt_uuid_canonical(uuid, canon))
		return -EINVAL;
	n = snprintf(buf, len, "%s%s", canon, suffix);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Path of the file of @uuid ending in @suffix. */
static int blob_path(const char *uuid, const char *suffix, char *buf,
		     size_t len)
{
	char name[CRYPT_UUID_LEN + 32];
	int ret = blob_name(uuid, suffix, name, sizeof(name));

	return ret ? ret : crypt_store_file_path(name, buf, len);
}

/* Path of the blob of the namespace @uuid. */
int crypt_store_path(const char *uuid, char *buf, size_t len)
{
	return blob_path(uuid, BLOB_SUFFIX, buf, len);
}

/* Path of the blob of the new key of @uuid, while it is rotated. */
int crypt_store_next_path(const char *uuid, char *buf, size_t len)
{
	return blob_path(uuid, NEXT_SUFFIX, buf, len);
}

/* Creates @dir and its parents, the last one mode 0700. */
static int make_dirs(const char *dir)
{
	char path[4096];
	char *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Makes a rename or unlink in the store durable. */
static int sync_dir(void)
{
	int fd = open(crypt_store_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* Writes all of @buf to @fd. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Stores @blob in the store's file @name: written to a temporary file,
 * synced, then put in place by link() (fails with -EEXIST if the file
 * exists) or, with @force, by rename().  A crash leaves the old file or
 * the new one, never a mix.
 */
int crypt_store_file_write(const char *name, const void *blob, size_t len,
			   bool force)
{
	char path[4096], tmp[4096 + 16];
	int fd, ret;

	if (!blob || !len || len > CRYPT_FILE_MAX)
		return -EINVAL;
	ret = crypt_store_file_path(name, path, sizeof(path));
	if (ret)
		return ret;
	ret = make_dirs(crypt_store_dir());
	if (!ret)
		ret = crypt_store_check();
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = fchmod(fd, 0600) ? -errno : 0;
	if (!ret)
		ret = write_all(fd, blob, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret) {
		if (force)
			ret = rename(tmp, path) ? -errno : 0;
		else
			ret = link(tmp, path) ? -errno : 0;
	}
	if (ret || !force)
		unlink(tmp);
	return ret ? ret : sync_dir();
}

/* Stores @blob in the file of @uuid ending in @suffix. */
static int blob_write(const char *uuid, const char *suffix, const void *blob,
		      size_t len, bool force)
{
	char name[CRYPT_UUID_LEN + 32];
	int ret = blob_name(uuid, suffix, name, sizeof(name));

	if (len > CRYPT_BLOB_MAX)
		return -EINVAL;
	return ret ? ret : crypt_store_file_write(name, blob, len, force);
}

/* Stores @blob for @uuid (see crypt_store_file_write()). */
int crypt_store_write(const char *uuid, const void *blob, size_t len,
		      bool force)
{
	return blob_write(uuid, BLOB_SUFFIX, blob, len, force);
}

/*
 * Stores the blob of the new key of @uuid; -EEXIST if there is one: a
 * rotation under way keeps its key.
 */
int crypt_store_next_write(const char *uuid, const void *blob, size_t len)
{
	return blob_write(uuid, NEXT_SUFFIX, blob, len, false);
}

/*
 * Reads the store's file @name into a NUL-terminated buffer the caller
 * frees; -EPERM for an untrusted store or a file others could have
 * written.
 */
int crypt_store_file_read(const char *name, char **blob, size_t *len)
{
	char path[4096];
	struct stat st;
	ssize_t n;
	char *buf;
	int fd, ret;

	ret = crypt_store_file_path(name, path, sizeof(path));
	if (!ret)
		ret = crypt_store_check();
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size ||
	    st.st_size > CRYPT_FILE_MAX) {
		ret = -EINVAL;
		goto out;
	}
	ret = crypt_perm_check(path, &st, 022, 0600, refusal, sizeof(refusal));
	if (ret)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		ret = n < 0 ? -errno : -EIO;
		free(buf);
		goto out;
	}
	buf[n] = '\0';
	*blob = buf;
	*len = (size_t)n;
out:
	close(fd);
	return ret;
}

/* Reads the file of @uuid ending in @suffix (crypt_store_file_read()). */
static int blob_read(const char *uuid, const char *suffix, char **blob,
		     size_t *len)
{
	char name[CRYPT_UUID_LEN + 32];
	int ret = blob_name(uuid, suffix, name, sizeof(name));

	if (!ret)
		ret = crypt_store_file_read(name, blob, len);
	if (!ret && *len > CRYPT_BLOB_MAX) {
		free(*blob);
		*blob = NULL;
		ret = -EINVAL;
	}
	return ret;
}

/* Reads the blob of @uuid into a NUL-terminated buffer the caller frees. */
int crypt_store_read(const char *uuid, char **blob, size_t *len)
{
	return blob_read(uuid, BLOB_SUFFIX, blob, len);
}

/* Reads the blob of the new key of @uuid, as crypt_store_read(). */
int crypt_store_next_read(const char *uuid, char **blob, size_t *len)
{
	return blob_read(uuid, NEXT_SUFFIX, blob, len);
}

/* 1 if the file of @uuid ending in @suffix exists, 0 if not, or -errno. */
static int blob_exists(const char *uuid, const char *suffix)
{
	char path[4096];
	struct stat st;
	int ret = blob_path(uuid, suffix, path, sizeof(path));

	if (ret)
		return ret;
	if (!lstat(path, &st))
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

/* 1 if @uuid has a blob, 0 if not, or -errno. */
int crypt_store_exists(const char *uuid)
{
	return blob_exists(uuid, BLOB_SUFFIX);
}

/* 1 if @uuid has the blob of a new key (a rotation), 0 if not, or -errno. */
int crypt_store_next_exists(const char *uuid)
{
	return blob_exists(uuid, NEXT_SUFFIX);
}

/* Deletes the file of @uuid ending in @suffix; -ENOENT if there is none. */
/*
 * Overwrites the blob at @path with zeros, durably, before it is unlinked:
 * where the file system writes in place, no copy of it is left behind.
 */
static int blob_wipe(const char *path)
{
	static const char zeros[4096];
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC), ret = 0;
	struct stat st;
	off_t off;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	for (off = 0; !ret && off < st.st_size; off += sizeof(zeros)) {
		size_t len = st.st_size - off < (off_t)sizeof(zeros)
				     ? (size_t)(st.st_size - off)
				     : sizeof(zeros);

		if (pwrite(fd, zeros, len, off) != (ssize_t)len)
			ret = -EIO;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* Overwrites and deletes the store's file @name; -ENOENT if none. */
int crypt_store_file_remove(const char *name)
{
	char path[4096];
	int ret = crypt_store_file_path(name, path, sizeof(path));

	if (!ret)
		ret = blob_wipe(path);
	if (ret)
		return ret;
	if (unlink(path))
		return -errno;
	return sync_dir();
}

static int blob_remove(const char *uuid, const char *suffix)
{
	char name[CRYPT_UUID_LEN + 32];
	int ret = blob_name(uuid, suffix, name, sizeof(name));

	return ret ? ret : crypt_store_file_remove(name);
}

/* Deletes the blob of @uuid; -ENOENT if there is none. */
int crypt_store_remove(const char *uuid)
{
	return blob_remove(uuid, BLOB_SUFFIX);
}

/* Deletes the blob of the new key of @uuid; -ENOENT if there is none. */
int crypt_store_next_remove(const char *uuid)
{
	return blob_remove(uuid, NEXT_SUFFIX);
}

/*
 * Makes the new key of @uuid its key: <uuid>.next.blob replaces
 * <uuid>.blob by one rename(), made durable; a crash leaves either the
 * old blob and the new one beside it, or only the new one.  -ENOENT if
 * there is no new key.
 */
int crypt_store_next_commit(const char *uuid)
{
	char path[4096], next[4096];
	struct stat st;
	int ret;

	ret = crypt_store_path(uuid, path, sizeof(path));
	if (!ret)
		ret = crypt_store_next_path(uuid, next, sizeof(next));
	if (ret)
		return ret;
	if (lstat(next, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (rename(next, path))
		return -errno;
	return sync_dir();
}

/*
 * Takes the UUID out of a store file name, "<uuid>.blob" in lower case
 * (as crypt_store_path() makes it); -EINVAL for any other name, such as
 * the temporary files of crypt_store_write() and the blobs of new keys
 * ("<uuid>.next.blob").
 */
int crypt_store_name_uuid(const char *name, char uuid[CRYPT_UUID_LEN])
{
	char canon[CRYPT_UUID_LEN];

	if (strlen(name) != CRYPT_UUID_LEN - 1 + strlen(".blob") ||
	    strcmp(name + CRYPT_UUID_LEN - 1, ".blob"))
		return -EINVAL;
	memcpy(uuid, name, CRYPT_UUID_LEN - 1);
	uuid[CRYPT_UUID_LEN - 1] = '\0';
	if (crypt_uuid_canonical(uuid, canon) || strcmp(canon, uuid))
		return -EINVAL;
	return 0;
}

/* Orders UUIDs for qsort(). */
static int uuid_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Lists the UUIDs that have a blob in the store, sorted, in an array the
 * caller frees (NULL and 0 for an empty or absent store); -errno, -EPERM
 * for an untrusted store.
 */
int crypt_store_list(char (**uuids)[CRYPT_UUID_LEN], size_t *count)
{
	char(*list)[CRYPT_UUID_LEN] = NULL, (*grown)[CRYPT_UUID_LEN];
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int ret;

	*uuids = NULL;
	*count = 0;
	ret = crypt_store_check();
	if (ret)
		return ret;
	dir = opendir(crypt_store_dir());
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((errno = 0, de = readdir(dir))) {
		char uuid[CRYPT_UUID_LEN];

		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (crypt_store_name_uuid(de->d_name, uuid))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			grown = reallocarray(list, cap, sizeof(*list));
			if (!grown) {
				free(list);
				closedir(dir);
				return -ENOMEM;
			}
			list = grown;
		}
		memcpy(list[n++], uuid, CRYPT_UUID_LEN);
	}
	if (errno) {
		ret = -errno;
		free(list);
		closedir(dir);
		return ret;
	}
	closedir(dir);
	if (n)
		qsort(list, n, sizeof(*list), uuid_cmp);
	*uuids = list;
	*count = n;
	return 0;
}

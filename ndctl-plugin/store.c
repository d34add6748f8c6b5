// SPDX-License-Identifier: BSD-3-Clause
/*
 * store.c -- the key store: one sealed blob per namespace UUID, in
 * $NDCTL_CRYPT_STORE or /etc/ndctl/crypt, mode 0600, replaced atomically.
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

/* Path of the blob of the namespace @uuid. */
int crypt_store_path(const char *uuid, char *buf, size_t len)
{
	char canon[CRYPT_UUID_LEN];
	int n;

	if (crypt_uuid_canonical(uuid, canon))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s.blob", crypt_store_dir(), canon);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
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
 * Stores @blob for @uuid: written to a temporary file, synced, then put in
 * place by link() (fails with -EEXIST if a blob exists) or, with @force,
 * by rename().  A crash leaves the old blob or the new one, never a mix.
 */
int crypt_store_write(const char *uuid, const void *blob, size_t len,
		      bool force)
{
	char path[4096], tmp[4096 + 16];
	int fd, ret;

	if (!blob || !len || len > CRYPT_BLOB_MAX)
		return -EINVAL;
	ret = crypt_store_path(uuid, path, sizeof(path));
	if (ret)
		return ret;
	ret = make_dirs(crypt_store_dir());
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

/* Reads the blob of @uuid into a NUL-terminated buffer the caller frees. */
int crypt_store_read(const char *uuid, char **blob, size_t *len)
{
	char path[4096];
	struct stat st;
	ssize_t n;
	char *buf;
	int fd, ret;

	ret = crypt_store_path(uuid, path, sizeof(path));
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
	    st.st_size > CRYPT_BLOB_MAX) {
		ret = -EINVAL;
		goto out;
	}
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

/* 1 if @uuid has a blob, 0 if not, or -errno. */
int crypt_store_exists(const char *uuid)
{
	char path[4096];
	struct stat st;
	int ret = crypt_store_path(uuid, path, sizeof(path));

	if (ret)
		return ret;
	if (!lstat(path, &st))
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

/* Deletes the blob of @uuid; -ENOENT if there is none. */
int crypt_store_remove(const char *uuid)
{
	char path[4096];
	int ret = crypt_store_path(uuid, path, sizeof(path));

	if (ret)
		return ret;
	if (unlink(path))
		return -errno;
	return sync_dir();
}

/*
 * Takes the UUID out of a store file name, "<uuid>.blob" in lower case
 * (as crypt_store_path() makes it); -EINVAL for any other name, such as
 * the temporary files of crypt_store_write().
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
 * caller frees (NULL and 0 for an empty or absent store); -errno.
 */
int crypt_store_list(char (**uuids)[CRYPT_UUID_LEN], size_t *count)
{
	char(*list)[CRYPT_UUID_LEN] = NULL, (*grown)[CRYPT_UUID_LEN];
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	*uuids = NULL;
	*count = 0;
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
		int ret = -errno;

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

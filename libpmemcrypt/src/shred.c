// SPDX-License-Identifier: BSD-3-Clause
/* shred.c -- erasing a pool by destroying its keys */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "errormsg.h"
#include "header.h"
#include "key.h"
#include "media.h"

/* Writes len bytes of buf at the start of a regular file, durably. */
static int shred_file(int fd, const char *path, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, buf + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return pc_err(n < 0 ? -errno : -EIO, "%s: write: %s",
				      path, strerror(n < 0 ? errno : EIO));
		done += (size_t)n;
	}
	if (fdatasync(fd))
		return pc_err(-errno, "%s: sync: %s", path, strerror(errno));
	return 0;
}

/* The same on a device-dax (no write(2)): through a mapping, persisted. */
static int shred_devdax(int fd, uint64_t size, const uint8_t *buf, size_t len)
{
	struct pc_media m = {.fd = -1};
	int ret = pc_media_map(&m, fd, size);

	if (ret)
		return ret;
	m.memcpy_fn(m.base, buf, len, 0);
	pc_media_unmap(&m);
	return 0;
}

/*
 * Overwrites both header copies (every key slot and the header MAC's
 * inputs) with the shred mark and zeros.  Nothing else is written, so the
 * time does not depend on the pool's size.
 */
PC_EXPORT int pmemcrypt_pool_shred(const char *path, unsigned flags)
{
	uint8_t area[PC_HDR_AREA] __attribute__((aligned(64)));
	static const uint8_t mark[PC_HDR_AREA] = PC_SHRED_MARK;
	int fd, which = 0, ok[2], ret = pc_crypto_init();
	uint64_t size = 0;
	struct stat st;
	size_t len;

	if (ret)
		return ret;
	if (!path || flags)
		return pc_err(PMEMCRYPT_E_INVALID, "shred: %s",
			      !path ? "NULL path" : "unknown flags");
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ELOOP)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "%s: is a symbolic link; shred the pool at the "
			      "path of the file or device itself",
			      path);
	if (fd < 0)
		return pc_err(-errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		ret = pc_err(-errno, "%s: stat: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		ret = pc_err(PMEMCRYPT_E_INVALID,
			     "%s: neither a file nor a device-dax", path);
	} else {
		ret = pc_media_lock(fd, path, &size);
	}
	if (!ret) {
		ret = pc_header_load(fd, path, area, &which, ok);
		/* Whatever is left of a pool is shredded; what is not a
		 * pool, or is one of a format not known here, is not. */
		if (ret == PMEMCRYPT_E_HDR_COPY ||
		    ret == PMEMCRYPT_E_HDR_CORRUPT ||
		    ret == PMEMCRYPT_E_TRUNCATED)
			ret = 0;
		explicit_bzero(area, sizeof(area));
	}
	if (!ret) {
		len = size < PC_HDR_AREA ? (size_t)size : PC_HDR_AREA;
		ret = S_ISCHR(st.st_mode) ? shred_devdax(fd, size, mark, len)
					  : shred_file(fd, path, mark, len);
	}
	close(fd);
	return ret;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * ns.c -- namespaces through libndctl: find one by name or UUID, and
 * gather what 'list' shows, including the mktme_key attribute, which is
 * also written here to bind and unbind, and the mktme_rekey attribute,
 * written to re-encrypt a namespace with a new key (sysfs: libndctl has
 * no accessor for them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ndctl/libndctl.h>

#include "crypt.h"
#include "ns.h"

/* Text form of the namespace's UUID; "" when it has none (raw, io). */
void crypt_ns_uuid(struct ndctl_namespace *ndns, char out[CRYPT_UUID_LEN])
{
	static const uuid_t null_uuid;
	uuid_t uu;

	ndctl_namespace_get_uuid(ndns, uu);
	if (!memcmp(uu, null_uuid, sizeof(uu))) {
		out[0] = '\0';
		return;
	}
	snprintf(out, CRYPT_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 uu[0], uu[1], uu[2], uu[3], uu[4], uu[5], uu[6], uu[7], uu[8],
		 uu[9], uu[10], uu[11], uu[12], uu[13], uu[14], uu[15]);
}

/* Finds the namespace named or identified by @arg; -ENOENT, -EINVAL. */
int crypt_ns_find(struct ndctl_ctx *ctx, const char *arg,
		  struct ndctl_namespace **out)
{
	enum crypt_ns_kind kind = crypt_ns_kind(arg);
	char uuid[CRYPT_UUID_LEN];
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;

	if (kind == CRYPT_NS_INVALID)
		return -EINVAL;
	ndctl_bus_foreach(ctx, bus)
	{
		ndctl_region_foreach(bus, region)
		{
			ndctl_namespace_foreach(region, ndns)
			{
				const char *dev =
					ndctl_namespace_get_devname(ndns);

				crypt_ns_uuid(ndns, uuid);
				if ((kind == CRYPT_NS_NAME &&
				     !strcmp(dev, arg)) ||
				    (kind == CRYPT_NS_UUID &&
				     !strcasecmp(uuid, arg))) {
					*out = ndns;
					return 0;
				}
			}
		}
	}
	return -ENOENT;
}

/*
 * Reads the attribute @attr of the namespace @dev into @text (@len bytes,
 * NUL-terminated); -ENOENT when the kernel has no such attribute.
 */
static int attr_read(const char *dev, const char *attr, char *text, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/%s", dev, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	text[n] = '\0';
	return 0;
}

/* Reads /sys/bus/nd/devices/<dev>/mktme_key into @b. */
int crypt_binding_read(const char *dev, struct crypt_binding *b)
{
	char text[CRYPT_DESC_MAX + 64];
	int ret;

	memset(b, 0, sizeof(*b));
	ret = attr_read(dev, "mktme_key", text, sizeof(text));
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	return crypt_binding_parse(text, b);
}

/*
 * Reads /sys/bus/nd/devices/<dev>/mktme_rekey into @r (r->supported is
 * false, and 0 returned, when the kernel has no such attribute).
 */
int crypt_rekey_read(const char *dev, struct crypt_rekey *r)
{
	char text[128];
	int ret;

	memset(r, 0, sizeof(*r));
	ret = attr_read(dev, "mktme_rekey", text, sizeof(text));
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	return crypt_rekey_parse(text, r);
}

/* Writes @text to the attribute @attr of the namespace @dev; -errno. */
static int attr_write(const char *dev, const char *attr, const char *text)
{
	char path[256];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/%s", dev, attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(text))
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/*
 * Binds the disabled namespace @dev to the mktme key @serial, or unbinds
 * it when @serial is 0, through its mktme_key attribute; -errno.
 */
int crypt_binding_write(const char *dev, key_serial_t serial)
{
	char text[32];

	if (serial > 0)
		snprintf(text, sizeof(text), "%d\n", serial);
	else
		snprintf(text, sizeof(text), "none\n");
	return attr_write(dev, "mktme_key", text);
}

/*
 * Has the kernel re-encrypt the disabled namespace @dev, bound to its
 * current key, with the mktme key @serial, and bind it to @serial.  Blocks
 * until the kernel is done; -errno (-EINTR: a fatal signal stopped it, the
 * progress is kept).
 */
int crypt_rekey_write(const char *dev, key_serial_t serial)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", serial);
	return attr_write(dev, "mktme_rekey", text);
}

/* Fills @info for 'list': libndctl, the mktme_key attribute, the store. */
int crypt_ns_info_fill(struct ndctl_namespace *ndns, struct crypt_ns_info *info)
{
	char *blob;
	size_t len;
	int ret;

	memset(info, 0, sizeof(*info));
	snprintf(info->dev, sizeof(info->dev), "%s",
		 ndctl_namespace_get_devname(ndns));
	crypt_ns_uuid(ndns, info->uuid);
	info->size = ndctl_namespace_get_size(ndns);
	info->enabled = ndctl_namespace_is_active(ndns);
	info->mode = crypt_mode_name(ndctl_namespace_get_mode(ndns),
				     ndctl_namespace_get_enforce_mode(ndns),
				     info->enabled);
	ret = crypt_binding_read(info->dev, &info->binding);
	if (ret || !info->uuid[0])
		return ret;
	if (!crypt_store_read(info->uuid, &blob, &len)) {
		info->sealed = true;
		if (crypt_blob_key_len(blob, len, &info->key_len))
			info->key_len = 0;
		free(blob);
	}
	/* a kernel without mktme_rekey, or one that cannot read it: none */
	if (crypt_rekey_read(info->dev, &info->rekey))
		memset(&info->rekey, 0, sizeof(info->rekey));
	info->rotating = crypt_rotation_unfinished(
		crypt_store_next_exists(info->uuid) > 0, &info->rekey);
	return 0;
}

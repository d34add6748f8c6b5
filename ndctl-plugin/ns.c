// SPDX-License-Identifier: BSD-3-Clause
/*
 * ns.c -- namespaces through libndctl: find one by name or UUID, and
 * gather what 'list' shows, including the mktme_key attribute, which is
 * also written here to bind and unbind (sysfs: libndctl has no accessor
 * for it).
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

/* Reads /sys/bus/nd/devices/<dev>/mktme_key into @b. */
int crypt_binding_read(const char *dev, struct crypt_binding *b)
{
	char path[256], text[CRYPT_DESC_MAX + 64];
	ssize_t n;
	int fd;

	memset(b, 0, sizeof(*b));
	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/mktme_key", dev);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	return crypt_binding_parse(text, b);
}

/*
 * Binds the disabled namespace @dev to the mktme key @serial, or unbinds
 * it when @serial is 0, through its mktme_key attribute; -errno.
 */
int crypt_binding_write(const char *dev, key_serial_t serial)
{
	char path[256], text[32];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/mktme_key", dev);
	if (serial > 0)
		snprintf(text, sizeof(text), "%d\n", serial);
	else
		snprintf(text, sizeof(text), "none\n");
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
	return 0;
}

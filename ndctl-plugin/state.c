// SPDX-License-Identifier: BSD-3-Clause
/*
 * state.c -- decisions without side effects: the mode 'list' shows, what
 * bringing a namespace up with its key takes, what a refusal to bind means,
 * and the summary of 'load-keys'.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <ndctl/libndctl.h>

#include "crypt.h"

/* The name 'ndctl list' uses for a libndctl mode, or NULL. */
static const char *mode_str(int mode)
{
	switch (mode) {
	case NDCTL_NS_MODE_FSDAX:
		return "fsdax";
	case NDCTL_NS_MODE_SECTOR:
		return "sector";
	case NDCTL_NS_MODE_RAW:
		return "raw";
	case NDCTL_NS_MODE_DEVDAX:
		return "devdax";
	default:
		return NULL;
	}
}

/*
 * The mode to show for a namespace: libndctl's mode, except that a
 * disabled namespace whose claim was released (ndctl disable-namespace, or
 * a namespace the kernel left disabled at boot) reads as "raw"; then the
 * mode recorded in its label (holder_class, @enforce) is the one it has.
 */
const char *crypt_mode_name(int mode, int enforce, bool active)
{
	const char *name = mode_str(mode);
	const char *recorded = mode_str(enforce);

	if (!active && (!name || mode == NDCTL_NS_MODE_RAW) && recorded)
		return recorded;
	return name ? name : "unknown";
}

/*
 * What 'enable-namespace' has to do for a namespace in state (@active,
 * @b), whose mktme key is described @mktme_desc.
 */
enum crypt_plan crypt_plan_enable(bool active, const struct crypt_binding *b,
				  const char *mktme_desc)
{
	if (!b->supported)
		return CRYPT_PLAN_UNSUPPORTED;
	if (b->bound && strcmp(b->desc, mktme_desc))
		return CRYPT_PLAN_FOREIGN;
	if (b->bound)
		return active ? CRYPT_PLAN_UP : CRYPT_PLAN_ENABLE;
	return active ? CRYPT_PLAN_REBIND : CRYPT_PLAN_BIND;
}

/* Why the kernel refused to bind a namespace (a write to mktme_key). */
const char *crypt_bind_strerror(int err)
{
	switch (err) {
	case -EBUSY:
		return "the namespace or its fsdax/devdax/sector claim is "
		       "enabled";
	case -EINVAL:
		return "not an mktme key, or a key with an expiry time";
	case -ENOKEY:
		return "the mktme key is not in the caller's keyrings";
	case -EACCES:
		return "the mktme key is not searchable by the caller";
	case -EKEYREVOKED:
		return "the mktme key is revoked";
	case -EOPNOTSUPP:
		return "sector (btt) mode cannot be encrypted";
	default:
		return strerror(-err);
	}
}

/*
 * Why the kernel refused to load a sealed blob: an encrypted key that
 * does not decrypt under its master key (a wrong master key or a damaged
 * blob) is rejected with -EINVAL.
 */
const char *crypt_load_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "wrong master key, or a damaged blob";
	case -ENOKEY:
		return "its master key is not in the keyring";
	case -EKEYREVOKED:
	case -EKEYEXPIRED:
		return "its master key is revoked or expired";
	default:
		return strerror(-err);
	}
}

/*
 * The exit code of 'load-keys': 0 when no namespace was left disabled,
 * otherwise the code of the first failure (@first, set by the caller).
 */
int crypt_load_exit(const struct crypt_load_counts *c, int first)
{
	if (!c->failed && !c->no_key)
		return CRYPT_EXIT_OK;
	return first ? first : CRYPT_EXIT_FAIL;
}

/* The one-line summary 'load-keys' ends with. */
int crypt_load_summary(char *buf, size_t len, const struct crypt_load_counts *c)
{
	int n = snprintf(buf, len,
			 "load-keys: %u enabled with their keys, %u already "
			 "enabled, %u left disabled (%u without a sealed key, "
			 "%u refused), %u stored keys without a namespace",
			 c->enabled, c->already, c->failed + c->no_key,
			 c->no_key, c->failed, c->orphans);

	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

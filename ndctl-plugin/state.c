// SPDX-License-Identifier: BSD-3-Clause
/*
 * state.c -- decisions without side effects: the mode 'list' shows, what
 * bringing a namespace up with its key takes, what a refusal to bind means,
 * the summary of 'load-keys', what 'rotate-key' does in each state and
 * after the kernel's answer, and its progress bar.
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
	if (!c->failed && !c->no_key && !c->rotating && !c->masters)
		return CRYPT_EXIT_OK;
	return first ? first : CRYPT_EXIT_FAIL;
}

/* The one-line summary 'load-keys' ends with. */
int crypt_load_summary(char *buf, size_t len, const struct crypt_load_counts *c)
{
	int n = snprintf(buf, len,
			 "load-keys: %u enabled with their keys, %u already "
			 "enabled, %u left disabled (%u without a sealed key, "
			 "%u refused, %u with an unfinished key rotation), %u "
			 "stored keys without a namespace",
			 c->enabled, c->already,
			 c->failed + c->no_key + c->rotating, c->no_key,
			 c->failed, c->rotating, c->orphans);

	if (n >= 0 && (size_t)n < len && c->masters) {
		int m = snprintf(buf + n, len - (size_t)n,
				 "; %u master keys bound through clevis not "
				 "unsealed",
				 c->masters);

		n = m < 0 ? m : n + m;
	}
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/*
 * Says whether a namespace's key rotation is unfinished: the blob of a new
 * key is stored (@has_next), or the kernel records a rekey (@r).  Such a
 * namespace is not enabled with either key: only 'rotate-key' finishes it.
 */
bool crypt_rotation_unfinished(bool has_next, const struct crypt_rekey *r)
{
	return has_next || (r && r->recorded);
}

/*
 * What 'rotate-key' does for a namespace in state @s.  The new key's blob
 * is stored before the namespace is touched and replaces the current blob
 * only once the kernel is done, so a stored new key means a rotation to
 * resume, or to finish when the kernel has already bound the namespace to
 * it (it does so only once every byte is re-encrypted; the blob may then
 * be committed already, the old keys not yet dropped).
 */
enum crypt_rotate_plan crypt_plan_rotate(const struct crypt_rotate_state *s)
{
	const struct crypt_binding *b = &s->binding;
	bool bound_new, bound_ours;

	if (!b->supported || !s->rekey.supported)
		return CRYPT_ROTATE_UNSUPPORTED;
	bound_new = b->bound && !strcmp(b->desc, s->mktme_next_desc);
	bound_ours = b->bound && (bound_new || !strcmp(b->desc, s->mktme_desc));
	if (b->bound && !bound_ours)
		return CRYPT_ROTATE_FOREIGN;
	if (!s->has_blob)
		return CRYPT_ROTATE_NO_KEY;
	if (s->rekey.recorded && !s->has_next)
		return CRYPT_ROTATE_NO_NEXT;
	/* with or without the new blob: it may be committed already */
	if (bound_new && !s->rekey.recorded)
		return CRYPT_ROTATE_FINISH;
	return s->has_next ? CRYPT_ROTATE_RESUME : CRYPT_ROTATE_START;
}

/*
 * What a write of mktme_rekey that returned @err left, given the
 * attribute read after it (@after) and whether this run stored the new
 * key (@created_next).  The kernel checks the namespace, the keys and the
 * journal before it changes a byte: a refusal then, with nothing
 * recorded, changed nothing and is undone.  An old key refused by a
 * rotation resumed with nothing recorded may mean that the kernel had
 * finished when the machine stopped, before the new key was committed:
 * the new key is tried.  Anything else keeps everything for a resume.
 */
enum crypt_rekey_outcome
crypt_rekey_outcome(int err, const struct crypt_rekey *after, bool created_next)
{
	if (!err)
		return CRYPT_REKEY_DONE;
	if (after->recorded)
		return CRYPT_REKEY_INTERRUPTED;
	switch (err) {
	case -EKEYREJECTED:
		return created_next ? CRYPT_REKEY_NOT_STARTED
				    : CRYPT_REKEY_PROBE;
	case -EBUSY:
	case -ENOKEY:
	case -EINVAL:
	case -EOPNOTSUPP:
		return CRYPT_REKEY_NOT_STARTED;
	default:
		return CRYPT_REKEY_INTERRUPTED;
	}
}

/* Why the kernel refused or stopped a rekey (a write to mktme_rekey). */
const char *crypt_rekey_strerror(int err)
{
	switch (err) {
	case -EBUSY:
		return "the namespace is enabled";
	case -ENOKEY:
		return "the namespace is not bound, or the new mktme key is "
		       "not in the caller's keyrings";
	case -EINVAL:
		return "not an mktme key, or a namespace neither fsdax nor "
		       "devdax";
	case -EKEYREJECTED:
		return "the bound key is not the namespace's key, or the new "
		       "key is not the one the interrupted rotation started "
		       "with";
	case -EOPNOTSUPP:
		return "no room for the kernel's journal before the data (a "
		       "namespace aligned to 4 KiB with --map=mem)";
	case -EINTR:
		return "stopped by a signal or a shutdown";
	case -EIO:
		return "I/O error";
	default:
		return strerror(-err);
	}
}

/* Percent of a rekey done, 0 to 100 (100 only once done == total). */
unsigned int crypt_progress_percent(unsigned long long done,
				    unsigned long long total)
{
	if (!total || done >= total)
		return total && done >= total ? 100 : 0;
	/* no overflow for any size: scale down before multiplying */
	if (total > ~0ULL / 100) {
		unsigned long long pct = done / (total / 100);

		return pct > 99 ? 99 : (unsigned int)pct;
	}
	return (unsigned int)(done * 100 / total);
}

/* @bytes in the largest binary unit that keeps it at 1 or more: "1.5 GiB". */
int crypt_size_str(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const units[] = {"B",   "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB"};
	unsigned int u = 0;
	double v = (double)bytes;
	int n;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (!u)
		n = snprintf(buf, len, "%llu B", bytes);
	else
		n = snprintf(buf, len, "%.1f %s", v, units[u]);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/*
 * The progress bar of a rekey, @width cells between brackets, then the
 * percentage and the sizes: "[#######.............]  35%  11.2 MiB of
 * 32.0 MiB".
 */
int crypt_progress_bar(char *buf, size_t len, unsigned long long done,
		       unsigned long long total, unsigned int width)
{
	char d[32], t[32], bar[130];
	unsigned int pct = crypt_progress_percent(done, total), fill, i;
	int n;

	if (!width || width > sizeof(bar) - 3)
		return -EINVAL;
	fill = pct * width / 100;
	bar[0] = '[';
	for (i = 0; i < width; i++)
		bar[1 + i] = i < fill ? '#' : '.';
	bar[1 + width] = ']';
	bar[2 + width] = '\0';
	if (crypt_size_str(d, sizeof(d), done > total ? total : done) ||
	    crypt_size_str(t, sizeof(t), total))
		return -EINVAL;
	n = snprintf(buf, len, "%s %3u%%  %s of %s", bar, pct, d, t);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

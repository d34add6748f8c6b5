// SPDX-License-Identifier: BSD-3-Clause
/*
 * updown.c -- bring a namespace up with its key (load the sealed key, add
 * the mktme key, bind, enable) and take it down (disable, unbind, drop the
 * mktme key).  Shared by enable-namespace, disable-namespace, load-keys and
 * rotate-key (which needs a namespace disabled and bound to its key).
 * Every failure names its step; what was done before it is undone, and
 * the namespace is left disabled: a bound namespace is never enabled
 * without its key, and one enabled without its key is never left so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndctl/libndctl.h>

#include "cmd.h"
#include "ns.h"

/* What bringing one namespace up has done so far, to undo it */
struct up_state {
	const struct crypt_target *t;
	key_serial_t ring;
	char enc_desc[CRYPT_DESC_MAX];
	char mk_desc[CRYPT_DESC_MAX];
	char master[CRYPT_DESC_MAX + 16];
	unsigned int key_len;
	key_serial_t enc; /* the encrypted key, if we loaded it */
	key_serial_t mk;  /* the mktme key we added */
	bool bound;	  /* we bound the namespace */
};

/*
 * Disables the namespace, refusing while it is mounted; an exit code.  A
 * disabled namespace is disabled again: that releases the claim of an fsdax
 * or devdax personality whose probe the kernel refused (at boot, without
 * its key), which would otherwise keep the namespace from being enabled.
 */
int crypt_ns_disable(const struct crypt_target *t, const char *why)
{
	int ret;

	if (!ndctl_namespace_is_active(t->ndns)) {
		ndctl_namespace_disable_invalidate(t->ndns);
		return CRYPT_EXIT_OK;
	}
	ret = ndctl_namespace_disable_safe(t->ndns);
	if (ret < 0 || ndctl_namespace_is_active(t->ndns)) {
		crypt_error("%s: disable (%s): %s; is it mounted or in use? "
			    "Unmount it first",
			    t->dev, why, strerror(ret < 0 ? -ret : EBUSY));
		return CRYPT_EXIT_BUSY;
	}
	return CRYPT_EXIT_OK;
}

/* Undoes what bringing the namespace up did; the namespace stays disabled. */
static void up_rollback(struct up_state *s)
{
	const struct crypt_target *t = s->t;
	int ret;

	if (ndctl_namespace_is_active(t->ndns) &&
	    ndctl_namespace_disable_safe(t->ndns) < 0)
		crypt_error("%s: rollback: cannot disable it", t->dev);
	if (s->bound) {
		ret = crypt_binding_write(t->dev, 0);
		if (ret)
			crypt_error("%s: rollback: cannot unbind it: %s",
				    t->dev, strerror(-ret));
	}
	if (s->mk > 0 && keyctl_unlink(s->mk, s->ring) < 0)
		crypt_error("%s: rollback: cannot unlink mktme key %s: %s",
			    t->dev, s->mk_desc, strerror(errno));
	if (s->enc > 0 && keyctl_unlink(s->enc, s->ring) < 0)
		crypt_error("%s: rollback: cannot unlink %s: %s", t->dev,
			    s->enc_desc, strerror(errno));
	fprintf(stderr, "ndctl-crypt: %s: left disabled%s\n", t->dev,
		s->bound ? " and unbound" : "");
}

/* Step 1: the sealed key, from the store into the kernel; an exit code. */
static int up_load(struct up_state *s)
{
	const struct crypt_target *t = s->t;
	char path[4096];
	key_serial_t key;
	size_t len;
	char *blob;
	int ret;

	crypt_store_path(t->uuid, path, sizeof(path));
	ret = crypt_store_read(t->uuid, &blob, &len);
	if (ret == -ENOENT) {
		crypt_error("%s: load sealed key: no %s; create one with "
			    "'ndctl-crypt create-key %s', or restore the blob "
			    "from a backup",
			    t->dev, path, t->dev);
		return CRYPT_EXIT_NO_KEY;
	}
	if (ret) {
		crypt_error("%s: load sealed key: cannot read %s: %s", t->dev,
			    path, crypt_store_strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	if (crypt_blob_key_len(blob, len, &s->key_len) ||
	    !crypt_key_len_algorithm(s->key_len) ||
	    crypt_blob_master(blob, len, s->master, sizeof(s->master))) {
		free(blob);
		crypt_error("%s: load sealed key: %s is not a sealed key "
			    "('default <master> 32|64 <hex>')",
			    t->dev, path);
		return CRYPT_EXIT_FAIL;
	}
	ret = crypt_master_check(s->master, s->ring);
	if (ret < 0) {
		free(blob);
		crypt_error(
			"%s: load sealed key: master key %s is not in the "
			"user keyring (%s): load it first (at boot, before "
			"ndctl-crypt load-keys; see ndctl-crypt-load-keys(1))",
			t->dev, s->master, strerror(-ret));
		return CRYPT_EXIT_NO_KEY;
	}
	/* create-key and import-key leave the key loaded: use it */
	key = crypt_key_find(s->enc_desc, s->ring);
	if (key > 0) {
		free(blob);
		return CRYPT_EXIT_OK;
	}
	key = crypt_key_load(s->enc_desc, blob, len, s->ring);
	free(blob);
	if (key < 0) {
		crypt_error("%s: load sealed key: the kernel refused %s "
			    "sealed by %s: %s",
			    t->dev, path, s->master, crypt_load_strerror(key));
		return CRYPT_EXIT_KERNEL;
	}
	s->enc = key;
	return CRYPT_EXIT_OK;
}

/* Step 2: the mktme key, which programs a KeyID; an exit code. */
static int up_mktme(struct up_state *s)
{
	char payload[CRYPT_DESC_MAX + 64];
	key_serial_t old;
	int ret;

	ret = crypt_mktme_payload(payload, sizeof(payload), s->key_len,
				  s->enc_desc);
	if (ret) {
		crypt_error("%s: add mktme key: cannot build its payload: %s",
			    s->t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	/* a key left by an earlier run: the namespace is not bound to it */
	old = crypt_mktme_find(s->mk_desc, s->ring);
	if (old > 0)
		keyctl_unlink(old, s->ring);
	s->mk = crypt_mktme_add(s->mk_desc, payload, s->ring);
	if (s->mk < 0) {
		ret = s->mk;
		s->mk = 0;
		crypt_error("%s: add mktme key: the kernel refused %s (%s): %s",
			    s->t->dev, s->mk_desc, payload,
			    ret == -ENOSPC ? "no free KeyID" : strerror(-ret));
		return CRYPT_EXIT_KERNEL;
	}
	return CRYPT_EXIT_OK;
}

/* Step 3: the binding, through the mktme_key attribute; an exit code. */
static int up_bind(struct up_state *s)
{
	int ret = crypt_binding_write(s->t->dev, s->mk);

	if (ret) {
		crypt_error(
			"%s: bind: the kernel refused mktme key %d (%s): %s",
			s->t->dev, s->mk, s->mk_desc, crypt_bind_strerror(ret));
		return ret == -EBUSY ? CRYPT_EXIT_BUSY : CRYPT_EXIT_KERNEL;
	}
	s->bound = true;
	return CRYPT_EXIT_OK;
}

/* Step 4: enable the bound namespace; an exit code. */
static int up_enable(const struct crypt_target *t)
{
	int ret = ndctl_namespace_enable(t->ndns);

	if (ret >= 0 && ndctl_namespace_is_active(t->ndns))
		return CRYPT_EXIT_OK;
	crypt_error("%s: enable: the kernel did not enable it with its key "
		    "(%s): a key other than the one its data is encrypted "
		    "with, or a mode that cannot be encrypted (raw, sector); "
		    "see the kernel log",
		    t->dev, strerror(ret < 0 ? -ret : ENXIO));
	return CRYPT_EXIT_KERNEL;
}

/* Says what the namespace is bound to now, once it is up. */
static void up_report(const struct crypt_target *t)
{
	struct crypt_binding b;

	if (crypt_binding_read(t->dev, &b) || !b.bound)
		return;
	fprintf(stderr,
		"ndctl-crypt: %s: enabled with mktme key %ld (%s), KeyID %u\n",
		t->dev, b.serial, b.desc, b.keyid);
}

/*
 * Reads how @s's namespace is bound and decides what bringing it up takes
 * (*@plan), given whether it is enabled.  Returns an exit code: the kernel
 * without mktme_key, or a binding to another key, is an error here.
 */
static int up_plan(struct up_state *s, bool active, struct crypt_binding *b,
		   enum crypt_plan *plan)
{
	const struct crypt_target *t = s->t;
	int ret;

	crypt_enc_desc(t->uuid, s->enc_desc, sizeof(s->enc_desc));
	crypt_mktme_desc(t->uuid, s->mk_desc, sizeof(s->mk_desc));
	ret = crypt_binding_read(t->dev, b);
	if (ret) {
		crypt_error("%s: cannot read its mktme_key attribute: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	*plan = crypt_plan_enable(active, b, s->mk_desc);
	switch (*plan) {
	case CRYPT_PLAN_UNSUPPORTED:
		crypt_error(
			"%s: the kernel has no mktme_key attribute: boot a "
			"kernel with the pmemcrypt series (CONFIG_MKTME_KEYS)",
			t->dev);
		return CRYPT_EXIT_KERNEL;
	case CRYPT_PLAN_FOREIGN:
		crypt_error("%s is bound to another key, %s (serial %ld): "
			    "'ndctl-crypt disable-namespace %s' first",
			    t->dev, b->desc, b->serial, t->dev);
		return CRYPT_EXIT_BUSY;
	default:
		return CRYPT_EXIT_OK;
	}
}

/*
 * Brings @t up with its stored key.  *@was_up tells that it was already
 * enabled with it.  Returns an exit code; on failure the namespace is
 * left disabled, a binding made here is undone and the keys added here
 * are unlinked.
 */
int crypt_ns_up(const struct crypt_target *t, key_serial_t ring, bool *was_up)
{
	struct up_state s = {.t = t, .ring = ring};
	struct crypt_binding b;
	enum crypt_plan plan;
	int ret;

	*was_up = false;
	ret = up_plan(&s, ndctl_namespace_is_active(t->ndns), &b, &plan);
	if (ret)
		return ret;
	switch (plan) {
	case CRYPT_PLAN_UNSUPPORTED:
	case CRYPT_PLAN_FOREIGN:
		return CRYPT_EXIT_FAIL; /* up_plan() refused these */
	case CRYPT_PLAN_UP:
		fprintf(stderr,
			"ndctl-crypt: %s: already enabled with its key "
			"(KeyID %u)\n",
			t->dev, b.keyid);
		*was_up = true;
		return CRYPT_EXIT_OK;
	case CRYPT_PLAN_ENABLE:
		crypt_ns_disable(t, "to enable it");
		ret = up_enable(t);
		if (ret) {
			up_rollback(&s);
			return ret;
		}
		up_report(t);
		return CRYPT_EXIT_OK;
	case CRYPT_PLAN_REBIND:
		/* enabled without its key: it shows ciphertext, stop that */
		fprintf(stderr,
			"ndctl-crypt: %s: enabled without its key; disabling "
			"it first\n",
			t->dev);
		ret = crypt_ns_disable(t, "to bind it");
		if (ret)
			return ret;
		break;
	case CRYPT_PLAN_BIND:
		crypt_ns_disable(t, "to bind it");
		break;
	}
	ret = up_load(&s);
	if (!ret)
		ret = up_mktme(&s);
	if (!ret)
		ret = up_bind(&s);
	if (!ret)
		ret = up_enable(t);
	if (ret) {
		up_rollback(&s);
		return ret;
	}
	up_report(t);
	return CRYPT_EXIT_OK;
}

/*
 * Leaves @t disabled and bound to its stored key: steps 1 to 3 of
 * crypt_ns_up() when it is not bound, nothing but a disable when it is
 * bound to its key; refused while it is mounted or bound to another key.
 * @done says what was done here, for crypt_ns_unbind_here().  Returns an
 * exit code; on failure what was done here is undone (the namespace is
 * then left disabled unless it could not be disabled).
 */
int crypt_ns_bind_stored(const struct crypt_target *t, key_serial_t ring,
			 struct crypt_bound *done)
{
	struct up_state s = {.t = t, .ring = ring};
	struct crypt_binding b;
	enum crypt_plan plan;
	int ret;

	memset(done, 0, sizeof(*done));
	done->was_active = ndctl_namespace_is_active(t->ndns);
	ret = up_plan(&s, done->was_active, &b, &plan);
	if (ret)
		return ret;
	switch (plan) {
	case CRYPT_PLAN_UNSUPPORTED:
	case CRYPT_PLAN_FOREIGN:
		return CRYPT_EXIT_FAIL; /* up_plan() refused these */
	case CRYPT_PLAN_UP:
	case CRYPT_PLAN_ENABLE:
		return crypt_ns_disable(t, "to re-encrypt it");
	case CRYPT_PLAN_REBIND:
	case CRYPT_PLAN_BIND:
		ret = crypt_ns_disable(t, "to bind it");
		if (ret)
			return ret;
		break;
	}
	ret = up_load(&s);
	if (!ret)
		ret = up_mktme(&s);
	if (!ret)
		ret = up_bind(&s);
	if (ret) {
		up_rollback(&s);
		return ret;
	}
	done->bound = true;
	done->enc = s.enc;
	done->mk = s.mk;
	return CRYPT_EXIT_OK;
}

/*
 * Undoes what crypt_ns_bind_stored() did (@done): unbinds the namespace if
 * it was bound there and unlinks the keys it added.  The namespace stays
 * disabled.
 */
void crypt_ns_unbind_here(const struct crypt_target *t, key_serial_t ring,
			  const struct crypt_bound *done)
{
	int ret;

	if (done->bound) {
		crypt_ns_disable(t, "to unbind it");
		ret = crypt_binding_write(t->dev, 0);
		if (ret)
			crypt_error("%s: cannot unbind it: %s", t->dev,
				    crypt_bind_strerror(ret));
	}
	if (done->mk > 0)
		keyctl_unlink(done->mk, ring);
	if (done->enc > 0)
		keyctl_unlink(done->enc, ring);
}

/*
 * Takes @t down: disables it (refused while mounted), unbinds it and
 * unlinks its mktme key, which frees the KeyID.  The encrypted key stays
 * loaded.  Returns an exit code.
 */
int crypt_ns_down(const struct crypt_target *t, key_serial_t ring)
{
	char mk_desc[CRYPT_DESC_MAX];
	struct crypt_binding b;
	key_serial_t mk;
	int ret;

	crypt_mktme_desc(t->uuid, mk_desc, sizeof(mk_desc));
	ret = crypt_binding_read(t->dev, &b);
	if (ret) {
		crypt_error("%s: cannot read its mktme_key attribute: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	if (!b.supported) {
		crypt_error("%s: the kernel has no mktme_key attribute: "
			    "nothing to unbind; use 'ndctl disable-namespace'",
			    t->dev);
		return CRYPT_EXIT_KERNEL;
	}
	ret = crypt_ns_disable(t, "to unbind it");
	if (ret)
		return ret;
	if (b.bound) {
		ret = crypt_binding_write(t->dev, 0);
		if (ret) {
			crypt_error("%s: unbind: the kernel refused: %s",
				    t->dev, crypt_bind_strerror(ret));
			return ret == -EBUSY ? CRYPT_EXIT_BUSY
					     : CRYPT_EXIT_KERNEL;
		}
	}
	mk = crypt_mktme_find(mk_desc, ring);
	if (mk > 0 && keyctl_unlink(mk, ring) < 0) {
		crypt_error("%s: cannot unlink mktme key %s: %s", t->dev,
			    mk_desc, strerror(errno));
		return CRYPT_EXIT_KERNEL;
	}
	if (b.bound)
		fprintf(stderr,
			"ndctl-crypt: %s: disabled, unbound from %s "
			"(KeyID %u)\n",
			t->dev, b.desc, b.keyid);
	else
		fprintf(stderr,
			"ndctl-crypt: %s: disabled (it was not bound)\n",
			t->dev);
	return CRYPT_EXIT_OK;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * rotate.c -- 'rotate-key': re-encrypt a namespace in place with a new key.
 *
 * The new key is sealed under the master key and stored as
 * <uuid>.next.blob before the namespace is touched.  The namespace is
 * disabled and bound to its current key, the new key's mktme key is added
 * and its serial written to the namespace's mktme_rekey attribute: the
 * kernel re-encrypts the namespace, journaled on the media, while the
 * progress read from the same attribute is shown (rekey.c).  When the
 * kernel is done (it binds the namespace to the new key), the new blob
 * replaces the old one by a rename, the old keys are unlinked and the
 * namespace is enabled with the new key.  A crash at any
 * point leaves both blobs; running rotate-key again resumes the rotation
 * with the stored new key, or finishes it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <json-c/json.h>
#include <ndctl/libndctl.h>

#include "cmd.h"
#include "ns.h"
#include "rekey.h"
#include "seal.h"

/* Long options without a short form */
enum { OPT_NO_ENABLE = 256, OPT_NO_PROGRESS };

/* Options of rotate-key */
struct rotate_opts {
	char master[CRYPT_DESC_MAX + 16]; /* "": the current key's master */
	const char *algorithm;		  /* NULL: the current key's */
	const char *key_file;		  /* --import */
	bool no_enable;
	bool no_progress;
	const char *ns;
};

/* One rotation: the namespace, the key names and what was done so far */
struct rotation {
	const struct crypt_target *t;
	const struct rotate_opts *o;
	key_serial_t ring;
	char enc_desc[CRYPT_DESC_MAX]; /* the current key */
	char mk_desc[CRYPT_DESC_MAX];
	char enc_next[CRYPT_DESC_MAX]; /* the new key */
	char mk_next[CRYPT_DESC_MAX];
	char path[4096], next_path[4096];
	unsigned int key_len;	  /* bytes of the new key */
	bool created_next;	  /* this run stored the new key */
	struct crypt_bound bound; /* what binding the current key did */
	key_serial_t new_enc;	  /* the new encrypted key */
	key_serial_t new_mk;	  /* the new mktme key */
	struct crypt_rekey rekey; /* the last read of mktme_rekey */
};

/* Parses the command line; -1 to go on, else an exit code. */
static int parse_opts(int argc, char **argv, struct rotate_opts *o)
{
	static const struct option opts[] = {
		{"import", required_argument, NULL, 'k'},
		{"master", required_argument, NULL, 'm'},
		{"algorithm", required_argument, NULL, 'a'},
		{"no-enable", no_argument, NULL, OPT_NO_ENABLE},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *master = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:m:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key_file = optarg;
			break;
		case 'm':
			master = optarg;
			break;
		case 'a':
			o->algorithm = optarg;
			break;
		case OPT_NO_ENABLE:
			o->no_enable = true;
			break;
		case OPT_NO_PROGRESS:
			o->no_progress = true;
			break;
		case 'h':
			return crypt_help("rotate-key");
		default:
			return crypt_usage("rotate-key");
		}
	}
	if (argc - optind != 1) {
		crypt_error("rotate-key takes one namespace");
		return crypt_usage("rotate-key");
	}
	o->ns = argv[optind];
	return crypt_new_key_opts("rotate-key", o->key_file, o->algorithm,
				  master, o->master, sizeof(o->master));
}

/* Unlinks every key of @type described @desc from @ring. */
static void unlink_all(const char *type, const char *desc, key_serial_t ring)
{
	key_serial_t key;
	int i;

	/* a bound key stays in the kernel: unlinking drops only the link */
	for (i = 0; i < 8; i++) {
		key = keyctl_search(ring, type, desc, 0);
		if (key < 0 || keyctl_unlink(key, ring) < 0)
			return;
	}
}

/*
 * Reads what rotate-key decides on: the blobs in the store and the two
 * attributes.  Returns an exit code.
 */
static int read_state(struct rotation *r, struct crypt_rotate_state *st)
{
	const struct crypt_target *t = r->t;
	int ret;

	memset(st, 0, sizeof(*st));
	st->mktme_desc = r->mk_desc;
	st->mktme_next_desc = r->mk_next;
	ret = crypt_store_exists(t->uuid);
	if (ret >= 0) {
		st->has_blob = ret;
		ret = crypt_store_next_exists(t->uuid);
		st->has_next = ret > 0;
	}
	if (ret < 0) {
		crypt_error("%s: cannot look for %s or %s: %s", t->dev, r->path,
			    r->next_path, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	ret = crypt_binding_read(t->dev, &st->binding);
	if (ret) {
		crypt_error("%s: cannot read its mktme_key attribute: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	ret = crypt_rekey_read(t->dev, &st->rekey);
	if (ret) {
		crypt_error("%s: cannot read its mktme_rekey attribute: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	r->rekey = st->rekey;
	return CRYPT_EXIT_OK;
}

/*
 * Says why the plan is a refusal and returns its exit code, or returns -1
 * for a plan to carry out.
 */
static int plan_refusal(const struct rotation *r,
			const struct crypt_rotate_state *st,
			enum crypt_rotate_plan plan)
{
	const struct crypt_target *t = r->t;
	char prog[96];

	switch (plan) {
	case CRYPT_ROTATE_UNSUPPORTED:
		crypt_error("%s: the kernel has no %s attribute: boot a kernel "
			    "with the pmemcrypt series' in-place rekey",
			    t->dev,
			    st->binding.supported ? "mktme_rekey"
						  : "mktme_key");
		return CRYPT_EXIT_KERNEL;
	case CRYPT_ROTATE_FOREIGN:
		crypt_error("%s is bound to another key, %s (serial %ld): "
			    "'ndctl-crypt disable-namespace %s' first",
			    t->dev, st->binding.desc, st->binding.serial,
			    t->dev);
		return CRYPT_EXIT_BUSY;
	case CRYPT_ROTATE_NO_KEY:
		crypt_error("%s: no sealed key to rotate from (%s): create "
			    "one with 'ndctl-crypt create-key %s', or restore "
			    "the blob from a backup",
			    t->dev, r->path, t->dev);
		return CRYPT_EXIT_NO_KEY;
	case CRYPT_ROTATE_NO_NEXT:
		crypt_error("%s: the kernel records an unfinished key rotation "
			    "(%s re-encrypted) but the new key's blob %s is "
			    "missing: restore it from a backup; without it the "
			    "data re-encrypted so far cannot be read",
			    t->dev,
			    crypt_rekey_text(&st->rekey, prog, sizeof(prog)),
			    r->next_path);
		return CRYPT_EXIT_NO_KEY;
	default:
		return -1;
	}
}

/* Explains a missing master key; the exit code. */
static int master_missing(const struct rotation *r, const char *master, int err)
{
	crypt_error("%s: master key %s is not in the user keyring (%s): load "
		    "it first",
		    r->t->dev, master, strerror(-err));
	return CRYPT_EXIT_NO_KEY;
}

/*
 * Adds the new key to the kernel (generated by it, or the --import file)
 * as the encrypted key r->enc_next sealed by @master.  Returns an exit
 * code.
 */
static int add_new_key(struct rotation *r, const char *master)
{
	unsigned char key[CRYPT_KEY_XTS256];
	key_serial_t serial;
	int ret;

	unlink_all("encrypted", r->enc_next, r->ring);
	if (!r->o->key_file) {
		serial = crypt_key_create(r->enc_next, master, r->key_len,
					  r->ring);
	} else {
		mlock(key, sizeof(key));
		ret = crypt_keyfile_read(r->o->key_file, key, sizeof(key),
					 &r->key_len);
		if (ret) {
			munlock(key, sizeof(key));
			return crypt_keyfile_error(r->o->key_file, ret);
		}
		serial = crypt_key_import(r->enc_next, master, key, r->key_len,
					  r->ring);
		explicit_bzero(key, sizeof(key));
		munlock(key, sizeof(key));
	}
	if (serial < 0) {
		if (r->o->key_file && serial == -EINVAL)
			crypt_error(
				"%s: new key: the kernel refused to import "
				"%s: it needs CONFIG_USER_DECRYPTED_DATA=y, "
				"or let it generate the key (no --import)",
				r->t->dev, r->enc_next);
		else
			crypt_error("%s: new key: the kernel refused to add %s "
				    "under %s: %s",
				    r->t->dev, r->enc_next, master,
				    crypt_load_strerror(serial));
		return CRYPT_EXIT_KERNEL;
	}
	r->new_enc = serial;
	return CRYPT_EXIT_OK;
}

/*
 * Step 1 of a new rotation: the new key, sealed under the master key of the
 * current one (or --master), stored as <uuid>.next.blob.  Returns an exit
 * code; on failure nothing is left.
 */
static int new_key(struct rotation *r)
{
	const struct crypt_target *t = r->t;
	char master[CRYPT_DESC_MAX + 16];
	size_t len;
	char *blob;
	int ret;

	ret = crypt_store_read(t->uuid, &blob, &len);
	if (ret) {
		crypt_error("%s: new key: cannot read %s: %s", t->dev, r->path,
			    crypt_store_strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	if (crypt_blob_key_len(blob, len, &r->key_len) ||
	    crypt_blob_master(blob, len, master, sizeof(master))) {
		free(blob);
		crypt_error("%s: new key: %s is not a sealed key", t->dev,
			    r->path);
		return CRYPT_EXIT_FAIL;
	}
	free(blob);
	if (r->o->master[0])
		snprintf(master, sizeof(master), "%s", r->o->master);
	if (r->o->algorithm)
		r->key_len =
			(unsigned int)crypt_algorithm_key_len(r->o->algorithm);
	ret = crypt_master_check(master, r->ring);
	if (ret < 0)
		return master_missing(r, master, ret);
	ret = add_new_key(r, master);
	if (ret)
		return ret;
	ret = crypt_key_blob(r->new_enc, &blob, &len);
	if (ret) {
		crypt_error(
			"%s: new key: cannot read the sealed form of %s: %s",
			t->dev, r->enc_next, strerror(-ret));
		goto fail;
	}
	ret = crypt_store_next_write(t->uuid, blob, len);
	free(blob);
	if (ret) {
		crypt_error("%s: new key: cannot store it in %s: %s", t->dev,
			    r->next_path, crypt_store_strerror(ret));
		goto fail;
	}
	r->created_next = true;
	fprintf(stderr,
		"ndctl-crypt: %s: new %s key sealed by %s, stored in "
		"%s\n",
		t->dev, crypt_key_len_algorithm(r->key_len), master,
		r->next_path);
	return CRYPT_EXIT_OK;
fail:
	keyctl_unlink(r->new_enc, r->ring);
	r->new_enc = 0;
	return ret == -EEXIST ? CRYPT_EXIT_EXISTS : CRYPT_EXIT_FAIL;
}

/*
 * Step 1 of a resumed rotation: the new key from <uuid>.next.blob.
 * Returns an exit code.
 */
static int load_next(struct rotation *r)
{
	const struct crypt_target *t = r->t;
	char master[CRYPT_DESC_MAX + 16];
	size_t len;
	char *blob;
	int ret;

	if (r->o->key_file || r->o->algorithm || r->o->master[0])
		fprintf(stderr,
			"ndctl-crypt: note: %s: a rotation is under way: it "
			"goes on with the new key stored in %s; --import, "
			"--algorithm and --master are not used\n",
			t->dev, r->next_path);
	ret = crypt_store_next_read(t->uuid, &blob, &len);
	if (ret) {
		crypt_error("%s: load the new key: cannot read %s: %s", t->dev,
			    r->next_path, crypt_store_strerror(ret));
		return CRYPT_EXIT_FAIL;
	}
	if (crypt_blob_key_len(blob, len, &r->key_len) ||
	    !crypt_key_len_algorithm(r->key_len) ||
	    crypt_blob_master(blob, len, master, sizeof(master))) {
		free(blob);
		crypt_error("%s: load the new key: %s is not a sealed key",
			    t->dev, r->next_path);
		return CRYPT_EXIT_FAIL;
	}
	ret = crypt_master_check(master, r->ring);
	if (ret < 0) {
		free(blob);
		return master_missing(r, master, ret);
	}
	/* the blob is what counts: a key left loaded is replaced */
	unlink_all("encrypted", r->enc_next, r->ring);
	r->new_enc = crypt_key_load(r->enc_next, blob, len, r->ring);
	free(blob);
	if (r->new_enc < 0) {
		ret = r->new_enc;
		r->new_enc = 0;
		crypt_error("%s: load the new key: the kernel refused %s "
			    "sealed by %s: %s",
			    t->dev, r->next_path, master,
			    crypt_load_strerror(ret));
		return CRYPT_EXIT_KERNEL;
	}
	return CRYPT_EXIT_OK;
}

/*
 * Step 2: the namespace disabled and bound to its current key (loaded if
 * needed, as enable-namespace does), and the new key's mktme key added.
 * Returns an exit code.
 */
static int prepare(struct rotation *r)
{
	const struct crypt_target *t = r->t;
	char payload[CRYPT_DESC_MAX + 64];
	struct crypt_binding b;
	int ret;

	ret = crypt_binding_read(t->dev, &b);
	if (ret) {
		crypt_error("%s: cannot read its mktme_key attribute: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	/* bound to a new key of an earlier try: the current key goes first */
	if (b.bound && !strcmp(b.desc, r->mk_next)) {
		ret = crypt_ns_disable(t, "to re-encrypt it");
		if (ret)
			return ret;
		ret = crypt_binding_write(t->dev, 0);
		if (ret) {
			crypt_error("%s: unbind %s: %s", t->dev, r->mk_next,
				    crypt_bind_strerror(ret));
			return CRYPT_EXIT_KERNEL;
		}
	}
	unlink_all("mktme", r->mk_next, r->ring);
	ret = crypt_ns_bind_stored(t, r->ring, &r->bound);
	if (ret)
		return ret;
	ret = crypt_mktme_payload(payload, sizeof(payload), r->key_len,
				  r->enc_next);
	if (ret) {
		crypt_error("%s: add the new mktme key: cannot build its "
			    "payload: %s",
			    t->dev, strerror(-ret));
		return CRYPT_EXIT_FAIL;
	}
	r->new_mk = crypt_mktme_add(r->mk_next, payload, r->ring);
	if (r->new_mk < 0) {
		ret = r->new_mk;
		r->new_mk = 0;
		crypt_error("%s: add the new mktme key: the kernel refused %s "
			    "(%s): %s",
			    t->dev, r->mk_next, payload,
			    ret == -ENOSPC ? "no free KeyID" : strerror(-ret));
		return CRYPT_EXIT_KERNEL;
	}
	return CRYPT_EXIT_OK;
}

/*
 * Undoes a rotation the kernel did not start: the new keys are unlinked,
 * a new blob stored by this run is removed, and the namespace goes back
 * to how it was (enabled with its key, or as it was bound).
 */
static void undo(struct rotation *r)
{
	const struct crypt_target *t = r->t;
	bool was_up;
	int ret;

	if (r->new_mk > 0)
		keyctl_unlink(r->new_mk, r->ring);
	if (r->new_enc > 0)
		keyctl_unlink(r->new_enc, r->ring);
	r->new_mk = r->new_enc = 0;
	if (r->created_next) {
		ret = crypt_store_next_remove(t->uuid);
		if (ret && ret != -ENOENT)
			crypt_error("%s: rollback: cannot remove %s: %s; "
				    "remove it by hand",
				    t->dev, r->next_path, strerror(-ret));
	}
	if (r->bound.was_active) {
		if (!ndctl_namespace_is_active(t->ndns))
			crypt_ns_up(t, r->ring, &was_up);
	} else {
		crypt_ns_unbind_here(t, r->ring, &r->bound);
	}
	if (r->created_next)
		fprintf(stderr,
			"ndctl-crypt: %s: rotation undone: the key is "
			"unchanged, the new key discarded\n",
			t->dev);
	else
		fprintf(stderr,
			"ndctl-crypt: %s: nothing changed; the rotation is "
			"still unfinished (the new key stays in %s)\n",
			t->dev, r->next_path);
}

/*
 * Step 3: has the kernel re-encrypt the namespace with the new key and
 * shows the progress until it is done.  Returns the write's result, 0 or
 * -errno.
 */
static int run_rekey(struct rotation *r)
{
	char line[96];

	if (r->rekey.recorded)
		fprintf(stderr,
			"ndctl-crypt: %s: resuming the re-encryption at %s\n",
			r->t->dev,
			crypt_rekey_text(&r->rekey, line, sizeof(line)));
	fprintf(stderr, "ndctl-crypt: %s: re-encrypting from %s to %s\n",
		r->t->dev, r->mk_desc, r->mk_next);
	return crypt_rekey_run(r->t->dev, r->new_mk, &r->rekey,
			       r->o->no_progress);
}

/* Prints the result of a finished rotation, as JSON. */
static void print_result(const struct rotation *r, bool enabled)
{
	struct json_object *obj = json_object_new_object();
	const char *alg = crypt_key_len_algorithm(r->key_len);

	if (!obj)
		return;
	json_object_object_add(obj, "dev", json_object_new_string(r->t->dev));
	json_object_object_add(obj, "uuid", json_object_new_string(r->t->uuid));
	json_object_object_add(obj, "key", json_object_new_string(r->enc_desc));
	if (alg)
		json_object_object_add(obj, "algorithm",
				       json_object_new_string(alg));
	json_object_object_add(obj, "blob", json_object_new_string(r->path));
	json_object_object_add(obj, "rotated", json_object_new_boolean(true));
	json_object_object_add(obj, "enabled",
			       json_object_new_boolean(enabled));
	printf("%s\n",
	       json_object_to_json_string_ext(
		       obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/*
 * Step 4, once the namespace holds its data under the new key and is bound
 * to it: the new blob replaces the old one (the commit), the namespace is
 * unbound, the keys of this rotation and the old keys are unlinked, and
 * the namespace is enabled with its (new) stored key unless --no-enable.
 * Returns an exit code.
 */
static int finish(struct rotation *r)
{
	const struct crypt_target *t = r->t;
	unsigned int key_len;
	bool was_up;
	size_t len;
	char *blob;
	int ret;

	ret = crypt_ns_disable(t, "to finish its key rotation");
	if (ret)
		return ret;
	ret = crypt_store_next_exists(t->uuid);
	if (ret > 0)
		ret = crypt_store_next_commit(t->uuid);
	if (ret < 0) {
		crypt_error("%s: commit: the data is encrypted with the new "
			    "key, but %s cannot replace %s: %s; fix that and "
			    "run 'ndctl-crypt rotate-key %s' again",
			    t->dev, r->next_path, r->path, strerror(-ret),
			    t->dev);
		return CRYPT_EXIT_FAIL;
	}
	if (!crypt_store_read(t->uuid, &blob, &len)) {
		if (!crypt_blob_key_len(blob, len, &key_len))
			r->key_len = key_len;
		free(blob);
	}
	ret = crypt_binding_write(t->dev, 0);
	if (ret) {
		crypt_error("%s: unbind from %s: %s; run 'ndctl-crypt "
			    "rotate-key %s' again",
			    t->dev, r->mk_next, crypt_bind_strerror(ret),
			    t->dev);
		return ret == -EBUSY ? CRYPT_EXIT_BUSY : CRYPT_EXIT_KERNEL;
	}
	/* the old mktme key was released by the kernel: this frees its KeyID */
	unlink_all("mktme", r->mk_next, r->ring);
	unlink_all("encrypted", r->enc_next, r->ring);
	unlink_all("mktme", r->mk_desc, r->ring);
	unlink_all("encrypted", r->enc_desc, r->ring);
	fprintf(stderr,
		"ndctl-crypt: %s: key rotated: %s holds the new key, the old "
		"key is gone\n",
		t->dev, r->path);
	if (r->o->no_enable) {
		fprintf(stderr,
			"ndctl-crypt: %s: left disabled (--no-enable): "
			"'ndctl-crypt enable-namespace %s' brings it up\n",
			t->dev, t->dev);
		print_result(r, false);
		return CRYPT_EXIT_OK;
	}
	ret = crypt_ns_up(t, r->ring, &was_up);
	if (ret)
		crypt_error("%s: the key is rotated, but enabling it with the "
			    "new key failed (above)",
			    t->dev);
	print_result(r, !ret);
	return ret;
}

/*
 * The kernel refused the current key and records no rekey, on a rotation
 * resumed with a stored new key: the kernel may have finished before the
 * new key was committed.  The new key is bound and the namespace enabled
 * with it: the kernel enables it only with the key it is encrypted with.
 * Returns an exit code.
 */
static int probe(struct rotation *r)
{
	const struct crypt_target *t = r->t;
	int ret;

	fprintf(stderr,
		"ndctl-crypt: %s: the kernel refused the current key and "
		"records no rekey: checking whether the rotation had "
		"finished\n",
		t->dev);
	ret = crypt_binding_write(t->dev, 0);
	if (!ret)
		ret = crypt_binding_write(t->dev, r->new_mk);
	if (!ret) {
		ret = ndctl_namespace_enable(t->ndns);
		if (ret >= 0 && ndctl_namespace_is_active(t->ndns)) {
			fprintf(stderr,
				"ndctl-crypt: %s: the new key opens it: the "
				"kernel had finished\n",
				t->dev);
			return finish(r);
		}
		ret = ret < 0 ? ret : -EKEYREJECTED;
	}
	crypt_ns_disable(t, "after the check");
	crypt_binding_write(t->dev, 0);
	unlink_all("mktme", r->mk_next, r->ring);
	unlink_all("encrypted", r->enc_next, r->ring);
	crypt_ns_unbind_here(t, r->ring, &r->bound);
	crypt_error("%s: neither the key in %s nor the new key in %s opens "
		    "it (%s): restore the blobs it was encrypted with; left "
		    "disabled",
		    t->dev, r->path, r->next_path, strerror(-ret));
	return CRYPT_EXIT_KERNEL;
}

/* What rotate-key does after the kernel answered @err; an exit code. */
static int after_rekey(struct rotation *r, int err)
{
	const struct crypt_target *t = r->t;
	char prog[96];

	if (crypt_rekey_read(t->dev, &r->rekey))
		/* cannot tell: keep everything */
		r->rekey.recorded = err != 0;
	switch (crypt_rekey_outcome(err, &r->rekey, r->created_next)) {
	case CRYPT_REKEY_DONE:
		return finish(r);
	case CRYPT_REKEY_PROBE:
		return probe(r);
	case CRYPT_REKEY_NOT_STARTED:
		if (err == -EKEYREJECTED)
			crypt_error("%s: re-encrypt: the kernel refused the "
				    "stored key in %s: it is not the key the "
				    "namespace is encrypted with",
				    t->dev, r->path);
		else
			crypt_error("%s: re-encrypt: the kernel refused: %s",
				    t->dev, crypt_rekey_strerror(err));
		undo(r);
		return err == -EBUSY ? CRYPT_EXIT_BUSY : CRYPT_EXIT_KERNEL;
	case CRYPT_REKEY_INTERRUPTED:
		break;
	}
	if (err == -EKEYREJECTED) {
		crypt_error("%s: re-encrypt: the kernel refused the new key in "
			    "%s: it is not the key the interrupted rotation "
			    "started with (re-encrypted %s); restore the "
			    ".next.blob of that rotation and run "
			    "'ndctl-crypt rotate-key %s' again",
			    t->dev, r->next_path,
			    crypt_rekey_text(&r->rekey, prog, sizeof(prog)),
			    t->dev);
		return CRYPT_EXIT_KERNEL;
	}
	crypt_error("%s: re-encrypt: stopped at %s: %s; no data is lost: run "
		    "'ndctl-crypt rotate-key %s' to resume (the new key is in "
		    "%s; the namespace stays disabled until then)",
		    t->dev, crypt_rekey_text(&r->rekey, prog, sizeof(prog)),
		    crypt_rekey_strerror(err), t->dev, r->next_path);
	return CRYPT_EXIT_KERNEL;
}

/*
 * Refuses (CRYPT_EXIT_ROTATING) a namespace whose key rotation is
 * unfinished: enable-namespace and load-keys leave it to rotate-key.
 */
int crypt_rotation_check(const struct crypt_target *t)
{
	char next[4096], prog[96];
	struct crypt_rekey k;
	int has_next;

	has_next = crypt_store_next_exists(t->uuid);
	if (!t->ndns || crypt_rekey_read(t->dev, &k))
		memset(&k, 0, sizeof(k));
	if (!crypt_rotation_unfinished(has_next > 0, &k))
		return CRYPT_EXIT_OK;
	crypt_error("%s: rotation interrupted: run ndctl-crypt rotate-key %s "
		    "to finish; left disabled",
		    t->dev, t->dev);
	if (k.recorded)
		fprintf(stderr, "ndctl-crypt: %s: re-encrypted %s\n", t->dev,
			crypt_rekey_text(&k, prog, sizeof(prog)));
	if (has_next > 0) {
		crypt_store_next_path(t->uuid, next, sizeof(next));
		fprintf(stderr, "ndctl-crypt: %s: the new key is in %s\n",
			t->dev, next);
	}
	return CRYPT_EXIT_ROTATING;
}

/* rotate-key: re-encrypts a namespace with a new key, or resumes it. */
int cmd_rotate_key(int argc, char **argv, struct ndctl_ctx *ctx)
{
	struct crypt_rotate_state st;
	enum crypt_rotate_plan plan;
	struct rotate_opts o;
	struct crypt_target t;
	struct rotation r;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = crypt_target_find(ctx, o.ns, false, &t);
	if (ret)
		return ret;
	memset(&r, 0, sizeof(r));
	r.t = &t;
	r.o = &o;
	r.ring = KEY_SPEC_USER_KEYRING;
	crypt_enc_desc(t.uuid, r.enc_desc, sizeof(r.enc_desc));
	crypt_mktme_desc(t.uuid, r.mk_desc, sizeof(r.mk_desc));
	crypt_enc_next_desc(t.uuid, r.enc_next, sizeof(r.enc_next));
	crypt_mktme_next_desc(t.uuid, r.mk_next, sizeof(r.mk_next));
	crypt_store_path(t.uuid, r.path, sizeof(r.path));
	crypt_store_next_path(t.uuid, r.next_path, sizeof(r.next_path));

	ret = read_state(&r, &st);
	if (ret)
		return ret;
	plan = crypt_plan_rotate(&st);
	ret = plan_refusal(&r, &st, plan);
	if (ret >= 0)
		return ret;
	if (plan == CRYPT_ROTATE_FINISH) {
		fprintf(stderr,
			"ndctl-crypt: %s: the kernel has re-encrypted it with "
			"the new key: finishing the rotation\n",
			t.dev);
		return finish(&r);
	}
	ret = plan == CRYPT_ROTATE_START ? new_key(&r) : load_next(&r);
	if (ret)
		return ret;
	ret = prepare(&r);
	if (ret) {
		undo(&r);
		return ret;
	}
	return after_rekey(&r, run_rekey(&r));
}

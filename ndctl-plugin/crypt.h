/* SPDX-License-Identifier: BSD-3-Clause */
/* crypt.h -- ndctl-crypt: shared types, limits and exit codes */
#ifndef NDCTL_CRYPT_H
#define NDCTL_CRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <keyutils.h>

struct json_object;

/* Exit codes: one per kind of failure, documented in ndctl-crypt(1) */
enum crypt_exit {
	CRYPT_EXIT_OK = 0,
	CRYPT_EXIT_FAIL = 1,	     /* anything else: I/O, memory, libndctl */
	CRYPT_EXIT_USAGE = 2,	     /* bad command line */
	CRYPT_EXIT_NO_NAMESPACE = 3, /* no such namespace, or it has no UUID */
	CRYPT_EXIT_EXISTS = 4,	     /* a sealed key exists already */
	CRYPT_EXIT_NO_KEY = 5,	     /* no sealed key, or no master key */
	CRYPT_EXIT_KERNEL = 6,	     /* the kernel refused a key operation */
	CRYPT_EXIT_BUSY = 7,	     /* the namespace is bound to a key */
	CRYPT_EXIT_ROTATING = 8,     /* a key rotation is unfinished */
};

/* Text form of a namespace UUID: 36 characters and a NUL */
#define CRYPT_UUID_LEN 37
/* Longest key description we build */
#define CRYPT_DESC_MAX 128
/* Largest sealed blob accepted (the kernel's encrypted keys stay below) */
#define CRYPT_BLOB_MAX 4096
/* Largest file of the store (a clevis JWE of a master key) */
#define CRYPT_FILE_MAX 16384
/* Bytes of an mktme source key: data key then tweak key */
#define CRYPT_KEY_XTS128 32
#define CRYPT_KEY_XTS256 64

/* Default master key (key-encryption key) and store directory */
#define CRYPT_MASTER_DEFAULT "user:pmemcrypt-master"
#define CRYPT_STORE_DEFAULT "/etc/ndctl/crypt"
#define CRYPT_STORE_ENV "NDCTL_CRYPT_STORE"
/* Description prefixes of the keys ndctl-crypt adds */
#define CRYPT_ENC_PREFIX "pmemcrypt:"
#define CRYPT_MKTME_PREFIX "pmemcrypt-mktme:"
/* ... and of the new key while 'rotate-key' re-encrypts a namespace */
#define CRYPT_ENC_NEXT_PREFIX "pmemcrypt-next:"
#define CRYPT_MKTME_NEXT_PREFIX "pmemcrypt-mktme-next:"

/* What a namespace argument names */
enum crypt_ns_kind {
	CRYPT_NS_INVALID,
	CRYPT_NS_NAME, /* namespaceX.Y */
	CRYPT_NS_UUID, /* 8-4-4-4-12 hexadecimal digits */
};

/* A namespace's binding, as the mktme_key attribute shows it */
struct crypt_binding {
	bool supported; /* the attribute exists */
	bool bound;
	long serial;
	unsigned int keyid;
	char desc[CRYPT_DESC_MAX];
};

/* A namespace's re-encryption, as the mktme_rekey attribute shows it */
struct crypt_rekey {
	bool supported;		  /* the attribute exists */
	bool recorded;		  /* a rekey is running or was interrupted */
	unsigned long long done;  /* bytes re-encrypted so far */
	unsigned long long total; /* bytes to re-encrypt */
};

/* What bringing a namespace up with its key takes (crypt_plan_enable) */
enum crypt_plan {
	CRYPT_PLAN_UP,		/* enabled and bound to its key: nothing */
	CRYPT_PLAN_ENABLE,	/* disabled, bound to its key: enable */
	CRYPT_PLAN_BIND,	/* disabled, unbound: program, bind, enable */
	CRYPT_PLAN_REBIND,	/* enabled without its key: disable first */
	CRYPT_PLAN_FOREIGN,	/* bound to another key: refuse */
	CRYPT_PLAN_UNSUPPORTED, /* the kernel has no mktme_key attribute */
};

/* What 'rotate-key' finds a namespace in, for crypt_plan_rotate() */
struct crypt_rotate_state {
	bool has_blob;		      /* <uuid>.blob: the current key */
	bool has_next;		      /* <uuid>.next.blob: the new key */
	struct crypt_binding binding; /* the mktme_key attribute */
	struct crypt_rekey rekey;     /* the mktme_rekey attribute */
	const char *mktme_desc;	      /* our mktme key of the current key */
	const char *mktme_next_desc;  /* ... and of the new key */
};

/* What 'rotate-key' does (crypt_plan_rotate) */
enum crypt_rotate_plan {
	CRYPT_ROTATE_START,	  /* make a new key, store it, re-encrypt */
	CRYPT_ROTATE_RESUME,	  /* a new key is stored: re-encrypt with it */
	CRYPT_ROTATE_FINISH,	  /* the kernel is done: commit the new key */
	CRYPT_ROTATE_NO_KEY,	  /* no sealed key to rotate from */
	CRYPT_ROTATE_NO_NEXT,	  /* the kernel records a rekey, no new key */
	CRYPT_ROTATE_FOREIGN,	  /* bound to a key that is not ours */
	CRYPT_ROTATE_UNSUPPORTED, /* no mktme_key or mktme_rekey attribute */
};

/* What a write of mktme_rekey left (crypt_rekey_outcome) */
enum crypt_rekey_outcome {
	CRYPT_REKEY_DONE,	 /* re-encrypted, bound to the new key */
	CRYPT_REKEY_NOT_STARTED, /* refused before any change: undo */
	CRYPT_REKEY_PROBE,	 /* refused the old key: maybe already done */
	CRYPT_REKEY_INTERRUPTED, /* stopped part way: keep all for resume */
};

/* What 'load-keys' did, for its summary and exit code */
struct crypt_load_counts {
	unsigned int enabled;  /* brought up with their keys */
	unsigned int already;  /* already enabled with their keys */
	unsigned int failed;   /* a stored key that did not work */
	unsigned int no_key;   /* disabled, and no stored key */
	unsigned int orphans;  /* stored keys whose namespace is absent */
	unsigned int rotating; /* left disabled: a rotation is unfinished */
	unsigned int masters;  /* master keys bound through clevis that
				* could not be unsealed */
};

/* What 'list' reports about one namespace */
struct crypt_ns_info {
	char dev[64];
	char uuid[CRYPT_UUID_LEN]; /* empty when the namespace has none */
	const char *mode;
	unsigned long long size;
	bool enabled;
	struct crypt_binding binding;
	bool sealed;	      /* a blob is in the store */
	unsigned int key_len; /* bytes of the sealed key, 0 if unknown */
	bool rotating;	      /* a new key's blob, or a recorded rekey */
	struct crypt_rekey rekey;
};

/* args.c */
enum crypt_ns_kind crypt_ns_kind(const char *arg);
int crypt_uuid_canonical(const char *in, char out[CRYPT_UUID_LEN]);
int crypt_master_parse(const char *arg, char *type, size_t type_len, char *desc,
		       size_t desc_len);
int crypt_algorithm_key_len(const char *name);
const char *crypt_key_len_algorithm(unsigned int key_len);

/* payload.c */
int crypt_enc_desc(const char *uuid, char *buf, size_t len);
int crypt_mktme_desc(const char *uuid, char *buf, size_t len);
int crypt_enc_next_desc(const char *uuid, char *buf, size_t len);
int crypt_mktme_next_desc(const char *uuid, char *buf, size_t len);
int crypt_mktme_payload(char *buf, size_t len, unsigned int key_len,
			const char *enc_desc);
int crypt_new_cmd(char *buf, size_t len, const char *master,
		  unsigned int key_len);
int crypt_blob_key_len(const char *blob, size_t len, unsigned int *key_len);
int crypt_blob_master(const char *blob, size_t len, char *buf, size_t buf_len);
int crypt_binding_parse(const char *text, struct crypt_binding *b);
int crypt_rekey_parse(const char *text, struct crypt_rekey *r);

/* store.c */
const char *crypt_store_dir(void);
int crypt_store_path(const char *uuid, char *buf, size_t len);
int crypt_store_write(const char *uuid, const void *blob, size_t len,
		      bool force);
int crypt_store_read(const char *uuid, char **blob, size_t *len);
int crypt_store_exists(const char *uuid);
int crypt_store_remove(const char *uuid);
int crypt_store_name_uuid(const char *name, char uuid[CRYPT_UUID_LEN]);
int crypt_store_list(char (**uuids)[CRYPT_UUID_LEN], size_t *count);
int crypt_store_next_path(const char *uuid, char *buf, size_t len);
int crypt_store_next_write(const char *uuid, const void *blob, size_t len);
int crypt_store_next_read(const char *uuid, char **blob, size_t *len);
int crypt_store_next_exists(const char *uuid);
int crypt_store_next_remove(const char *uuid);
int crypt_store_next_commit(const char *uuid);
int crypt_store_check(void);
const char *crypt_store_strerror(int err);
int crypt_store_file_path(const char *name, char *buf, size_t len);
int crypt_store_file_write(const char *name, const void *blob, size_t len,
			   bool force);
int crypt_store_file_read(const char *name, char **blob, size_t *len);
int crypt_store_file_remove(const char *name);

/* keyfile.c */
int crypt_keyfile_read(const char *path, unsigned char *key, size_t size,
		       unsigned int *key_len);
const char *crypt_keyfile_refusal(void);

/* perm.c */
struct stat;
int crypt_perm_check(const char *path, const struct stat *st,
		     mode_t forbidden, mode_t fix, char *why, size_t len);

/* keyring.c */
int crypt_master_check(const char *master, key_serial_t ring);
key_serial_t crypt_key_find(const char *desc, key_serial_t ring);
key_serial_t crypt_key_create(const char *desc, const char *master,
			      unsigned int key_len, key_serial_t ring);
key_serial_t crypt_key_import(const char *desc, const char *master,
			      const unsigned char *key, unsigned int key_len,
			      key_serial_t ring);
key_serial_t crypt_key_load(const char *desc, const char *blob, size_t len,
			    key_serial_t ring);
int crypt_key_blob(key_serial_t key, char **blob, size_t *len);
key_serial_t crypt_mktme_find(const char *desc, key_serial_t ring);
key_serial_t crypt_mktme_add(const char *desc, const char *payload,
			     key_serial_t ring);

/* state.c */
const char *crypt_mode_name(int mode, int enforce, bool active);
enum crypt_plan crypt_plan_enable(bool active, const struct crypt_binding *b,
				  const char *mktme_desc);
const char *crypt_bind_strerror(int err);
const char *crypt_load_strerror(int err);
int crypt_load_exit(const struct crypt_load_counts *c, int first);
int crypt_load_summary(char *buf, size_t len,
		       const struct crypt_load_counts *c);
bool crypt_rotation_unfinished(bool has_next, const struct crypt_rekey *r);
enum crypt_rotate_plan crypt_plan_rotate(const struct crypt_rotate_state *s);
enum crypt_rekey_outcome crypt_rekey_outcome(int err,
					     const struct crypt_rekey *after,
					     bool created_next);
const char *crypt_rekey_strerror(int err);
unsigned int crypt_progress_percent(unsigned long long done,
				    unsigned long long total);
int crypt_size_str(char *buf, size_t len, unsigned long long bytes);
int crypt_progress_bar(char *buf, size_t len, unsigned long long done,
		       unsigned long long total, unsigned int width);

/* json.c */
struct json_object *crypt_ns_json(const struct crypt_ns_info *info);

#endif /* NDCTL_CRYPT_H */

// SPDX-License-Identifier: BSD-3-Clause
/* pmemcrypt.c -- fio ioengine: I/O through encrypted libpmemcrypt pools */

/*
 * Run as ioengine=external:/path/to/pmemcrypt-engine.so.  fio's filename is
 * the pool; each read and write is one pmemcrypt_read()/pmemcrypt_write(),
 * so every write is atomic and durable when it completes.  A pool is open
 * in one process at a time: jobs sharing a pool must be threads (thread=1);
 * they share one open pool.  encryption=0 runs the same engine on a plain
 * libpmem2 mapping of the file (copy + persist) as the unencrypted baseline.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmem2.h>
#include <libpmemcrypt.h>

#include "fio.h"
#include "optgroup.h"

#define PCE "pmemcrypt"

struct pce_options {
	void *td;		 /* fio keeps the job here; keep it first */
	char *keyfile;		 /* raw 32-byte key */
	unsigned int create;	 /* create the pool if the file is not one */
	unsigned int cipher;	 /* enum pmemcrypt_cipher; 0: not given */
	unsigned int encryption; /* 0: plain libpmem2 baseline */
	unsigned int hardware;	 /* MKTME engine: a bound namespace */
};

static struct fio_option options[] = {
	{
		.name = "keyfile",
		.lname = "pmemcrypt key file",
		.type = FIO_OPT_STR_STORE,
		.off1 = offsetof(struct pce_options, keyfile),
		.help = "File holding the pool's raw 32-byte key",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "create",
		.lname = "pmemcrypt create pool",
		.type = FIO_OPT_BOOL,
		.off1 = offsetof(struct pce_options, create),
		.help = "Make a pool of the job's size if the file is none",
		.def = "0",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "cipher",
		.lname = "pmemcrypt cipher",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct pce_options, cipher),
		.help = "Cipher of a pool created by create=1",
		.posval =
			{
				{.ival = "aes-256-xts",
				 .oval = PMEMCRYPT_CIPHER_AES256_XTS,
				 .help = "AES-XTS with 256-bit keys (default)"},
				{.ival = "aes-128-xts",
				 .oval = PMEMCRYPT_CIPHER_AES128_XTS,
				 .help = "AES-XTS with 128-bit keys"},
			},
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "encryption",
		.lname = "pmemcrypt encryption",
		.type = FIO_OPT_BOOL,
		.off1 = offsetof(struct pce_options, encryption),
		.help = "0: plain libpmem2 copy+persist on the file (baseline)",
		.def = "1",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "hardware",
		.lname = "pmemcrypt hardware engine",
		.type = FIO_OPT_BOOL,
		.off1 = offsetof(struct pce_options, hardware),
		.help = "Use the MKTME hardware engine (media on a bound "
			"namespace)",
		.def = "0",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = NULL,
	},
};

/* A file open in this process: a pool, or a plain mapping (encryption=0). */
struct pce_target {
	struct pce_target *next;
	dev_t dev;
	ino_t ino;
	int refs;
	int encrypted;
	struct pmemcrypt_pool *pool;
	struct pmem2_map *map;
	char *base;
	size_t size;
	pmem2_memcpy_fn memcpy_fn;
};

static pthread_mutex_t targets_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pce_target *targets;

/* A positive errno for fio from a library return value. */
static int pce_errno(int ret)
{
	return ret < 0 && ret > -4096 ? -ret : EIO;
}

/* Logs a message and marks the job failed with err (positive errno). */
static int pce_fail(struct thread_data *td, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pce_fail(struct thread_data *td, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err(PCE ": %s\n", msg);
	td_verror(td, err, PCE);
	return 1;
}

/* Refuses option combinations the engine cannot run. */
static int check_options(struct thread_data *td)
{
	struct pce_options *o = td->eo;

	if (o->hardware && !o->encryption)
		return pce_fail(td, EINVAL,
				"hardware=1 is an engine of encryption=1");
	if (o->encryption && (!o->keyfile || !*o->keyfile))
		return pce_fail(td, EINVAL,
				"keyfile= is required: a file of %d raw bytes",
				PMEMCRYPT_KEY_SIZE);
	return 0;
}

/* The size fio gives each file of the job (0 when not set). */
static uint64_t job_file_size(struct thread_data *td)
{
	if (td->o.file_size_low)
		return td->o.file_size_low;
	return td->o.size / (td->o.nr_files ? td->o.nr_files : 1);
}

/* Reads the job's key file. */
static int load_key(struct thread_data *td, struct pmemcrypt_key **key)
{
	struct pce_options *o = td->eo;
	int ret = pmemcrypt_key_from_file(key, o->keyfile);

	if (ret)
		return pce_fail(td, pce_errno(ret), "keyfile %s: %s",
				o->keyfile, pmemcrypt_errormsg());
	return 0;
}

/* Bytes of f the job reaches: what its pool or file must hold. */
static uint64_t job_extent(struct thread_data *td, struct fio_file *f)
{
	uint64_t end = f->file_offset + f->io_size;
	uint64_t want = job_file_size(td);

	return end > want ? end : want;
}

/*
 * Sizes f for fio without touching it: the pool's or file's size, or the
 * job's size if that is larger or the file is yet to be made.  A job file
 * may hold several jobs on one path that create and delete it in turn,
 * and fio sizes every job before the first one runs: files are created
 * and checked at open.
 */
static int pce_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct pce_options *o = td->eo;
	struct pmemcrypt_info info;
	uint64_t want = job_file_size(td), have = 0;
	struct stat st;

	if (fio_file_size_known(f))
		return 0;
	if (check_options(td))
		return 1;
	if (o->encryption && !pmemcrypt_info_read(&info, f->file_name))
		have = info.size;
	else if (!o->encryption && !stat(f->file_name, &st))
		have = (uint64_t)st.st_size;
	if (!have && !want)
		return pce_fail(td, EINVAL,
				"%s: give size= (the file is not a %s yet)",
				f->file_name, o->encryption ? "pool" : "file");
	f->real_file_size = have > want ? have : want;
	fio_file_set_size_known(f);
	return 0;
}

/* Creates (and opens) a pool holding at least want bytes. */
static int pool_create(struct thread_data *td, struct pce_target *t,
		       const char *path, uint64_t want)
{
	struct pce_options *o = td->eo;
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_key *key = NULL;
	uint64_t units = (want + PMEMCRYPT_UNIT_SIZE - 1) / PMEMCRYPT_UNIT_SIZE;
	int ret;

	if (!want)
		return pce_fail(td, EINVAL,
				"create=1 needs size= or filesize= to size "
				"the pool %s",
				path);
	if (load_key(td, &key))
		return 1;
	ret = pmemcrypt_config_new(&cfg);
	if (!ret)
		ret = pmemcrypt_config_set_cipher(
			cfg,
			o->cipher ? o->cipher : PMEMCRYPT_CIPHER_AES256_XTS);
	if (!ret)
		ret = pmemcrypt_config_set_size(cfg,
						units * PMEMCRYPT_UNIT_SIZE);
	if (!ret)
		ret = pmemcrypt_config_set_engine(
			cfg, o->hardware ? PMEMCRYPT_ENGINE_HARDWARE
					 : PMEMCRYPT_ENGINE_SOFTWARE);
	/* create=1 asks for a pool in place of what the file holds. */
	if (!ret)
		ret = pmemcrypt_config_set_overwrite(cfg, 1);
	if (!ret)
		ret = pmemcrypt_pool_create(&t->pool, path, cfg, key);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	if (ret)
		return pce_fail(td, pce_errno(ret), "creating the pool: %s",
				pmemcrypt_errormsg());
	return 0;
}

/* Opens the pool with the job's key. */
static int pool_open(struct thread_data *td, struct pce_target *t,
		     const char *path)
{
	struct pmemcrypt_key *key = NULL;
	int ret;

	if (load_key(td, &key))
		return 1;
	ret = pmemcrypt_pool_open(&t->pool, path, key, 0);
	pmemcrypt_key_delete(&key);
	if (ret == PMEMCRYPT_E_LOCKED)
		return pce_fail(td, EBUSY,
				"%s: the pool is open in another process; "
				"jobs sharing a pool need thread=1",
				path);
	if (ret)
		return pce_fail(td, pce_errno(ret), "opening the pool: %s",
				pmemcrypt_errormsg());
	return 0;
}

/* Opens the pool in f, creating it when asked to; checks cipher, size. */
static int pool_start(struct thread_data *td, struct pce_target *t,
		      struct fio_file *f)
{
	struct pce_options *o = td->eo;
	struct pmemcrypt_info info;
	uint64_t need = job_extent(td, f);
	int ret = pmemcrypt_info_read(&info, f->file_name);

	if (ret == PMEMCRYPT_E_NOT_POOL || ret == -ENOENT) {
		if (!o->create)
			return pce_fail(td, EINVAL,
					"%s is not a pmemcrypt pool: set "
					"create=1 or run 'pmemcrypt create'",
					f->file_name);
		return pool_create(td, t, f->file_name, need);
	}
	if (ret)
		return pce_fail(td, pce_errno(ret), "%s", pmemcrypt_errormsg());
	if (o->cipher && info.cipher != o->cipher)
		return pce_fail(td, EINVAL,
				"%s is an %s pool, the job asks for "
				"cipher=%s: remove the file or drop cipher=",
				f->file_name,
				pmemcrypt_cipher_name(info.cipher),
				pmemcrypt_cipher_name(o->cipher));
	if ((info.engine == PMEMCRYPT_ENGINE_HARDWARE) != !!o->hardware)
		return pce_fail(td, EINVAL,
				"%s is a %s-engine pool, the job has "
				"hardware=%u: remove the file or change "
				"hardware=",
				f->file_name, pmemcrypt_engine_name(info.engine),
				o->hardware);
	if (need > info.size)
		return pce_fail(td, EINVAL,
				"%s holds %llu usable bytes, the job needs "
				"%llu: lower size= or recreate the pool",
				f->file_name, (unsigned long long)info.size,
				(unsigned long long)need);
	return pool_open(td, t, f->file_name);
}

/* Maps fd with libpmem2, persisting as the library does. */
static int plain_map(struct thread_data *td, struct pce_target *t, int fd,
		     const char *path)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	int ret;

	ret = pmem2_config_new(&cfg);
	if (!ret)
		ret = pmem2_config_set_required_store_granularity(
			cfg, PMEM2_GRANULARITY_PAGE);
	if (!ret)
		ret = pmem2_source_from_fd(&src, fd);
	if (!ret)
		ret = pmem2_map_new(&t->map, cfg, src);
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	if (ret)
		return pce_fail(td, pce_errno(ret), "mapping %s: %s", path,
				pmem2_errormsg());
	t->base = pmem2_map_get_address(t->map);
	t->size = pmem2_map_get_size(t->map);
	t->memcpy_fn = pmem2_get_memcpy_fn(t->map);
	return 0;
}

/* Maps the plain file in f (encryption=0), made big enough if asked to. */
static int plain_start(struct thread_data *td, struct pce_target *t,
		       struct fio_file *f)
{
	struct pce_options *o = td->eo;
	uint64_t need = job_extent(td, f);
	struct stat st;
	int fd, ret;

	fd = open(f->file_name, O_RDWR | O_CLOEXEC | (o->create ? O_CREAT : 0),
		  0600);
	if (fd < 0)
		return pce_fail(td, errno, "%s: %s%s", f->file_name,
				strerror(errno),
				errno == ENOENT ? " (set create=1)" : "");
	if (fstat(fd, &st)) {
		ret = pce_fail(td, errno, "%s: %s", f->file_name,
			       strerror(errno));
	} else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < need &&
		   !o->create) {
		ret = pce_fail(td, EINVAL,
			       "%s is smaller than the job's %llu bytes: set "
			       "create=1 to extend it",
			       f->file_name, (unsigned long long)need);
	} else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < need &&
		   (ret = posix_fallocate(fd, 0, (off_t)need))) {
		ret = pce_fail(td, ret, "%s: cannot allocate %llu bytes: %s",
			       f->file_name, (unsigned long long)need,
			       strerror(ret));
	} else {
		ret = plain_map(td, t, fd, f->file_name);
	}
	close(fd);
	if (!ret && t->size < need) {
		pmem2_map_delete(&t->map);
		ret = pce_fail(td, EINVAL,
			       "%s holds %zu bytes, the job needs %llu",
			       f->file_name, t->size, (unsigned long long)need);
	}
	return ret;
}

/* Checks that the job's key opens a pool another job already opened. */
static int pool_check_key(struct thread_data *td, struct pce_target *t,
			  const char *path)
{
	struct pmemcrypt_key *key = NULL;
	int ret;

	if (load_key(td, &key))
		return 1;
	ret = pmemcrypt_pool_find_slot(t->pool, key);
	pmemcrypt_key_delete(&key);
	if (ret < 0)
		return pce_fail(td, pce_errno(ret), "%s: %s", path,
				pmemcrypt_errormsg());
	return 0;
}

/* Finds the target of f already open in this process, by inode. */
static struct pce_target *target_find(struct fio_file *f)
{
	struct pce_target *t;
	struct stat st;

	if (stat(f->file_name, &st))
		return NULL;
	for (t = targets; t; t = t->next)
		if (t->dev == st.st_dev && t->ino == st.st_ino)
			return t;
	return NULL;
}

/* Finds or opens the target of f and takes a reference on it. */
static int target_get(struct thread_data *td, struct fio_file *f,
		      struct pce_target **tp)
{
	struct pce_options *o = td->eo;
	struct pce_target *t;
	struct stat st;
	int ret = 0;

	pthread_mutex_lock(&targets_lock);
	t = target_find(f);
	if (t) {
		if (t->encrypted != !!o->encryption)
			ret = pce_fail(td, EBUSY,
				       "%s is open with encryption=%d by "
				       "another job",
				       f->file_name, t->encrypted);
		else if (t->encrypted)
			ret = pool_check_key(td, t, f->file_name);
		if (!ret)
			t->refs++;
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		ret = pce_fail(td, ENOMEM, "out of memory");
		goto out;
	}
	t->encrypted = !!o->encryption;
	ret = t->encrypted ? pool_start(td, t, f) : plain_start(td, t, f);
	if (!ret && stat(f->file_name, &st))
		ret = pce_fail(td, errno, "%s: %s", f->file_name,
			       strerror(errno));
	if (ret) {
		if (t->pool)
			pmemcrypt_pool_close(&t->pool);
		if (t->map)
			pmem2_map_delete(&t->map);
		free(t);
		t = NULL;
		goto out;
	}
	if (t->encrypted)
		t->size = pmemcrypt_pool_size(t->pool);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->refs = 1;
	t->next = targets;
	targets = t;
out:
	pthread_mutex_unlock(&targets_lock);
	*tp = ret ? NULL : t;
	return ret;
}

/* Drops a reference; the last one closes the pool or mapping. */
static int target_put(struct pce_target *t)
{
	struct pce_target **pp;
	int ret = 0;

	pthread_mutex_lock(&targets_lock);
	if (--t->refs == 0) {
		for (pp = &targets; *pp != t; pp = &(*pp)->next)
			;
		*pp = t->next;
		if (t->pool) {
			ret = pmemcrypt_pool_close(&t->pool);
			if (ret)
				log_err(PCE ": closing a pool: %s\n",
					pmemcrypt_errormsg());
		}
		if (t->map)
			pmem2_map_delete(&t->map);
		free(t);
	}
	pthread_mutex_unlock(&targets_lock);
	return ret ? 1 : 0;
}

static int pce_open_file(struct thread_data *td, struct fio_file *f)
{
	struct pce_target *t;

	if (target_get(td, f, &t))
		return 1;
	FILE_SET_ENG_DATA(f, t);
	return 0;
}

static int pce_close_file(struct thread_data *td, struct fio_file *f)
{
	struct pce_target *t = FILE_ENG_DATA(f);

	FILE_SET_ENG_DATA(f, NULL);
	return t ? target_put(t) : 0;
}

/* One plain read or write (encryption=0): copy, and persist writes. */
static int plain_io(struct pce_target *t, struct io_u *io_u)
{
	if (io_u->offset > t->size ||
	    io_u->xfer_buflen > t->size - io_u->offset)
		return -EINVAL;
	if (io_u->ddir == DDIR_READ)
		memcpy(io_u->xfer_buf, t->base + io_u->offset,
		       io_u->xfer_buflen);
	else
		t->memcpy_fn(t->base + io_u->offset, io_u->xfer_buf,
			     io_u->xfer_buflen, PMEM2_F_MEM_NONTEMPORAL);
	return 0;
}

/* Runs one I/O to completion. */
static enum fio_q_status pce_queue(struct thread_data *td, struct io_u *io_u)
{
	struct pce_target *t = FILE_ENG_DATA(io_u->file);
	int ret = 0;

	fio_ro_check(td, io_u);
	switch (io_u->ddir) {
	case DDIR_READ:
		ret = !t->encrypted
			      ? plain_io(t, io_u)
			      : pmemcrypt_read(t->pool, io_u->xfer_buf,
					       io_u->xfer_buflen, io_u->offset);
		break;
	case DDIR_WRITE:
		ret = !t->encrypted ? plain_io(t, io_u)
				    : pmemcrypt_write(t->pool, io_u->xfer_buf,
						      io_u->xfer_buflen,
						      io_u->offset);
		break;
	case DDIR_SYNC:
	case DDIR_DATASYNC:
	case DDIR_SYNC_FILE_RANGE:
		break; /* every write is durable when it completes */
	default:
		ret = -EINVAL;
		break;
	}
	io_u->error = ret ? pce_errno(ret) : 0;
	if (ret)
		log_err(PCE ": %s: %s at %llu+%llu: %s\n",
			io_u->file->file_name, io_ddir_name(io_u->ddir),
			io_u->offset, io_u->xfer_buflen,
			t->encrypted && ddir_rw(io_u->ddir)
				? pmemcrypt_errormsg()
				: strerror(io_u->error));
	return FIO_Q_COMPLETED;
}

/*
 * fio looks the engine up by this name (dlsym).  FIO_RAWIO | FIO_MEMALIGN,
 * as fio's libpmem engine has: fio then page-aligns the I/O buffers (it
 * does so only for direct=1 or such engines).  From malloc they start 16
 * or 32 bytes into a cache line, and a copy to a misaligned buffer (every
 * read) is up to half as fast at 64 KiB.
 */
__attribute__((visibility("default"))) struct ioengine_ops ioengine = {
	.name = "pmemcrypt",
	.version = FIO_IOOPS_VERSION,
	.queue = pce_queue,
	.open_file = pce_open_file,
	.close_file = pce_close_file,
	.get_file_size = pce_get_file_size,
	.flags = FIO_SYNCIO | FIO_RAWIO | FIO_DISKLESSIO | FIO_NOEXTEND |
		 FIO_NODISKUTIL | FIO_MEMALIGN,
	.options = options,
	.option_struct_size = sizeof(struct pce_options),
};

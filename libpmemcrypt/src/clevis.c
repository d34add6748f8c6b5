// SPDX-License-Identifier: BSD-3-Clause
/*
 * clevis.c -- running clevis: binding a slot's key to a pin (Tang, TPM,
 * sss) and recovering it
 *
 * The key goes to 'clevis encrypt' and comes back from 'clevis decrypt'
 * through pipes, into locked memory: never through a file or a command
 * line.  The child is started with posix_spawn, so it does not get a copy
 * of this process's memory.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clevis.h"
#include "errormsg.h"

extern char **environ;

/* How long clevis may take (a Tang server that does not answer). */
#define CLEVIS_TIMEOUT_MS 60000

/* What a run of clevis gave. */
struct run {
	uint8_t *out; /* standard output, up to out_cap bytes */
	size_t out_cap, out_len;
	int out_overflow;
	char err[512]; /* the first bytes of standard error */
	size_t err_len;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads what fd has into the run; 0 at end of file, 1 more to come. */
static int drain(int fd, struct run *r, int is_out)
{
	uint8_t scratch[1024];
	uint8_t *dst = scratch;
	size_t room = sizeof(scratch);
	ssize_t n;

	if (is_out && r->out_len < r->out_cap) {
		dst = r->out + r->out_len;
		room = r->out_cap - r->out_len;
	}
	n = read(fd, dst, room);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	if (is_out && dst != scratch)
		r->out_len += (size_t)n;
	else if (is_out)
		r->out_overflow = 1;
	if (!is_out && r->err_len < sizeof(r->err) - 1) {
		size_t k = (size_t)n < sizeof(r->err) - 1 - r->err_len
				   ? (size_t)n
				   : sizeof(r->err) - 1 - r->err_len;

		memcpy(r->err + r->err_len, scratch, k);
		r->err_len += k;
	}
	explicit_bzero(scratch, sizeof(scratch));
	return 1;
}

/*
 * Feeds in to the child's standard input and collects its output until
 * both output streams end or the time runs out; -ETIMEDOUT then.
 */
static int talk(int in_fd, const void *in, size_t in_len, int out_fd,
		int err_fd, struct run *r)
{
	long deadline = now_ms() + CLEVIS_TIMEOUT_MS;
	size_t sent = 0;
	int out_open = 1, err_open = 1;

	if (!in_len)
		shutdown(in_fd, SHUT_WR);
	while (out_open || err_open) {
		struct pollfd fds[3] = {
			{.fd = out_open ? out_fd : -1, .events = POLLIN},
			{.fd = err_open ? err_fd : -1, .events = POLLIN},
			{.fd = sent < in_len ? in_fd : -1, .events = POLLOUT}};
		long left = deadline - now_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(fds, 3, (int)left);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		if (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
			/* MSG_NOSIGNAL: a child that exits early raises no
			 * SIGPIPE in the application. */
			ssize_t k = send(in_fd, (const char *)in + sent,
					 in_len - sent,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			if (k > 0)
				sent += (size_t)k;
			else if (k < 0 && errno != EAGAIN && errno != EINTR)
				sent = in_len; /* the child stopped reading */
			if (sent == in_len)
				shutdown(in_fd, SHUT_WR);
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
			out_open = drain(out_fd, r, 1);
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
			err_open = drain(err_fd, r, 0);
	}
	return 0;
}

/* The child's standard error as one line, for a message. */
static const char *err_line(struct run *r)
{
	r->err[r->err_len] = '\0';
	while (r->err_len && (r->err[r->err_len - 1] == '\n' ||
			      r->err[r->err_len - 1] == ' '))
		r->err[--r->err_len] = '\0';
	for (size_t i = 0; i < r->err_len; i++)
		if (r->err[i] == '\n' || (unsigned char)r->err[i] < 0x20)
			r->err[i] = ' ';
	return r->err_len ? r->err : "no message";
}

/*
 * Runs argv (argv[0] is "clevis") with in on standard input; its standard
 * output goes to r->out.  Returns 0 when clevis exited with status 0;
 * else PMEMCRYPT_E_KEY_SOURCE with the reason.
 */
static int run_clevis(char *const argv[], const void *in, size_t in_len,
		      struct run *r, int own_group)
{
	posix_spawnattr_t attr;
	int in_s[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	int ret, status = 0;
	pid_t pid = -1;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_s) ||
	    pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC)) {
		ret = pc_err(-errno, "clevis: %s", strerror(errno));
		goto out;
	}
	ret = posix_spawn_file_actions_init(&fa);
	if (ret)
		goto spawned;
	ret = posix_spawnattr_init(&attr);
	if (ret) {
		posix_spawn_file_actions_destroy(&fa);
		goto spawned;
	}
	/* A group of its own, so that a timeout ends the pin's programs
	 * too (curl, tpm2-tools); not when clevis may ask on the terminal. */
	if (own_group)
		ret = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, in_s[1], 0);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, out_p[1], 1);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, err_p[1], 2);
	if (!ret)
		ret = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
spawned:
	if (ret) {
		ret = pc_err(PMEMCRYPT_E_KEY_SOURCE, "cannot run clevis: %s%s",
			     strerror(ret),
			     ret == ENOENT ? " (install clevis)" : "");
		goto out;
	}
	close(in_s[1]);
	close(out_p[1]);
	close(err_p[1]);
	in_s[1] = out_p[1] = err_p[1] = -1;
	ret = talk(in_s[0], in, in_len, out_p[0], err_p[0], r);
	if (ret)
		kill(own_group ? -pid : pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == -ETIMEDOUT)
		ret = pc_err(PMEMCRYPT_E_KEY_SOURCE,
			     "clevis %s: no answer within %d s", argv[1],
			     CLEVIS_TIMEOUT_MS / 1000);
	else if (ret)
		ret = pc_err(ret, "clevis %s: %s", argv[1], strerror(-ret));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		ret = pc_err(PMEMCRYPT_E_KEY_SOURCE, "clevis %s failed: %s",
			     argv[1], err_line(r));
	else if (r->out_overflow)
		ret = pc_err(PMEMCRYPT_E_KEY_SOURCE,
			     "clevis %s: more output than the %zu bytes "
			     "expected",
			     argv[1], r->out_cap);
out:
	for (int i = 0; i < 2; i++) {
		if (in_s[i] >= 0)
			close(in_s[i]);
		if (out_p[i] >= 0)
			close(out_p[i]);
		if (err_p[i] >= 0)
			close(err_p[i]);
	}
	return ret;
}

int pc_clevis_token_ok(const char *token, size_t len)
{
	if (len < 1 || len > PC_TOKEN_SIZE)
		return 0;
	/* JWE in compact (base64url and dots) or JSON serialization. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)token[i] < 0x20 ||
		    (unsigned char)token[i] > 0x7e)
			return 0;
	return 1;
}

int pc_clevis_encrypt(const char *pin, const char *config, unsigned flags,
		      const uint8_t key[PC_CLEVIS_KEY_SIZE], char *token,
		      size_t *len)
{
	char *argv[] = {"clevis",
			"encrypt",
			(char *)pin,
			(char *)config,
			(flags & PC_CLEVIS_TRUST) ? "-y" : NULL,
			NULL};
	struct run r = {.out = (uint8_t *)token, .out_cap = PC_TOKEN_SIZE};
	int ret = run_clevis(argv, key, PC_CLEVIS_KEY_SIZE, &r,
			     (flags & PC_CLEVIS_TRUST) != 0);

	if (ret)
		return ret;
	/* clevis ends the JWE with a newline or not, as versions go. */
	while (r.out_len &&
	       (token[r.out_len - 1] == '\n' || token[r.out_len - 1] == '\r'))
		r.out_len--;
	if (!pc_clevis_token_ok(token, r.out_len))
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "clevis encrypt %s: its output (%zu bytes) is "
			      "not a JWE of at most %u printable bytes",
			      pin, r.out_len, PC_TOKEN_SIZE);
	*len = r.out_len;
	return 0;
}

int pc_clevis_decrypt(const char *token, size_t len,
		      uint8_t key[PC_CLEVIS_KEY_SIZE])
{
	char *argv[] = {"clevis", "decrypt", NULL};
	/* One byte more than a key, to see a longer output. */
	uint8_t *out = pc_secure_alloc(PC_CLEVIS_KEY_SIZE + 1);
	struct run r = {.out = out, .out_cap = PC_CLEVIS_KEY_SIZE + 1};
	int ret;

	if (!out)
		return pc_err(-ENOMEM, "out of memory");
	ret = run_clevis(argv, token, len, &r, 1);
	if (!ret && r.out_len != PC_CLEVIS_KEY_SIZE)
		ret = pc_err(PMEMCRYPT_E_KEY_SOURCE,
			     "clevis decrypt gave %zu bytes, not a %d-byte "
			     "key",
			     r.out_len, PC_CLEVIS_KEY_SIZE);
	if (!ret)
		memcpy(key, out, PC_CLEVIS_KEY_SIZE);
	pc_secure_free(out, PC_CLEVIS_KEY_SIZE + 1);
	return ret;
}

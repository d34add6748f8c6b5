// SPDX-License-Identifier: BSD-3-Clause
/*
 * runpipe.c -- running a program without a shell: bytes to its standard
 * input, its standard output and error collected, a time limit
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

#include "runpipe.h"

extern char **environ;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads what fd has into the run; 0 at its end, 1 while more may come. */
static int drain(int fd, struct runpipe *r, int is_out)
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
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return 0;
	if (is_out && dst != scratch)
		r->out_len += (size_t)n;
	else if (is_out)
		r->out_overflow = 1;
	if (!is_out && r->err_len < sizeof(r->err) - 1) {
		size_t room_err = sizeof(r->err) - 1 - r->err_len;
		size_t k = (size_t)n < room_err ? (size_t)n : room_err;

		memcpy(r->err + r->err_len, scratch, k);
		r->err_len += k;
	}
	/* Output past out_cap may be secret too. */
	explicit_bzero(scratch, sizeof(scratch));
	return 1;
}

/*
 * Feeds in to the program and collects its output until both output
 * streams end or the time runs out (-ETIMEDOUT).
 */
static int talk(int in_fd, const void *in, size_t in_len, int out_fd,
		int err_fd, struct runpipe *r, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
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
			ssize_t k = send(in_fd, (const char *)in + sent,
					 in_len - sent,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			if (k > 0)
				sent += (size_t)k;
			else if (k < 0 && errno != EAGAIN && errno != EINTR)
				sent = in_len; /* it stopped reading */
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

/* Starts argv on the three descriptors; 0 or an errno. */
static int spawn(pid_t *pid, char *const argv[], const int fd[3], int own_group)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int ret = posix_spawn_file_actions_init(&fa);

	if (ret)
		return ret;
	ret = posix_spawnattr_init(&attr);
	if (ret) {
		posix_spawn_file_actions_destroy(&fa);
		return ret;
	}
	if (own_group)
		ret = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	for (int i = 0; i < 3 && !ret; i++)
		ret = posix_spawn_file_actions_adddup2(&fa, fd[i], i);
	if (!ret)
		ret = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return ret;
}

int runpipe(char *const argv[], const void *in, size_t in_len,
	    struct runpipe *r, int own_group, int timeout_ms)
{
	int in_s[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
	pid_t pid = -1;
	int ret;

	r->status = -1; /* not exited, until waitpid says otherwise */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_s) ||
	    pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC)) {
		ret = -errno;
		goto out;
	}
	ret = -spawn(&pid, argv, (int[3]){in_s[1], out_p[1], err_p[1]},
		     own_group);
	if (ret)
		goto out;
	close(in_s[1]);
	close(out_p[1]);
	close(err_p[1]);
	in_s[1] = out_p[1] = err_p[1] = -1;
	ret = talk(in_s[0], in, in_len, out_p[0], err_p[0], r, timeout_ms);
	if (ret)
		kill(own_group ? -pid : pid, SIGKILL);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
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

int runpipe_ok(const struct runpipe *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

const char *runpipe_err_line(struct runpipe *r)
{
	r->err[r->err_len] = '\0';
	while (r->err_len && (r->err[r->err_len - 1] == '\n' ||
			      r->err[r->err_len - 1] == ' '))
		r->err[--r->err_len] = '\0';
	for (size_t i = 0; i < r->err_len; i++)
		if ((unsigned char)r->err[i] < 0x20 ||
		    (unsigned char)r->err[i] > 0x7e)
			r->err[i] = ' ';
	return r->err_len ? r->err : "no message";
}

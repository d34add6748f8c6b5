// SPDX-License-Identifier: BSD-3-Clause
/* passphrase.c -- reading passphrases from a file or the terminal */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "key.h"

/* Terminal state to restore if a signal arrives while echo is off. */
static int tty_fd = -1;
static struct termios tty_saved;

/* Restores the terminal and dies of the signal as if not caught. */
static void tty_restore_on_signal(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads up to max bytes from fd until end of file; *len gets the count. */
static int read_all(int fd, char *buf, size_t max, size_t *len)
{
	size_t n = 0;

	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += r;
	}
	*len = n;
	return 0;
}

/*
 * Reads a passphrase from an open file into buf, which holds
 * PASSPHRASE_MAX + 1 bytes; one trailing newline is dropped.
 */
int passphrase_from_fd(int fd, char *buf, size_t *len)
{
	int ret = read_all(fd, buf, PASSPHRASE_MAX + 1, len);

	if (ret)
		return ret;
	if (*len > PASSPHRASE_MAX)
		return -EMSGSIZE;
	if (*len > 0 && buf[*len - 1] == '\n')
		(*len)--;
	if (*len > 0 && buf[*len - 1] == '\r')
		(*len)--;
	return *len ? 0 : -ENODATA;
}

/* Reads one line from the terminal with echo off. */
static int tty_read_line(int fd, const char *prompt, char *buf, size_t *len)
{
	struct termios quiet;
	size_t n = 0;
	int ret = 0;
	char c;

	if (tcgetattr(fd, &tty_saved))
		return -errno;
	quiet = tty_saved;
	quiet.c_lflag &= ~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tty_fd = fd;
	signal(SIGINT, tty_restore_on_signal);
	signal(SIGTERM, tty_restore_on_signal);
	signal(SIGHUP, tty_restore_on_signal);
	if (tcsetattr(fd, TCSAFLUSH, &quiet) ||
	    write(fd, prompt, strlen(prompt)) < 0) {
		ret = -errno;
		goto out_restore;
	}
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (n == PASSPHRASE_MAX) {
			ret = -EMSGSIZE;
			continue;
		}
		buf[n++] = c;
	}
	explicit_bzero(&c, sizeof(c));
	*len = n;
	if (!ret && n == 0)
		ret = -ENODATA;
out_restore:
	tcsetattr(fd, TCSAFLUSH, &tty_saved);
	tty_fd = -1;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (write(fd, "\n", 1) < 0 && !ret)
		ret = -errno;
	return ret;
}

/*
 * Asks for a passphrase on the controlling terminal without echo, twice
 * when confirm is set; buf holds PASSPHRASE_MAX + 1 bytes.
 */
int passphrase_from_tty(const char *prompt, bool confirm, char *buf,
			size_t *len)
{
	char again[PASSPHRASE_MAX + 1];
	size_t again_len = 0;
	int fd, ret;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENXIO;
	ret = tty_read_line(fd, prompt, buf, len);
	if (ret || !confirm)
		goto out;
	ret = tty_read_line(fd, "Repeat to confirm: ", again, &again_len);
	if (!ret && (again_len != *len || memcmp(again, buf, *len) != 0))
		ret = -EKEYREJECTED;
	explicit_bzero(again, sizeof(again));
out:
	close(fd);
	return ret;
}

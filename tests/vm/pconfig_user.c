// SPDX-License-Identifier: BSD-3-Clause
/*
 * pconfig_user.c -- guest helper: PCONFIG at CPL 3 must raise #UD.
 *
 * Prints the signal the instruction raised and exits 0 on SIGILL (the
 * architecture raises #UD at CPL > 0), 1 on another signal or no fault.
 */

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;

/* Return from the faulting instruction with the signal number */
static void on_signal(int sig)
{
	siglongjmp(env, sig);
}

int main(void)
{
	static unsigned char prog[256] __attribute__((aligned(256)));
	struct sigaction sa;
	unsigned long rax = 0;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	prog[0] = 1; /* KeyID 1 */
	prog[3] = 1; /* AES-XTS-128 */
	sig = sigsetjmp(env, 1);
	if (!sig) {
		asm volatile(".byte 0x0f, 0x01, 0xc5"
			     : "+a"(rax)
			     : "b"(prog)
			     : "memory", "cc");
		printf("pconfig-user: no fault, rax %lu\n", rax);
		return 1;
	}
	printf("pconfig-user: %s\n", strsignal(sig));
	return sig == SIGILL ? 0 : 1;
}

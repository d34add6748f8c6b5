// SPDX-License-Identifier: BSD-3-Clause
/*
 * clevis.c -- running clevis: binding a slot's key to a pin (Tang, TPM,
 * sss) and recovering it
 *
 * The key goes to 'clevis encrypt' and comes back from 'clevis decrypt'
 * through pipes (common/runpipe.c), into locked memory: never through a
 * file or a command line.
 */

#include <errno.h>
#include <string.h>

#include "clevis.h"
#include "errormsg.h"
#include "runpipe.h"

/* How long clevis may take (a Tang server that does not answer). */
#define CLEVIS_TIMEOUT_MS 60000

/*
 * Runs clevis; its standard output goes to r->out.  0 when it exited
 * with status 0, else PMEMCRYPT_E_KEY_SOURCE with the reason.
 */
static int run_clevis(char *const argv[], const void *in, size_t in_len,
		      struct runpipe *r, int own_group)
{
	int ret = runpipe(argv, in, in_len, r, own_group, CLEVIS_TIMEOUT_MS);

	if (ret == -ENOENT)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "cannot run clevis: %s (install clevis)",
			      strerror(-ret));
	if (ret == -ETIMEDOUT)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "clevis %s: no answer within %d s", argv[1],
			      CLEVIS_TIMEOUT_MS / 1000);
	if (ret)
		return pc_err(ret, "clevis %s: %s", argv[1], strerror(-ret));
	if (!runpipe_ok(r))
		return pc_err(PMEMCRYPT_E_KEY_SOURCE, "clevis %s failed: %s",
			      argv[1], runpipe_err_line(r));
	if (r->out_overflow)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "clevis %s: more output than the %zu bytes "
			      "expected",
			      argv[1], r->out_cap);
	return 0;
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
			(flags & PMEMCRYPT_CLEVIS_TRUST) ? "-y" : NULL,
			NULL};
	struct runpipe r = {.out = (uint8_t *)token, .out_cap = PC_TOKEN_SIZE};
	/* Without -y clevis may ask on the terminal: keep it in the
	 * foreground process group then. */
	int ret = run_clevis(argv, key, PC_CLEVIS_KEY_SIZE, &r,
			     (flags & PMEMCRYPT_CLEVIS_TRUST) != 0);

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
	struct runpipe r = {.out = out, .out_cap = PC_CLEVIS_KEY_SIZE + 1};
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

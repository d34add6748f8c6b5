// SPDX-License-Identifier: GPL-2.0
/*
 * mktme_test.c -- guest module exercising the emulated TME-MK machine.
 *
 * Loaded in the VM with the physical address of a label-less NVDIMM
 * (base=, size=).  It runs PCONFIG through every command, status code and
 * fault, writes known data through KeyID aliases of the NVDIMM (mapped
 * with ioremap at phys | keyid << shift) and compares with the plain view.
 * Results are kernel log lines "mktme_test: ok - ..." / "not ok - ...";
 * the scenario turns them into TAP.  The host then decrypts the NVDIMM
 * file with OpenSSL (tools/mktme-check) using the keys below.
 *
 * mode=ud only checks that PCONFIG raises #UD (CPU without TME-MK).
 */

#include <linux/bits.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/asm.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/processor.h>

static unsigned long base;
module_param(base, ulong, 0444);
MODULE_PARM_DESC(base, "physical address of a label-less NVDIMM");
static unsigned long size;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "its size in bytes");
static char *mode = "full";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "full, or ud (expect #UD on PCONFIG)");

#define MSR_TME_CAPABILITY 0x981
#define MSR_TME_ACTIVATE 0x982

#define CMD_SET_KEY_DIRECT 0
#define CMD_SET_KEY_RANDOM 1
#define CMD_CLEAR_KEY 2
#define CMD_NO_ENCRYPT 3
#define ALG_XTS_128 BIT(8)
#define ALG_XTS_256 BIT(10)

#define TRAP_UD 6
#define TRAP_GP 13
#define ARITH_FLAGS                                                      \
	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
	 X86_EFLAGS_SF | X86_EFLAGS_OF)

#define AREA 4096 /* bytes written per KeyID */

struct key_program {
	u16 keyid;
	u32 keyid_ctrl;
	u8 rsvd[58];
	u8 key_field_1[64];
	u8 key_field_2[64];
} __packed;

struct pconfig_result {
	unsigned long rax;
	unsigned long flags;
	unsigned long trap; /* 0: no fault, else the trap number */
};

/* Two structures' worth so that a misaligned one can be built too */
static u8 prog_buf[512] __aligned(256);
static u8 area[AREA], back[AREA];
static int failures;
static unsigned int keyid_bits, shift;

/* Report one check to the kernel log in a TAP-like form */
static bool report(bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("mktme_test: %s - %pV\n", ok ? "ok" : "not ok", &vaf);
	va_end(args);
	if (!ok)
		failures++;
	return ok;
}

/* Execute PCONFIG with all arithmetic flags set beforehand; catch faults */
static void pconfig(unsigned long leaf, void *ptr, struct pconfig_result *r)
{
	unsigned long ax = leaf, fl = 0, trap = 0;
	unsigned long fin = native_save_fl() | ARITH_FLAGS;

	asm volatile("push %[fin]\n\t"
		     "popf\n"
		     "1:\t.byte 0x0f, 0x01, 0xc5\n\t"
		     "pushf\n\t"
		     "pop %[fl]\n\t"
		     "jmp 3f\n"
		     "2:\tmov %%rax, %[trap]\n"
		     "3:\n\t" _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a"(ax), [fl] "+&r"(fl), [trap] "+&r"(trap)
		     : "b"(ptr), [fin] "r"(fin)
		     : "memory", "cc");
	r->rax = ax;
	r->flags = fl;
	r->trap = trap;
}

/* Fill a MKTME_KEY_PROGRAM_STRUCT in prog_buf */
static struct key_program *prog(u16 keyid, u32 cmd, u32 alg, const u8 *k1,
				const u8 *k2, unsigned int len)
{
	struct key_program *p = (struct key_program *)prog_buf;

	memset(prog_buf, 0, sizeof(prog_buf));
	p->keyid = keyid;
	p->keyid_ctrl = cmd | alg;
	if (k1)
		memcpy(p->key_field_1, k1, len);
	if (k2)
		memcpy(p->key_field_2, k2, len);
	return p;
}

/* Run a key program and check status, ZF and the cleared flags */
static bool program_expect(struct key_program *p, unsigned long status,
			   const char *what)
{
	struct pconfig_result r;
	unsigned long zf = status ? X86_EFLAGS_ZF : 0;

	pconfig(0, p, &r);
	return report(!r.trap && r.rax == status &&
			      (r.flags & ARITH_FLAGS) == zf,
		      "%s: status %lu (got trap %lu rax %lu flags %#lx)", what,
		      status, r.trap, r.rax, r.flags & ARITH_FLAGS);
}

/* Run PCONFIG (leaf @leaf, structure @p) and expect trap @trap */
static bool fault_expect(unsigned long leaf, void *p, unsigned long trap,
			 const char *what)
{
	struct pconfig_result r;

	pconfig(leaf, p, &r);
	return report(r.trap == trap, "%s: trap %lu (got trap %lu rax %lu)",
		      what, trap, r.trap, r.rax);
}

/* 16-byte lines "<tag8><index %08x>", as tools/mktme-check --pattern */
static void fill(u8 *buf, size_t len, const char *tag)
{
	char line[32];
	size_t i;

	for (i = 0; i + 16 <= len; i += 16) {
		snprintf(line, sizeof(line), "%-8.8s%08x", tag,
			 (unsigned int)(i / 16));
		memcpy(buf + i, line, 16);
	}
}

/* ioremap physical @pa through KeyID @keyid (0: plain) */
static void __iomem *map(phys_addr_t pa, unsigned int keyid, size_t len)
{
	u8 phys_bits = boot_cpu_data.x86_phys_bits;
	void __iomem *p;

	/* Linux 6.1 refuses physical addresses above the KeyID bits */
	boot_cpu_data.x86_phys_bits = phys_bits + keyid_bits;
	p = ioremap_cache(pa | ((phys_addr_t)keyid << shift), len);
	boot_cpu_data.x86_phys_bits = phys_bits;
	return p;
}

/* Copy @len bytes to an alias with 8-byte accesses */
static void put(void __iomem *dst, const u8 *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 8)
		writeq(*(const u64 *)(src + i), dst + i);
}

/* Copy @len bytes from an alias with 8-byte accesses */
static void get(u8 *dst, const void __iomem *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 8)
		*(u64 *)(dst + i) = readq(src + i);
}

/* True if no 16-byte block of @buf equals the same block of @plain */
static bool all_blocks_differ(const u8 *buf, const u8 *plain, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 16)
		if (!memcmp(buf + i, plain + i, 16))
			return false;
	return true;
}

static const u8 key_a1[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
			      0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const u8 key_a2[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
			      0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static u8 key_b1[32], key_b2[32], key_c1[16], key_c2[16];

/* IEEE 1619 XTS-AES-128 vector 4: keys, first plaintext/ciphertext block */
static const u8 ieee_k1[16] = {0x27, 0x18, 0x28, 0x18, 0x28, 0x45, 0x90, 0x45,
			       0x23, 0x53, 0x60, 0x28, 0x74, 0x71, 0x35, 0x26};
static const u8 ieee_k2[16] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x58, 0x97, 0x93,
			       0x23, 0x84, 0x62, 0x64, 0x33, 0x83, 0x27, 0x95};
static const u8 ieee_ct[16] = {0x27, 0xa7, 0x47, 0x9b, 0xef, 0xa1, 0xd4, 0x76,
			       0x48, 0x9f, 0x30, 0x8c, 0xd4, 0xcf, 0xa6, 0xe2};

/* Program @keyid, write @tag through it at @off, check both views */
static void area_check(unsigned int keyid, unsigned long off, const char *tag,
		       bool encrypted, const char *what)
{
	void __iomem *alias = map(base + off, keyid, AREA);
	void __iomem *plain = map(base + off, 0, AREA);

	if (!report(alias && plain, "%s: map KeyID %u alias", what, keyid))
		goto out;
	fill(area, AREA, tag);
	put(alias, area, AREA);
	get(back, alias, AREA);
	report(!memcmp(back, area, AREA), "%s: read back through KeyID %u",
	       what, keyid);
	get(back, plain, AREA);
	if (encrypted)
		report(all_blocks_differ(back, area, AREA),
		       "%s: plain view holds ciphertext", what);
	else
		report(!memcmp(back, area, AREA),
		       "%s: plain view holds plaintext", what);
out:
	if (alias)
		iounmap(alias);
	if (plain)
		iounmap(plain);
}

/* Alias read of @off through @keyid compares equal to @tag's data? */
static bool area_reads(unsigned int keyid, unsigned long off, const char *tag)
{
	void __iomem *alias = map(base + off, keyid, AREA);
	bool same;

	if (!alias)
		return false;
	fill(area, AREA, tag);
	get(back, alias, AREA);
	iounmap(alias);
	same = !memcmp(back, area, AREA);
	return same;
}

/* MSRs and CPUID leaf 0x1B as Linux's detect_tme() expects them */
static void check_enumeration(void)
{
	u64 cap, act;
	u32 eax, ebx, ecx, edx;
	int err;

	rdmsrl(MSR_TME_CAPABILITY, cap);
	rdmsrl(MSR_TME_ACTIVATE, act);
	report(cap == (0x5ull | (6ull << 32) | (63ull << 36)),
	       "IA32_TME_CAPABILITY %#llx: XTS-128/256, 6 bits, 63 keys", cap);
	report((act & 3) == 3 && ((act >> 32) & 0xf) == 6 && (act >> 48) == 0x5,
	       "IA32_TME_ACTIVATE %#llx: locked, enabled, 6 KeyID bits, "
	       "XTS-128/256 allowed",
	       act);
	err = wrmsrl_safe(MSR_TME_ACTIVATE, act);
	report(err, "WRMSR IA32_TME_ACTIVATE faults (locked)");
	cpuid_count(0x1b, 0, &eax, &ebx, &ecx, &edx);
	report(eax == 1 && ebx == 1,
	       "CPUID.1B.0 lists the MKTME target (eax %u ebx %u)", eax, ebx);
	cpuid_count(0x1b, 1, &eax, &ebx, &ecx, &edx);
	report(eax == 0, "CPUID.1B.1 is invalid (end of list)");
}

/* Status codes: invalid command, KeyID and algorithm */
static void check_status_codes(void)
{
	program_expect(prog(1, 4, ALG_XTS_128, key_a1, key_a2, 16), 1,
		       "command 4 is invalid");
	program_expect(
		prog(0, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16), 3,
		"KeyID 0 cannot be programmed");
	program_expect(
		prog(64, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16),
		3, "KeyID 64 is out of range");
	program_expect(prog(9, CMD_SET_KEY_DIRECT, 0, key_a1, key_a2, 16), 4,
		       "no algorithm");
	program_expect(prog(9, CMD_SET_KEY_DIRECT, ALG_XTS_128 | ALG_XTS_256,
			    key_a1, key_a2, 16),
		       4, "two algorithms");
	program_expect(prog(9, CMD_SET_KEY_DIRECT, BIT(9), key_a1, key_a2, 16),
		       4, "algorithm bit 9 not activated");
	program_expect(prog(9, CMD_CLEAR_KEY, 0, NULL, NULL, 0), 4,
		       "CLEAR_KEY checks the algorithm too");
}

/* Faults: #GP for leaf, alignment and reserved bits */
static void check_faults(void)
{
	struct key_program *p;

	p = prog(9, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16);
	fault_expect(1, p, TRAP_GP, "leaf 1 (unsupported)");
	fault_expect(0, prog_buf + 64, TRAP_GP,
		     "structure not 256-byte aligned");
	p->keyid_ctrl |= 1u << 24;
	fault_expect(0, p, TRAP_GP, "KEYID_CTRL bit 24 (reserved)");
	p = prog(9, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16);
	p->rsvd[4] = 1;
	fault_expect(0, p, TRAP_GP, "reserved byte 10");
	p = prog(9, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16);
	p->key_field_1[16] = 1;
	fault_expect(0, p, TRAP_GP, "KEY_FIELD_1 byte 16 with XTS-128");
	p = prog(9, CMD_SET_KEY_DIRECT, ALG_XTS_256, key_b1, key_b2, 32);
	p->key_field_2[32] = 1;
	fault_expect(0, p, TRAP_GP, "KEY_FIELD_2 byte 32 with XTS-256");
}

/* IEEE 1619 vector 4, first block, written at GPA 0 through KeyID 5 */
static void check_known_answer(void)
{
	void __iomem *alias;
	u8 *plain, saved[16], pt[16];
	int i;

	program_expect(
		prog(5, CMD_SET_KEY_DIRECT, ALG_XTS_128, ieee_k1, ieee_k2, 16),
		0, "KeyID 5 IEEE 1619 vector 4 key");
	plain = memremap(0, PAGE_SIZE, MEMREMAP_WB);
	alias = map(0, 5, PAGE_SIZE);
	if (!report(plain && alias, "map GPA 0 plain and through KeyID 5"))
		goto out;
	memcpy(saved, plain, 16);
	for (i = 0; i < 16; i++)
		pt[i] = i;
	put(alias, pt, 16);
	report(!memcmp(plain, ieee_ct, 16),
	       "IEEE 1619 vector 4 block 0 ciphertext at GPA 0 (%16ph)", plain);
	memcpy(plain, saved, 16);
out:
	if (alias)
		iounmap(alias);
	if (plain)
		memunmap(plain);
	program_expect(prog(5, CMD_CLEAR_KEY, ALG_XTS_128, NULL, NULL, 0), 0,
		       "KeyID 5 CLEAR_KEY");
}

/* Everything the host checks afterwards lives at base + 0 .. 0x6000 */
static void check_data_paths(void)
{
	static const u8 entropy[16] = {0xa5, 0x5a, 0xa5, 0x5a};
	int i;

	for (i = 0; i < 32; i++) {
		key_b1[i] = 0x20 + i;
		key_b2[i] = 0x40 + i;
	}
	for (i = 0; i < 16; i++) {
		key_c1[i] = 0x60 + i;
		key_c2[i] = 0x70 + i;
	}

	/* 0x0000: KeyID 1, XTS-128, key A (checked by the host) */
	program_expect(
		prog(1, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16), 0,
		"KeyID 1 SET_KEY_DIRECT XTS-128");
	area_check(1, 0x0000, "SECRET-A", true, "KeyID 1 XTS-128");
	/* 0x1000: KeyID 2, XTS-256, key B (checked by the host) */
	program_expect(
		prog(2, CMD_SET_KEY_DIRECT, ALG_XTS_256, key_b1, key_b2, 32), 0,
		"KeyID 2 SET_KEY_DIRECT XTS-256");
	area_check(2, 0x1000, "SECRET-B", true, "KeyID 2 XTS-256");
	/* 0x2000: KeyID 3, NO_ENCRYPT */
	program_expect(prog(3, CMD_NO_ENCRYPT, ALG_XTS_128, NULL, NULL, 0), 0,
		       "KeyID 3 NO_ENCRYPT");
	area_check(3, 0x2000, "PLAINTXT", false, "KeyID 3 NO_ENCRYPT");
	/* 0x3000: KeyID 4, random key with software entropy */
	program_expect(
		prog(4, CMD_SET_KEY_RANDOM, ALG_XTS_128, entropy, entropy, 16),
		0, "KeyID 4 SET_KEY_RANDOM");
	area_check(4, 0x3000, "SECRET-R", true, "KeyID 4 random key");
	program_expect(
		prog(4, CMD_SET_KEY_RANDOM, ALG_XTS_128, entropy, entropy, 16),
		0, "KeyID 4 SET_KEY_RANDOM again");
	report(!area_reads(4, 0x3000, "SECRET-R"),
	       "a new random key no longer decrypts the old data");

	/* re-keying KeyID 1 garbles its data, the old key restores it */
	program_expect(
		prog(1, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_c1, key_c2, 16), 0,
		"KeyID 1 re-keyed with key C");
	report(!area_reads(1, 0x0000, "SECRET-A"),
	       "KeyID 1 data unreadable with key C");
	program_expect(
		prog(1, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2, 16), 0,
		"KeyID 1 re-keyed with key A");
	report(area_reads(1, 0x0000, "SECRET-A"),
	       "KeyID 1 data readable with key A again");

	/* 0x4000: the same data through KeyIDs 6 and 7 under one key */
	program_expect(
		prog(6, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_c1, key_c2, 16), 0,
		"KeyID 6 key C");
	program_expect(
		prog(7, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_c1, key_c2, 16), 0,
		"KeyID 7 key C");
	area_check(6, 0x4000, "SECRET-C", true, "KeyID 6 key C");
	report(area_reads(7, 0x4000, "SECRET-C"),
	       "KeyID 7 with the same key reads KeyID 6 data");
	/* a cleared KeyID uses the TME key: plaintext in this emulator */
	program_expect(prog(7, CMD_CLEAR_KEY, ALG_XTS_128, NULL, NULL, 0), 0,
		       "KeyID 7 CLEAR_KEY");
	area_check(7, 0x5000, "CLEARED7", false, "KeyID 7 cleared");
	program_expect(prog(6, CMD_CLEAR_KEY, ALG_XTS_128, NULL, NULL, 0), 0,
		       "KeyID 6 CLEAR_KEY");
	report(!area_reads(6, 0x4000, "SECRET-C"),
	       "KeyID 6 cleared: its ciphertext shows through");
}

/* Locked read-modify-write instructions through an encrypted alias */
static void check_atomics(void)
{
	void __iomem *alias = map(base + 0x6000, 1, PAGE_SIZE);
	u64 *word = (u64 __force *)alias;
	u64 old;

	if (!report(alias != NULL, "map KeyID 1 alias for atomics"))
		return;
	writeq(0x1122334455667788ull, alias);
	old = cmpxchg64(word, 0x1122334455667788ull, 0x99ull);
	report(old == 0x1122334455667788ull && readq(alias) == 0x99,
	       "LOCK CMPXCHG through KeyID 1");
	old = xchg(word, 0x1234ull);
	report(old == 0x99 && readq(alias) == 0x1234, "XCHG through KeyID 1");
	iounmap(alias);
}

/* Run the checks at load time; the module stays loaded until rmmod */
static int __init mktme_test_init(void)
{
	struct pconfig_result r;

	if (!strcmp(mode, "ud")) {
		pconfig(0,
			prog(1, CMD_SET_KEY_DIRECT, ALG_XTS_128, key_a1, key_a2,
			     16),
			&r);
		report(r.trap == TRAP_UD,
		       "PCONFIG raises #UD without TME-MK (got trap %lu)",
		       r.trap);
		pr_info("mktme_test: done failures=%d\n", failures);
		return 0;
	}
	if (!boot_cpu_has(X86_FEATURE_TME) || !base || size < 0x7000) {
		report(false, "needs TME and base=/size= of an NVDIMM");
		pr_info("mktme_test: done failures=%d\n", failures);
		return 0;
	}
	keyid_bits = (__rdmsr(MSR_TME_ACTIVATE) >> 32) & 0xf;
	shift = boot_cpu_data.x86_phys_bits;
	report(shift == 40, "KeyID shift is the reduced phys bits (%u)", shift);

	check_enumeration();
	check_status_codes();
	check_faults();
	check_known_answer();
	check_data_paths();
	check_atomics();
	pr_info("mktme_test: done failures=%d\n", failures);
	return 0;
}

static void __exit mktme_test_exit(void)
{
}

module_init(mktme_test_init);
module_exit(mktme_test_exit);
MODULE_DESCRIPTION("Tests of the emulated TME-MK machine (pmemcrypt)");
MODULE_LICENSE("GPL");

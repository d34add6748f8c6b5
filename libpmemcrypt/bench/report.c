// SPDX-License-Identifier: BSD-3-Clause
/* report.c -- bench_pool's figures, ratios and targets, printed at the end */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define MAX_LINES 128
#define LINE 160

enum kind { SECTION, FIGURE, RATIO, TARGET, NOTE };

struct line {
	enum kind kind;
	char text[LINE];
	char unit[16];
	double value, lo, hi, goal;
};

static struct line lines[MAX_LINES];
static int nlines;

static struct line *add(enum kind kind, const char *text)
{
	struct line *l;

	if (nlines == MAX_LINES) {
		fprintf(stderr, "bench_pool: report full\n");
		exit(1);
	}
	l = &lines[nlines++];
	l->kind = kind;
	snprintf(l->text, sizeof(l->text), "%s", text);
	return l;
}

void rep_section(const char *title)
{
	add(SECTION, title);
}

void rep_figure(const char *label, const char *unit, double med, double lo,
		double hi)
{
	struct line *l = add(FIGURE, label);

	snprintf(l->unit, sizeof(l->unit), "%s", unit);
	l->value = med;
	l->lo = lo;
	l->hi = hi;
}

void rep_ratio(const char *name, double value)
{
	add(RATIO, name)->value = value;
}

void rep_target(const char *what, double value, double goal)
{
	struct line *l = add(TARGET, what);

	l->value = value;
	l->goal = goal;
}

void rep_note(const char *fmt, ...)
{
	char text[LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	add(NOTE, text);
}

/*
 * "1234567 tx/s", "3.61 GB/s", "0.65 ms": the unit picks the precision;
 * the unit itself is printed when with_unit is set.
 */
static void value(char *buf, size_t n, double v, const char *unit,
		  int with_unit)
{
	snprintf(buf, n, strcmp(unit, "tx/s") ? "%.2f%s%s" : "%.0f%s%s", v,
		 with_unit ? " " : "", with_unit ? unit : "");
}

static void values(const struct line *l, char *v, char *lo, char *hi, size_t n)
{
	value(v, n, l->value, l->unit, 1);
	value(lo, n, l->lo, l->unit, 0);
	value(hi, n, l->hi, l->unit, 0);
}

static const char *verdict(const struct line *l)
{
	return l->value >= l->goal ? "HOLDS" : "MISSED";
}

void rep_print(FILE *out)
{
	char v[48], lo[48], hi[48];

	for (int i = 0; i < nlines; i++) {
		const struct line *l = &lines[i];

		if (l->kind == SECTION) {
			fprintf(out, "%s\n", l->text);
		} else if (l->kind == FIGURE) {
			values(l, v, lo, hi, sizeof(v));
			fprintf(out, "    %-46s %14s  (%s-%s)\n", l->text, v,
				lo, hi);
		}
	}
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == RATIO)
			fprintf(out, "ratio: %s = %.2f\n", lines[i].text,
				lines[i].value);
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == TARGET)
			fprintf(out, "target: %s >= %.2f: %s (%.2f)\n",
				lines[i].text, lines[i].goal,
				verdict(&lines[i]), lines[i].value);
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == NOTE)
			fprintf(out, "note: %s\n", lines[i].text);
}

void rep_markdown(FILE *out, const char *title)
{
	char v[48], lo[48], hi[48];

	fprintf(out, "# %s\n\n", title);
	for (int i = 0; i < nlines; i++) {
		const struct line *l = &lines[i];

		if (l->kind == SECTION) {
			fprintf(out,
				"\n**%s**\n\n| side | median | range |\n"
				"|---|---:|---:|\n",
				l->text);
		} else if (l->kind == FIGURE) {
			values(l, v, lo, hi, sizeof(v));
			fprintf(out, "| %s | %s | %s-%s |\n", l->text, v, lo,
				hi);
		}
	}
	fprintf(out, "\n| ratio | value |\n|---|---:|\n");
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == RATIO)
			fprintf(out, "| `%s` | %.2f |\n", lines[i].text,
				lines[i].value);
	fprintf(out, "\n| target | goal | measured | |\n|---|---:|---:|---|\n");
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == TARGET)
			fprintf(out, "| %s | >= %.2f | %.2f | %s |\n",
				lines[i].text, lines[i].goal, lines[i].value,
				verdict(&lines[i]));
	fprintf(out, "\n");
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == NOTE)
			fprintf(out, "- %s\n", lines[i].text);
}

void rep_raw(FILE *raw, const char *section, const char *side, int threads,
	     int round, double value, const char *unit)
{
	if (raw)
		fprintf(raw, "%s\t%s\t%d\t%d\t%.6g\t%s\n", section, side,
			threads, round, value, unit);
}

void rep_targets_dat(FILE *out)
{
	for (int i = 0; i < nlines; i++)
		if (lines[i].kind == TARGET)
			fprintf(out, "\"%s\" %.3f %.3f\n", lines[i].text,
				lines[i].value, lines[i].goal);
}

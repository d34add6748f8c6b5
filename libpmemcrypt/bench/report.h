/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.h -- what bench_pool found, kept until the end and then printed
 * as text (figures, 'ratio:' and 'target:' lines) and, into a results
 * folder, as a Markdown table and the raw figures
 */

#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

/* Starts a section: "(a) atomic 4 KiB writes, random units". */
void rep_section(const char *title);
/* A figure of the current section: a median, its unit, and its range. */
void rep_figure(const char *label, const char *unit, double med, double lo,
		double hi);
void rep_ratio(const char *name, double value);
/* A target: what it asks, the ratio that answers, the goal it needs. */
void rep_target(const char *what, double value, double goal);
/* A note on what limits a figure, printed under the targets. */
void rep_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void rep_print(FILE *out);
void rep_markdown(FILE *out, const char *title);
/* The targets for bench-pool.gp: label, measured, goal. */
void rep_targets_dat(FILE *out);
/* Every measurement: section, side, threads, round, value, unit. */
void rep_raw(FILE *raw, const char *section, const char *side, int threads,
	     int round, double value, const char *unit);

#endif

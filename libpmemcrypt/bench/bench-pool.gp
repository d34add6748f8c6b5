# SPDX-License-Identifier: BSD-3-Clause
# bench-pool.gp -- plot of bench_pool's targets (gnuplot).
#
# Run in a results folder: reads targets.dat (one row per target: label,
# measured ratio, goal), writes targets.png.

set terminal pngcairo size 1200,650 font ",10"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -35 scale 0 nomirror
set grid ytics
set key above horizontal
set yrange [0:*]
set ylabel "ratio"
set bmargin 12
set output "targets.png"
set title "bench\\_pool: each target's ratio against its goal " . \
	"(median of alternating rounds; higher is better)"
plot "targets.dat" using 2:xtic(1) title "measured", \
	"" using 3 title "goal"

# SPDX-License-Identifier: BSD-3-Clause
# bench-fio.gp -- plots of bench-fio-report.py's ratios (gnuplot).
#
# Run in a results folder: reads throughput.dat and latency.dat (one row
# per case: label, then the encryption=0, aes-256-xts and aes-128-xts
# ratios to fio's libpmem engine), writes throughput.png and latency.png.

set terminal pngcairo size 1400,650 font ",10"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -50 scale 0 nomirror
set grid ytics
set key above horizontal
set yrange [0:*]
set ylabel "ratio to fio's libpmem engine"
set bmargin 6

set output "throughput.png"
set title "Bandwidth, pmemcrypt engine / fio libpmem engine\n" . \
	"(median of rounds; higher is better; red dotted: 0.95, the " . \
	"encryption=0 target)"
set arrow 1 from graph 0, first 1 to graph 1, first 1 \
	nohead dt 2 lc "black"
set arrow 2 from graph 0, first 0.95 to graph 1, first 0.95 \
	nohead dt 3 lc "red"
plot "throughput.dat" using 2:xtic(1) title "encryption=0", \
	"" using 3 title "aes-256-xts", "" using 4 title "aes-128-xts"

set output "latency.png"
set title "Mean latency, pmemcrypt engine / fio libpmem engine\n" . \
	"(median of rounds; lower is better)"
unset arrow 2
plot "latency.dat" using 2:xtic(1) title "encryption=0", \
	"" using 3 title "aes-256-xts", "" using 4 title "aes-128-xts"

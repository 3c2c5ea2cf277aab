# gnuplot script for docs/hardware_wpc.{svg,png}; run by docs/hardware_plot.sh (from docs/).
set datafile separator "\t"
set xlabel "zero fraction of the layer"
set ylabel "words / cycle"
set xrange [0:1]
set yrange [0.75:1.02]
set grid
set key bottom right
set title "Published EBPC hardware (W=8, B=8), cycle-accurate model, outputs always ready"
# nonzero words cost (W+2)/B = 1.25 cycles, zero words 1 cycle, no overlap
segregated(z) = 1.0 / (z + (1.0 - z) * 1.25)
set terminal svg size 900,560 dynamic font "sans,12"
set output "hardware_wpc.svg"
plot \
  "hardware_relu_like.tsv" using 1:2 smooth unique with lines lw 2 lc rgb "#1f77b4" \
      title "encoder, synthetic ReLU-like (independent zeros)", \
  "hardware_relu_like.tsv" using 1:3 smooth unique with lines lw 2 dt 2 lc rgb "#1f77b4" \
      title "decoder, synthetic ReLU-like", \
  segregated(x) with lines lw 1 lc rgb "#7f7f7f" title "1/(z + 1.25(1-z)): zeros and non-zeros apart", \
  "hardware_layers.tsv" using 3:4 with points pt 7 ps 0.9 lc rgb "#d62728" \
      title "encoder, MobileNetV2 fixed8 layers (kite)", \
  "hardware_layers.tsv" using 3:5 with points pt 6 ps 1.1 lc rgb "#2ca02c" \
      title "decoder, MobileNetV2 fixed8 layers"

set terminal pngcairo size 900,560 font "sans,11"
set output "hardware_wpc.png"
replot

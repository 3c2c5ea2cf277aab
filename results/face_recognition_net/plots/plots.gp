set datafile separator '\t'
set termoption noenhanced
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_fixed8.png'
set title 'face_recognition_net activations, fixed8: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_activation_fixed8.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_activation_fixed8.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_activation_fixed8.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_activation_fixed8.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_activation_fixed8.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_activation_fixed8.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_fixed8.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_fixed12.png'
set title 'face_recognition_net activations, fixed12: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_activation_fixed12.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_activation_fixed12.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_activation_fixed12.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_activation_fixed12.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_activation_fixed12.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_activation_fixed12.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_fixed12.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_fixed16.png'
set title 'face_recognition_net activations, fixed16: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_activation_fixed16.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_activation_fixed16.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_activation_fixed16.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_activation_fixed16.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_activation_fixed16.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_activation_fixed16.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_fixed16.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_float16.png'
set title 'face_recognition_net activations, float16: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_activation_float16.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_activation_float16.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_activation_float16.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_activation_float16.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_activation_float16.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_activation_float16.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_float16.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_bfloat16.png'
set title 'face_recognition_net activations, bfloat16: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_activation_bfloat16.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_activation_bfloat16.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_activation_bfloat16.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_activation_bfloat16.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_activation_bfloat16.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_activation_bfloat16.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_bfloat16.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_float32.png'
set title 'face_recognition_net activations, float32: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_activation_float32.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_activation_float32.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_activation_float32.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_activation_float32.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_activation_float32.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_activation_float32.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_activation_float32.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1200,600 font 'DejaVu Sans,10' noenhanced
set output 'images_face_recognition_net_activation.png'
set title 'face_recognition_net activations: total ratio per image (8 images; box = quartiles, whiskers = min/max, bar = median)'
set ylabel 'compression ratio (per image, all layers)'
set grid ytics
set offsets 0, 0, 0.3, 0.1
set xrange [-0.6:5.6]
set xtics ('fixed8' 0, 'fixed12' 1, 'fixed16' 2, 'float16' 3, 'bfloat16' 4, 'float32' 5)
set key top left horizontal reverse Left
set boxwidth 0.1133 absolute
set style fill solid 0.35 border
plot 'images_face_recognition_net_activation.tsv' index 0 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#c0392b' title 'ebpc', '' index 0 using 1:4:4:4:4 with candlesticks lc rgb '#c0392b' lw 3 notitle, 'images_face_recognition_net_activation.tsv' index 1 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#2e86c1' title 'zvc', '' index 1 using 1:4:4:4:4 with candlesticks lc rgb '#2e86c1' lw 3 notitle, 'images_face_recognition_net_activation.tsv' index 2 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#85c1e9' title 'zrle', '' index 2 using 1:4:4:4:4 with candlesticks lc rgb '#85c1e9' lw 3 notitle, 'images_face_recognition_net_activation.tsv' index 3 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#1e8449' title 'bpc', '' index 3 using 1:4:4:4:4 with candlesticks lc rgb '#1e8449' lw 3 notitle, 'images_face_recognition_net_activation.tsv' index 4 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#7d3c98' title 'zstd', '' index 4 using 1:4:4:4:4 with candlesticks lc rgb '#7d3c98' lw 3 notitle, 'images_face_recognition_net_activation.tsv' index 5 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#b7950b' title 'lz4', '' index 5 using 1:4:4:4:4 with candlesticks lc rgb '#b7950b' lw 3 notitle
set terminal svg size 1200,600 dynamic font 'DejaVu Sans,10' noenhanced
set output 'images_face_recognition_net_activation.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,600 font 'DejaVu Sans,10' noenhanced
set output 'sparsity_face_recognition_net_activation.png'
set title 'face_recognition_net activations: zero words per layer (all images)'
set ylabel 'zero values (%)'
set yrange [0:100]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set bmargin 11
set key outside right top vertical reverse Left
set xrange [-0.5:28.5]
set key autotitle columnhead
plot for [i=2:7] 'sparsity_face_recognition_net_activation.tsv' using 0:i:xtic(1) with linespoints pt 7 ps 0.6 lw 1.5
set terminal svg size 1500,600 dynamic font 'DejaVu Sans,10' noenhanced
set output 'sparsity_face_recognition_net_activation.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_fixed8.png'
set title 'face_recognition_net gradients, fixed8: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_gradient_fixed8.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_gradient_fixed8.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_gradient_fixed8.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_gradient_fixed8.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_gradient_fixed8.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_gradient_fixed8.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_fixed8.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_fixed12.png'
set title 'face_recognition_net gradients, fixed12: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_gradient_fixed12.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_gradient_fixed12.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_gradient_fixed12.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_gradient_fixed12.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_gradient_fixed12.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_gradient_fixed12.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_fixed12.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_fixed16.png'
set title 'face_recognition_net gradients, fixed16: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_gradient_fixed16.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_gradient_fixed16.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_gradient_fixed16.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_gradient_fixed16.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_gradient_fixed16.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_gradient_fixed16.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_fixed16.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_float16.png'
set title 'face_recognition_net gradients, float16: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_gradient_float16.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_gradient_float16.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_gradient_float16.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_gradient_float16.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_gradient_float16.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_gradient_float16.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_float16.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_bfloat16.png'
set title 'face_recognition_net gradients, bfloat16: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_gradient_bfloat16.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_gradient_bfloat16.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_gradient_bfloat16.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_gradient_bfloat16.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_gradient_bfloat16.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_gradient_bfloat16.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_bfloat16.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_float32.png'
set title 'face_recognition_net gradients, float32: compression ratio per layer (summed over 8 images)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel 'compression ratio'
set yrange [0:*]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set key outside top center horizontal reverse Left
set bmargin 11
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot 'layers_face_recognition_net_gradient_float32.tsv' using 2:xtic(1) title 'ebpc' lc rgb '#c0392b', 'layers_face_recognition_net_gradient_float32.tsv' using 3 title 'zvc' lc rgb '#2e86c1', 'layers_face_recognition_net_gradient_float32.tsv' using 4 title 'zrle' lc rgb '#85c1e9', 'layers_face_recognition_net_gradient_float32.tsv' using 5 title 'bpc' lc rgb '#1e8449', 'layers_face_recognition_net_gradient_float32.tsv' using 6 title 'zstd' lc rgb '#7d3c98', 'layers_face_recognition_net_gradient_float32.tsv' using 7 title 'lz4' lc rgb '#b7950b'
set terminal svg size 1500,650 dynamic font 'DejaVu Sans,10' noenhanced
set output 'layers_face_recognition_net_gradient_float32.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1200,600 font 'DejaVu Sans,10' noenhanced
set output 'images_face_recognition_net_gradient.png'
set title 'face_recognition_net gradients: total ratio per image (8 images; box = quartiles, whiskers = min/max, bar = median)'
set ylabel 'compression ratio (per image, all layers)'
set grid ytics
set offsets 0, 0, 0.3, 0.1
set xrange [-0.6:5.6]
set xtics ('fixed8' 0, 'fixed12' 1, 'fixed16' 2, 'float16' 3, 'bfloat16' 4, 'float32' 5)
set key top left horizontal reverse Left
set boxwidth 0.1133 absolute
set style fill solid 0.35 border
plot 'images_face_recognition_net_gradient.tsv' index 0 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#c0392b' title 'ebpc', '' index 0 using 1:4:4:4:4 with candlesticks lc rgb '#c0392b' lw 3 notitle, 'images_face_recognition_net_gradient.tsv' index 1 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#2e86c1' title 'zvc', '' index 1 using 1:4:4:4:4 with candlesticks lc rgb '#2e86c1' lw 3 notitle, 'images_face_recognition_net_gradient.tsv' index 2 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#85c1e9' title 'zrle', '' index 2 using 1:4:4:4:4 with candlesticks lc rgb '#85c1e9' lw 3 notitle, 'images_face_recognition_net_gradient.tsv' index 3 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#1e8449' title 'bpc', '' index 3 using 1:4:4:4:4 with candlesticks lc rgb '#1e8449' lw 3 notitle, 'images_face_recognition_net_gradient.tsv' index 4 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#7d3c98' title 'zstd', '' index 4 using 1:4:4:4:4 with candlesticks lc rgb '#7d3c98' lw 3 notitle, 'images_face_recognition_net_gradient.tsv' index 5 using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '#b7950b' title 'lz4', '' index 5 using 1:4:4:4:4 with candlesticks lc rgb '#b7950b' lw 3 notitle
set terminal svg size 1200,600 dynamic font 'DejaVu Sans,10' noenhanced
set output 'images_face_recognition_net_gradient.svg'
replot
unset output
reset
set datafile separator '\t'
set terminal pngcairo size 1500,600 font 'DejaVu Sans,10' noenhanced
set output 'sparsity_face_recognition_net_gradient.png'
set title 'face_recognition_net gradients: zero words per layer (all images)'
set ylabel 'zero values (%)'
set yrange [0:100]
set grid ytics
set xtics rotate by -55 left font ',8' nomirror
set bmargin 11
set key outside right top vertical reverse Left
set xrange [-0.5:28.5]
set key autotitle columnhead
plot for [i=2:7] 'sparsity_face_recognition_net_gradient.tsv' using 0:i:xtic(1) with linespoints pt 7 ps 0.6 lw 1.5
set terminal svg size 1500,600 dynamic font 'DejaVu Sans,10' noenhanced
set output 'sparsity_face_recognition_net_gradient.svg'
replot
unset output

#!/bin/sh
# Words/cycle of the published EBPC hardware versus the zero fraction, measured with the
# cycle-accurate model (ebpc hw sim) on the real fixed8 MobileNetV2 layers and on the
# synthetic ReLU-like data of docs/hardware.md "The table: RTL versus model". Writes
# docs/hardware_layers.tsv, docs/hardware_relu_like.tsv, docs/hardware_wpc.svg and
# docs/hardware_wpc.png.
#
# usage: docs/hardware_plot.sh [path/to/ebpc] [feature-map directory]
# needs: jq, gnuplot (Debian packages)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
ebpc=${1:-$root/build/dev/tools/ebpc/ebpc}
fmaps=${2:-$root/data/fmaps-sample/mobilenet_v2-kite}
docs=$root/docs

# one line per layer: name, words, zero fraction, encoder w/c, decoder w/c
"$ebpc" hw sim --json "$fmaps"/*.fixed8.npy |
  jq -r '.files[] | [(.name | split("/") | last | sub("\\.fixed8\\.npy$"; "")), .words,
                     (1 - .nonzero_words / .words), .encoder.words_per_cycle, .decoder.words_per_cycle] | @tsv' \
  > "$docs/hardware_layers.tsv"

# synthetic ReLU-like data (independent zeros), 32768 words, seeds 1..4: one line per run
: > "$docs/hardware_relu_like.tsv"
for z in 0 0.05 0.1 0.15 0.2 0.25 0.3 0.35 0.4 0.45 0.5 0.55 0.6 0.65 0.7 0.75 0.8 0.85 0.9 0.95 1; do
  for seed in 1 2 3 4; do
    "$ebpc" hw sim --json --relu-like "$z" --seed "$seed" |
      jq -r --arg z "$z" '.files[0] | [$z, .encoder.words_per_cycle, .decoder.words_per_cycle] | @tsv' \
      >> "$docs/hardware_relu_like.tsv"
  done
done

cd "$docs"
gnuplot hardware_plot.gp

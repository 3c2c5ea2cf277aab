#!/usr/bin/env bash
# End-to-end tests of every ebpc subcommand, as a user runs them.
# usage: test_cli.sh EBPC MAKE_NPY GOLDEN_JSON SAMPLE_DIR
set -u
EBPC=$1
MAKE_NPY=$2
GOLDEN=$3
SAMPLE=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$what"; fi; }
# expect_error WHAT OUTFILE CMD...: non-zero exit, one-line 'ebpc: ...' message, no output file.
expect_error() {
  local what=$1 out=$2; shift 2
  "$@" >stdout.txt 2>stderr.txt; local rc=$?
  if [ $rc -eq 0 ]; then bad "$what: exit 0"; return; fi
  if [ "$(wc -l < stderr.txt)" -ne 1 ] || ! grep -q '^ebpc: ' stderr.txt; then bad "$what: message: $(cat stderr.txt)"; return; fi
  if [ -n "$out" ] && ls "$out"* >/dev/null 2>&1; then bad "$what: left output $(ls "$out"*)"; return; fi
  if ls ./.ebpc-tmp* ./*.tmp* >/dev/null 2>&1; then bad "$what: left a temporary file"; return; fi
  ok
}

check "--version" "$EBPC" --version
check "-h" "$EBPC" -h
"$EBPC" --version | grep -q '^ebpc [0-9]' && ok || bad "version text"

# Round trips: every dtype, every codec, shapes incl. Fortran order, 0-d and empty arrays.
for dtype in int8 uint8 int16 uint16 float16 int32 uint32 float32; do
  "$MAKE_NPY" in.npy $dtype 3,17,19 7 40 || bad "make_npy $dtype"
  for codec in ebpc zvc zrle bpc zstd zstd-19 lz4 deflate ebpcx; do
    rm -f in.npy.ebpc back.npy
    if "$EBPC" compress in.npy --codec $codec --chunk-words 100 && "$EBPC" decompress in.npy.ebpc -o back.npy && cmp -s in.npy back.npy; then
      ok
    else
      bad "round trip $dtype $codec"
    fi
  done
done
"$MAKE_NPY" f.npy int16 5,7 3 30 fortran
check "fortran order" bash -c "'$EBPC' compress f.npy -o f.ebpc && '$EBPC' decompress f.ebpc -o f2.npy && cmp f.npy f2.npy"
"$MAKE_NPY" empty.npy int8 0,4 1 0
check "empty array" bash -c "'$EBPC' compress empty.npy -o e.ebpc && '$EBPC' decompress e.ebpc -o e2.npy && cmp empty.npy e2.npy"
"$MAKE_NPY" scalar.npy float32 "" 1 0 2>/dev/null || "$MAKE_NPY" scalar.npy float32 1 1 0
check "single value" bash -c "'$EBPC' compress scalar.npy -o s.ebpc && '$EBPC' decompress s.ebpc -o s2.npy && cmp scalar.npy s2.npy"

# fixed12 in int16 with --width 12; a value that does not fit is an error, not a wrap.
"$MAKE_NPY" w12.npy int16 --values 0,2047,-2048,5,0,0,-1
check "width 12" bash -c "'$EBPC' compress w12.npy --width 12 -o w12.ebpc && '$EBPC' decompress w12.ebpc -o w12b.npy && cmp w12.npy w12b.npy"
"$EBPC" info w12.ebpc | grep -q "W=12" && ok || bad "info shows W=12"
"$MAKE_NPY" w12bad.npy int16 --values 0,2048,1
expect_error "width 12 overflow" w12bad.ebpc "$EBPC" compress w12bad.npy --width 12 -o w12bad.ebpc
grep -q "index 1 does not fit in 12 bits" stderr.txt && ok || bad "overflow message names index: $(cat stderr.txt)"
expect_error "measure width overflow" "" "$EBPC" measure w12bad.npy --width 12
expect_error "float width" x.ebpc "$EBPC" compress in.npy --width 12 -o x.ebpc

# Overwrite protection, -f, stdin/stdout.
"$MAKE_NPY" a.npy int8 1000 5 50
"$EBPC" compress a.npy -o a.ebpc
cp a.ebpc a.keep
"$EBPC" compress a.npy -o a.ebpc 2>err.txt && bad "overwrote without -f" || { grep -q "already exists" err.txt && ok || bad "overwrite message"; }
cmp -s a.ebpc a.keep && ok || bad "refused overwrite changed the file"
check "-f overwrites" "$EBPC" compress a.npy -o a.ebpc -f --codec zvc
"$EBPC" info a.ebpc | grep -q "codec:       zvc" && ok || bad "-f wrote the new file"
check "pipe" bash -c "cat a.npy | '$EBPC' compress - -o - | '$EBPC' decompress - -o - > a2.npy && cmp a.npy a2.npy"
check "default names" bash -c "cp a.npy d.npy && '$EBPC' compress d.npy && mv d.npy d.orig && '$EBPC' decompress d.npy.ebpc && cmp d.npy d.orig"

# Threads: the same bytes for any thread count; decoding with any count round-trips.
"$MAKE_NPY" big.npy int16 64,100,31 11 45
check "threads 1" "$EBPC" compress big.npy -o t1.ebpc --threads 1 --chunk-words 1000
check "threads 3" "$EBPC" compress big.npy -o t3.ebpc --threads 3 --chunk-words 1000
cmp -s t1.ebpc t3.ebpc && ok || bad "output differs between 1 and 3 threads"
check "decompress threads" bash -c "'$EBPC' decompress t3.ebpc -o t3.npy --threads 2 && cmp big.npy t3.npy"

# Raw input with --dtype and --shape.
head -c 600 /dev/urandom > raw.bin
check "raw" bash -c "'$EBPC' compress raw.bin --dtype uint16 --shape 20,15 -o raw.ebpc && '$EBPC' decompress raw.ebpc -o raw.npy"
[ "$(tail -c 600 raw.npy | cmp - raw.bin && echo same)" = same ] && ok || bad "raw data preserved"
expect_error "raw size mismatch" raw2.ebpc "$EBPC" compress raw.bin --dtype uint16 --shape 20,16 -o raw2.ebpc
expect_error "raw trailing data" raw3.ebpc "$EBPC" compress raw.bin --dtype uint16 --shape 20,14 -o raw3.ebpc
expect_error "raw without shape" raw4.ebpc "$EBPC" compress raw.bin --dtype uint16 -o raw4.ebpc

# Bad input to decompress: truncated, corrupted, not a container, trailing garbage.
"$EBPC" compress a.npy -o t.ebpc -f
size=$(stat -c %s t.ebpc)
for cut in 0 3 20 40 $((size / 2)) $((size - 1)); do
  head -c $cut t.ebpc > cut.ebpc
  expect_error "truncated at $cut" cut.npy "$EBPC" decompress cut.ebpc -o cut.npy
done
cp t.ebpc flip.ebpc
printf '\xff' | dd of=flip.ebpc bs=1 seek=$((size - 10)) conv=notrunc 2>/dev/null
expect_error "corrupted chunk" flip.npy "$EBPC" decompress flip.ebpc -o flip.npy
cp t.ebpc trail.ebpc; printf 'x' >> trail.ebpc
expect_error "trailing garbage" trail.npy "$EBPC" decompress trail.ebpc -o trail.npy
expect_error "not a container" nc.npy "$EBPC" decompress a.npy -o nc.npy
grep -q "not an .ebpc file" stderr.txt && ok || bad "not-a-container message: $(cat stderr.txt)"
expect_error "missing input" mi.npy "$EBPC" decompress nothere.ebpc -o mi.npy
expect_error "not an npy" x.ebpc "$EBPC" compress t.ebpc -o x.ebpc
expect_error "directory" x.ebpc "$EBPC" compress . -o x.ebpc
expect_error "unknown codec" x.ebpc "$EBPC" compress a.npy --codec gzip -o x.ebpc
expect_error "bad block" x.ebpc "$EBPC" compress a.npy --block 6 -o x.ebpc
expect_error "no such output dir" "" "$EBPC" compress a.npy -o nodir/x.ebpc
check "info --verify" bash -c "'$EBPC' info --verify t.ebpc | grep -q 'verified'"
expect_error "info on corrupted" "" "$EBPC" info --verify flip.ebpc

# measure: the golden vectors' exact stream lengths; the JSON interface.
ngold=$(grep -c '"name"' "$GOLDEN")
i=0
while [ $i -lt "$ngold" ]; do
  # Extract vector i's values, width and stream lengths with the CLI-independent parser below.
  read -r w values znz bpc hexz hexb < <(awk -v want=$i '
    /"name"/ { idx++ }
    idx == want + 1 && /"word_width"/ { gsub(/[^0-9]/, ""); w = $0 }
    idx == want + 1 && /"values": \[/ { invals = 1; next }
    invals && /\]/ { invals = 0 }
    invals { v = $0; gsub(/[ ,]/, "", v); vals = vals (vals == "" ? "" : ",") v }
    idx == want + 1 && /"znz_num_bits"/ { gsub(/[^0-9]/, ""); z = $0 }
    idx == want + 1 && /"bpc_num_bits"/ { gsub(/[^0-9]/, ""); b = $0 }
    idx == want + 1 && /"znz_words_hex": \[\]/ { next }
    idx == want + 1 && /"znz_words_hex": \[/ { inz = 1; next }
    inz && /\]/ { inz = 0 }
    inz { h = $0; gsub(/[ ,"]/, "", h); hz = hz h }
    idx == want + 1 && /"bpc_words_hex": \[\]/ { next }
    idx == want + 1 && /"bpc_words_hex": \[/ { inb = 1; next }
    inb && /\]/ { inb = 0 }
    inb { h = $0; gsub(/[ ,"]/, "", h); hb = hb h }
    END { print w, vals, z, b, (hz == "" ? "-" : hz), (hb == "" ? "-" : hb) }' "$GOLDEN")
  dtype=int8; [ "$w" -eq 16 ] && dtype=int16
  "$MAKE_NPY" g$i.npy $dtype --values "$values"
  "$EBPC" measure g$i.npy --codecs ebpc --json > g$i.json
  grep -q "\"znz_bits\": $znz\b" g$i.json && grep -q "\"bpc_bits\": $bpc\b" g$i.json && ok || bad "measure golden $i: want znz $znz bpc $bpc"
  "$EBPC" hw encode --width "$w" g$i.npy --znz g$i.znz --bpc g$i.bpc 2>/dev/null
  [ "$(od -An -tx1 -v g$i.znz | tr -d ' \n')" = "$([ "$hexz" = - ] || echo "$hexz")" ] && ok || bad "hw encode znz golden $i"
  [ "$(od -An -tx1 -v g$i.bpc | tr -d ' \n')" = "$([ "$hexb" = - ] || echo "$hexb")" ] && ok || bad "hw encode bpc golden $i"
  n=$(echo "$values" | tr ',' '\n' | wc -l)
  "$EBPC" hw decode --width "$w" --count "$n" --dtype $dtype --znz g$i.znz --bpc g$i.bpc -o g$i.back.npy && cmp -s g$i.npy g$i.back.npy && ok || bad "hw decode golden $i"
  i=$((i + 1))
done
# The hardware carries 1..2^24 words per transmission: no words and 2^24 + 1 are refused,
# and no stream file is written.
for big in 0 16777217; do
  if [ "$big" -eq 0 ]; then f=empty.npy; else "$MAKE_NPY" big.npy uint8 $big 1 100; f=big.npy; fi
  "$EBPC" hw encode --width 8 $f --znz h.znz --bpc h.bpc 2>err.txt && bad "hw encode of $big words" || {
    grep -q "1..2^24 words" err.txt && [ ! -e h.znz ] && [ ! -e h.bpc ] && ok || bad "hw encode $big words: $(cat err.txt)"; }
done
rm -f big.npy
[ "$ngold" -ge 8 ] && ok || bad "golden vectors found: $ngold"
expect_error "hw decode truncated" hwbad.npy "$EBPC" hw decode --width 8 --count 256 --dtype int8 --znz g0.znz --bpc /dev/null -o hwbad.npy
head -c 7 g1.znz > odd.znz
expect_error "hw decode odd word bytes" hwodd.npy "$EBPC" hw decode --width 16 --count 512 --dtype int16 --znz odd.znz --bpc g1.bpc -o hwodd.npy

# measure on the shipped real sample: JSON totals present and consistent.
"$EBPC" measure "$SAMPLE"/*.npy --json > sample.json && ok || bad "measure sample"
grep -q '"schema": "ebpc-measure-1"' sample.json && ok || bad "measure schema"
"$EBPC" measure "$SAMPLE"/Conv1_relu.fixed8.npy > sample.txt && grep -q "TOTAL" sample.txt && ok || bad "measure text"

# The streaming pipeline (reader thread, coding threads, ordered writer) with many small
# chunks, so that many chunks are in flight: identical bytes and the same first error for
# any thread count, stops cleanly on an error in the middle, never hangs on a stalled pipe.
"$MAKE_NPY" pipe.npy int8 200,1000 13 40
for t in 1 2 3 8; do
  rm -f p$t.ebpc
  check "pipeline compress threads $t" "$EBPC" compress pipe.npy -o p$t.ebpc --threads $t --chunk-words 997
  [ $t -eq 1 ] || { cmp -s p1.ebpc p$t.ebpc && ok || bad "pipeline output differs between 1 and $t threads"; }
  check "pipeline decompress threads $t" bash -c "'$EBPC' decompress p1.ebpc -o pd$t.npy --threads $t && cmp pipe.npy pd$t.npy"
done
check "pipeline through pipes" bash -c "cat pipe.npy | '$EBPC' compress - -o - --threads 3 --chunk-words 500 | '$EBPC' decompress - -o - --threads 3 > pp.npy && cmp pipe.npy pp.npy"
psize=$(stat -c %s p1.ebpc)
# Offset of chunk 100 (of 201) in p1.ebpc: a 52-byte header (2-d shape), then chunks of a
# 16-byte header (payload bytes first) and the payload.
off=52
for _ in $(seq 100); do off=$(( off + 16 + $(od -An -tu4 -j$off -N4 p1.ebpc) )); done
c100=$(( $(od -An -tu4 -j$off -N4 p1.ebpc) ))
cp p1.ebpc pflip.ebpc
printf '\x5a\xa5' | dd of=pflip.ebpc bs=1 seek=$((off + 16 + c100 / 2)) conv=notrunc 2>/dev/null
expect_error "corrupt chunk in the middle, 1 thread" pflip.npy "$EBPC" decompress pflip.ebpc -o pflip.npy --threads 1
grep -q "chunk 100: " stderr.txt && ok || bad "corrupt chunk message names the chunk: $(cat stderr.txt)"
cp stderr.txt pflip1.txt
for t in 2 3 8; do
  expect_error "corrupt chunk in the middle, $t threads" pflip.npy "$EBPC" decompress pflip.ebpc -o pflip.npy --threads $t
  cmp -s stderr.txt pflip1.txt && ok || bad "corrupt chunk message with $t threads: $(cat stderr.txt) vs $(cat pflip1.txt)"
done
expect_error "info --verify corrupt chunk in the middle" "" "$EBPC" info --verify pflip.ebpc
[ "$("$EBPC" info p1.ebpc | grep '^compressed:')" = "$("$EBPC" info --verify p1.ebpc | grep '^compressed:')" ] \
  && "$EBPC" info p1.ebpc | grep -q "^compressed:  $psize bytes" && ok || bad "info sizes with and without --verify"
head -c $((psize / 2)) p1.ebpc > pcut.ebpc
expect_error "truncated in the middle, 3 threads" pcut.npy "$EBPC" decompress pcut.ebpc -o pcut.npy --threads 3
grep -q "truncated" stderr.txt && ok || bad "truncated message: $(cat stderr.txt)"
head -c 123457 pipe.npy > pcut2.npy
expect_error "truncated .npy, 3 threads" pcut2.ebpc "$EBPC" compress pcut2.npy -o pcut2.ebpc --threads 3 --chunk-words 1000
grep -q "truncated input" stderr.txt && ok || bad "truncated .npy message: $(cat stderr.txt)"
expect_error "width overflow in a later chunk, 1 thread" pw.ebpc "$EBPC" compress pipe.npy --width 7 -o pw.ebpc --threads 1 --chunk-words 100
cp stderr.txt pw1.txt
grep -q "flat index [0-9]* does not fit in 7 bits" pw1.txt && ok || bad "width overflow message: $(cat pw1.txt)"
expect_error "width overflow in a later chunk, 3 threads" pw.ebpc "$EBPC" compress pipe.npy --width 7 -o pw.ebpc --threads 3 --chunk-words 100
cmp -s stderr.txt pw1.txt && ok || bad "width overflow message with 3 threads: $(cat stderr.txt)"
# Container version 2: two chunks of equal length swapped (checksums untouched) are an
# error, not data in the wrong place; info --verify says how chunks are bound.
"$MAKE_NPY" zeros.npy int8 4,1000 1 100
"$EBPC" compress zeros.npy -o zeros.ebpc --chunk-words 1000 2>/dev/null
zc=$(( 16 + $(od -An -tu4 -j52 -N4 zeros.ebpc) ))
{ head -c 52 zeros.ebpc; tail -c +$((53 + zc)) zeros.ebpc | head -c $zc; tail -c +53 zeros.ebpc | head -c $zc; tail -c +$((53 + 2 * zc)) zeros.ebpc; } > swapped.ebpc
[ "$(stat -c %s swapped.ebpc)" = "$(stat -c %s zeros.ebpc)" ] && ! cmp -s swapped.ebpc zeros.ebpc && ok || bad "swapped file built"
expect_error "swapped chunks" swapped.npy "$EBPC" decompress swapped.ebpc -o swapped.npy
grep -q "chunk 0: checksum mismatch" stderr.txt && ok || bad "swapped chunks message: $(cat stderr.txt)"
expect_error "swapped chunks, info --verify" "" "$EBPC" info --verify swapped.ebpc
"$EBPC" info --verify zeros.ebpc | grep -q "version 3" && ok || bad "info shows version 3"
"$EBPC" info --verify zeros.ebpc | grep -q "trailer matches" && ok || bad "info --verify mentions the trailer"
# Container version 3: chunk 1 of another file with the same header (the same layer of
# another photo) put in place of chunk 1 is caught by the trailer.
"$MAKE_NPY" photo1.npy int8 4,1000 1 40
"$MAKE_NPY" photo2.npy int8 4,1000 2 40
"$EBPC" compress photo1.npy -o photo1.ebpc --chunk-words 1000 2>/dev/null
"$EBPC" compress photo2.npy -o photo2.ebpc --chunk-words 1000 2>/dev/null
chunk_at() {  # chunk_at FILE K: byte offset of chunk K (header of 52 bytes: 2 dimensions)
  local off=52 k=0
  while [ $k -lt "$2" ]; do off=$(( off + 16 + $(od -An -tu4 -j$off -N4 "$1") )); k=$((k + 1)); done
  echo $off
}
a1=$(chunk_at photo1.ebpc 1); a2=$(chunk_at photo1.ebpc 2); b1=$(chunk_at photo2.ebpc 1); b2=$(chunk_at photo2.ebpc 2)
{ head -c $a1 photo1.ebpc; tail -c +$((b1 + 1)) photo2.ebpc | head -c $((b2 - b1)); tail -c +$((a2 + 1)) photo1.ebpc; } > spliced.ebpc
cmp -s <(head -c 52 photo1.ebpc) <(head -c 52 photo2.ebpc) && ok || bad "the two photos' headers are the same"
expect_error "a chunk from another file" spliced.npy "$EBPC" decompress spliced.ebpc -o spliced.npy
grep -q "trailer mismatch" stderr.txt && ok || bad "spliced chunk message: $(cat stderr.txt)"
expect_error "a chunk from another file, info" "" "$EBPC" info spliced.ebpc
# Lanes: --lanes and ebpc-L in the codec spec; the same array back for every lane count.
"$MAKE_NPY" big.npy uint8 40000 3 50
for l in 1 3 8 32; do
  "$EBPC" compress big.npy -o big$l.ebpc --lanes $l -f 2>/dev/null && "$EBPC" decompress big$l.ebpc -o big$l.npy -f 2>/dev/null \
    && cmp -s big.npy big$l.npy && "$EBPC" info big$l.ebpc | grep -q "L=$l)" && ok || bad "lanes $l round trip"
done
"$EBPC" compress big.npy -o bigL4.ebpc --codec ebpc-L4 -f 2>/dev/null && "$EBPC" info bigL4.ebpc | grep -q "L=4)" && ok || bad "--codec ebpc-L4"
expect_error "--lanes 0" big0.ebpc "$EBPC" compress big.npy -o big0.ebpc --lanes 0
expect_error "--lanes 33" big0.ebpc "$EBPC" compress big.npy -o big0.ebpc --lanes 33
# Progress: on a terminal (script(1) gives stderr a pty), a line that is cleared
# at the end; none with -q, none when stderr is a file or a pipe.
if command -v script >/dev/null 2>&1; then
  script -qec "'$EBPC' compress big.npy -o bigp.ebpc -f" /dev/null > tty.txt
  grep -q "ebpc compress: .* MiB (.*%)" tty.txt && ok || bad "compress progress on a terminal: $(od -c tty.txt | head -3)"
  script -qec "'$EBPC' decompress bigp.ebpc -o bigp.npy -f" /dev/null > tty.txt
  grep -q "ebpc decompress: .* MiB (.*%)" tty.txt && cmp -s big.npy bigp.npy && ok || bad "decompress progress on a terminal"
  script -qec "'$EBPC' compress -q big.npy -o bigp.ebpc -f" /dev/null > tty.txt
  [ ! -s tty.txt ] && ok || bad "compress -q on a terminal: $(cat tty.txt)"
  script -qec "'$EBPC' decompress --quiet bigp.ebpc -o bigp.npy -f" /dev/null > tty.txt
  [ ! -s tty.txt ] && ok || bad "decompress --quiet on a terminal: $(cat tty.txt)"
fi
"$EBPC" compress big.npy -o bigp.ebpc -f 2> err.txt && [ ! -s err.txt ] && ok || bad "compress: stderr not a terminal, no progress"
# --- Reliability: outputs, stdout, signals, usage errors ---
# expect_rc1 WHAT CMD...: exit status exactly 1 and one line 'ebpc: ...' on stderr.
expect_rc1() {
  local what=$1; shift
  "$@" 2>stderr.txt; local rc=$?
  [ $rc -eq 1 ] && [ "$(wc -l < stderr.txt)" -eq 1 ] && grep -q '^ebpc: ' stderr.txt && ok || bad "$what: rc $rc, $(cat stderr.txt)"
}
if [ -w /dev/full ]; then
  expect_rc1 "measure --json to /dev/full" bash -c "'$EBPC' measure --json a.npy > /dev/full"
  expect_rc1 "measure of many files to /dev/full" bash -c "'$EBPC' measure '$SAMPLE'/*.npy > /dev/full"
  expect_rc1 "small measure to /dev/full" bash -c "'$EBPC' measure a.npy > /dev/full"
  expect_rc1 "info to /dev/full" bash -c "'$EBPC' info a.ebpc > /dev/full"
  expect_rc1 "--help to /dev/full" bash -c "'$EBPC' --help > /dev/full"
  expect_rc1 "hw sim to /dev/full" bash -c "'$EBPC' hw sim '$SAMPLE'/Conv1_relu.fixed8.npy '$SAMPLE'/out_relu.fixed8.npy > /dev/full"
fi
expect_rc1 "usage error" "$EBPC" compress
expect_rc1 "unknown option" "$EBPC" measure --frobnicate a.npy
# A manifest number out of double range: an error, not an abort.
mkdir -p badman
printf '{"format": "ebpc-dataset-1", "network": "n", "layout": "CHW", "images": [{"name": "i"}], "layers": [{"name": "l", "index": 1e400, "shape": [1]}], "files": []}' > badman/manifest.json
expect_rc1 "manifest with 1e400" "$EBPC" eval badman --out badman_out
# -f onto a device writes to it and keeps it a device; onto a FIFO writes through it.
if [ "$(id -u)" -eq 0 ] && mknod null.dev c 1 3 2>/dev/null; then
  "$EBPC" compress a.npy -f -o null.dev 2>/dev/null && [ -c null.dev ] && ok || bad "-f -o device replaced the device node"
fi
mkfifo out.fifo
cat out.fifo > fifo.ebpc & cat_pid=$!
"$EBPC" compress a.npy -f -o out.fifo --codec zvc 2>/dev/null; rc=$?
wait $cat_pid
"$EBPC" compress a.npy -o viafile.ebpc --codec zvc -f 2>/dev/null
[ $rc -eq 0 ] && [ -p out.fifo ] && cmp -s fifo.ebpc viafile.ebpc && ok || bad "-f -o FIFO: rc $rc"
# -f -o INPUT is refused and leaves the input as it was.
cp a.npy self.npy
expect_rc1 "-f -o INPUT" "$EBPC" compress self.npy -f -o self.npy
cmp -s self.npy a.npy && ok || bad "-f -o INPUT changed the input"
# -f onto a symbolic link writes its target and keeps the link.
"$EBPC" compress a.npy -o target.ebpc 2>/dev/null; ln -s target.ebpc link.ebpc
"$EBPC" compress a.npy --codec zrle -f -o link.ebpc 2>/dev/null && [ -L link.ebpc ] && "$EBPC" info target.ebpc | grep -q "codec:       zrle" \
  && ok || bad "-f -o symlink"
# The input's permission bits carry over; names up to NAME_MAX fit (the temporary name is short).
cp a.npy private.npy; chmod 600 private.npy
"$EBPC" compress private.npy -o private.ebpc 2>/dev/null && [ "$(stat -c %a private.ebpc)" = 600 ] && ok || bad "output mode: $(stat -c %a private.ebpc 2>&1)"
long=$(printf 'n%.0s' $(seq 250)).ebpc
"$EBPC" compress a.npy -o "$long" 2>/dev/null && [ -f "$long" ] && ok || bad "254-character output name"
# info without --verify sees trailing data too.
cat a.ebpc > trail2.ebpc; printf 'x' >> trail2.ebpc
expect_rc1 "info on trailing data" "$EBPC" info trail2.ebpc
# SIGTERM / SIGINT / SIGHUP during a compress from a stalled pipe remove the temporary file.
for sig in TERM INT HUP; do
  mkdir -p sig_$sig && mkfifo sig_$sig/in.fifo
  ( head -c 100000 pipe.npy; exec sleep 30 ) > sig_$sig/in.fifo &
  feeder=$!
  ( cd sig_$sig && exec "$EBPC" compress - -o out.ebpc --chunk-words 1000 < in.fifo ) 2>/dev/null &
  victim=$!
  for _ in $(seq 50); do ls -A sig_$sig | grep -q "ebpc-tmp" && break; sleep 0.1; done
  had_tmp=$(ls -A sig_$sig | grep -c "ebpc-tmp")
  kill -$sig $victim 2>/dev/null; wait $victim 2>/dev/null
  kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
  [ "$had_tmp" -eq 1 ] && ! ls -A sig_$sig | grep -q "ebpc-tmp" && ! [ -e sig_$sig/out.ebpc ] && ok || bad "SIG$sig: temp before $had_tmp, after: $(ls -A sig_$sig)"
done
# .npy.zst without a content size in the frame (a pipe into zstd), and in two frames.
if command -v zstd >/dev/null; then
  cat a.npy | zstd -q -c > nosize.npy.zst
  { head -c 100 a.npy | zstd -q -c; tail -c +101 a.npy | zstd -q -c; } > twoframes.npy.zst
  "$EBPC" measure a.npy --codecs ebpc | tail -1 > m_plain.txt
  "$EBPC" measure nosize.npy.zst --codecs ebpc | tail -1 > m_nosize.txt && cmp -s m_plain.txt m_nosize.txt && ok || bad ".npy.zst without content size"
  "$EBPC" measure twoframes.npy.zst --codecs ebpc | tail -1 > m_two.txt && cmp -s m_plain.txt m_two.txt && ok || bad ".npy.zst in two frames"
  head -c 40 nosize.npy.zst > cutzst.npy.zst
  expect_rc1 "truncated .npy.zst" "$EBPC" measure cutzst.npy.zst
fi
# The memory budget: a file whose chunks need more than --memory is a one-line error, not a
# large allocation; with enough budget it decodes (16 MiB chunks: about 48 MiB a slot).
head -c $((16 << 20)) /dev/zero | "$EBPC" compress - --dtype int32 --shape $((4 << 20)) --codec zstd --chunk-words $((4 << 20)) -o bigchunk.ebpc 2>/dev/null
expect_rc1 "decompress above the memory budget" "$EBPC" decompress bigchunk.ebpc -o bigchunk.npy --memory 32
grep -q "memory budget" stderr.txt && ok || bad "memory budget message: $(cat stderr.txt)"
"$EBPC" decompress bigchunk.ebpc -o bigchunk.npy --memory 64 2>/dev/null && [ "$(stat -c %s bigchunk.npy)" -gt $((16 << 20)) ] && ok || bad "decompress within the budget"
# hw sim has a cycle cap: a near-zero --out-ready is a prompt one-line error, not minutes.
start=$(date +%s)
expect_rc1 "hw sim past --max-cycles" timeout 60 "$EBPC" hw sim "$SAMPLE"/Conv1_relu.fixed8.npy --out-ready 1e-6 --max-cycles 2000000
[ $(( $(date +%s) - start )) -lt 30 ] && grep -q "max-cycles" stderr.txt && ok || bad "hw sim cycle cap: $(cat stderr.txt)"
# A corrupt chunk arriving on a pipe whose writer then stalls inside the next chunk header:
# exit 1 at once, not when the writer goes away (the reader thread blocked on the pipe is
# woken).
mkfifo stall.fifo
( head -c $((off + 16 + c100 + 8)) pflip.ebpc; exec sleep 60 ) > stall.fifo &
stall_pid=$!
start=$(date +%s)
timeout 30 "$EBPC" decompress - -o stall.npy --threads 3 < stall.fifo 2>stderr.txt; rc=$?
kill $stall_pid 2>/dev/null; wait $stall_pid 2>/dev/null
[ $rc -eq 1 ] && [ $(( $(date +%s) - start )) -lt 20 ] && ! ls stall.npy* >/dev/null 2>&1 && [ "$(sed 's/<stdin>/pflip.ebpc/' stderr.txt)" = "$(cat pflip1.txt)" ] \
  && ok || bad "corrupt chunk on a stalled pipe: rc $rc, $(cat stderr.txt)"

# bench --block: B reaches the EBPC codec (its ratio is measure's at that B, not B = 8's).
"$EBPC" bench "$SAMPLE"/Conv1_relu.fixed8.npy --repeat 1 --codecs ebpc --block 16 --json > bench16.json \
  && "$EBPC" bench "$SAMPLE"/Conv1_relu.fixed8.npy --repeat 1 --codecs ebpc --json > bench8.json \
  && "$EBPC" measure "$SAMPLE"/Conv1_relu.fixed8.npy --block 16 --json > measure16.json \
  && /usr/bin/python3 -c '
import json, sys
b16, b8, m16 = (json.load(open(f)) for f in ("bench16.json", "bench8.json", "measure16.json"))
r16, r8 = b16["codecs"][0]["ratio"], b8["codecs"][0]["ratio"]
m = [c for c in m16["files"][0]["codecs"] if c["codec"] == "ebpc"][0]["ratio"]
sys.exit(0 if b16["block_nwords"] == 16 and abs(r16 - m) < 1e-3 and abs(r16 - r8) > 0.01 else 1)' \
  && ok || bad "bench --block 16"
expect_error "bench --block 7" "" "$EBPC" bench "$SAMPLE"/Conv1_relu.fixed8.npy --repeat 1 --block 7

# ebpcx: a sample map through compress / decompress, and beside ebpc and zstd-1 in bench
# (every chunk round-trips there) with a ratio above both.
check "ebpcx sample round trip" bash -c "'$EBPC' compress '$SAMPLE'/block_2_depthwise_relu.fixed8.npy --codec ebpcx -o x8.ebpc \
  && '$EBPC' decompress x8.ebpc -o x8.npy && cmp '$SAMPLE'/block_2_depthwise_relu.fixed8.npy x8.npy"
"$EBPC" bench "$SAMPLE"/block_2_depthwise_relu.fixed8.npy --repeat 1 --codecs ebpc,zstd-1,ebpcx --json > benchx.json \
  && /usr/bin/python3 -c '
import json, sys
r = {c["codec"]: c["ratio"] for c in json.load(open("benchx.json"))["codecs"]}
sys.exit(0 if r["ebpcx"] > r["zstd-1"] > r["ebpc"] else 1)' && ok || bad "bench ebpcx"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

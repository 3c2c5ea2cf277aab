#!/usr/bin/env bash
# The decoder-only library defines no encoder, and a program linked with it alone pulls in
# no compressor of a byte codec; then that program decodes a file the CLI wrote.
# Usage: check_symbols.sh LIBEBPC_DECODER.a DECODE_ONLY_BINARY EBPC_CLI SAMPLE.npy
set -u
lib=$1 bin=$2 cli=$3 npy=$4
fail=0
enc='ebpc_encode|encode_streams|encode_block|encode_chunk|[^e]compress_container|ContainerWriter|zvc_encode|zrle_encode|bpc_encode|zstd_encode|lz4_encode|deflate_encode|ebpc_table_encode|codec_table'
defined=$(nm -C --defined-only "$lib" | grep -E " [TtWw] .*($enc)" || true)
if [ -n "$defined" ]; then echo "FAIL: encoder symbols defined in $lib:"; echo "$defined" | head; fail=1; fi
comp='ZSTD_compress|ZSTD_createCCtx|LZ4_compress|libdeflate_alloc_compressor|libdeflate_deflate_compress'
used=$(nm -C "$bin" | grep -E "($comp)|($enc)" || true)
if [ -n "$used" ]; then echo "FAIL: $bin references encoders:"; echo "$used" | head; fail=1; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for codec in ebpc zstd deflate lz4 zvc; do
  "$cli" compress "$npy" --codec $codec --chunk-words 5000 -o "$tmp/x.ebpc" -f || { echo "FAIL: compress $codec"; fail=1; continue; }
  "$bin" "$tmp/x.ebpc" "$npy" || { echo "FAIL: decode-only $codec"; fail=1; }
done
# A damaged file is an error, not other data.
printf '\x01' | dd of="$tmp/x.ebpc" bs=1 seek=100 conv=notrunc status=none
"$bin" "$tmp/x.ebpc" "$npy" 2>/dev/null && { echo "FAIL: damaged file decoded"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail

#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a find_package(ebpc) consumer.
set -eu
build_dir=$1
src_dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build_dir" --prefix "$prefix" > /dev/null
test -x "$prefix/bin/ebpc"
test -f "$prefix/include/ebpc/ebpc.hpp"
test -f "$prefix/include/ebpc/ebpc.h"
cmake -S "$src_dir" -B "$work" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$work" > /dev/null
"$work/consumer"
head -c $((64 * 56 * 56)) /dev/zero | "$work/stream_example"
"$work/stream_example_c"
"$work/stream_example_c_shared"
ldd "$work/stream_example_c_shared" > "$work/ldd.txt"
grep -q "$prefix/.*libebpc\.so\.[0-9]" "$work/ldd.txt"

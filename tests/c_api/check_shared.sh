#!/usr/bin/env bash
# libebpc.so exports exactly the functions ebpc.h declares with EBPC_API (no C++ symbol of
# the library, of its dependencies or of libstdc++), resolves all its symbols, and passes
# the C API tests linked against it (not against the static library).
# Usage: check_shared.sh LIBEBPC_SO TEST_C_API_SHARED EBPC_H
set -euo pipefail
so=$1
test_bin=$2
header=$3
fail=0
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TtWwDdBbRrVvi]$/ {print $3}' | sort)
declared=$(sed -n 's/^EBPC_API [^(]*[ *]\(ebpc_[a-z0-9_]*\)(.*/\1/p' "$header" | sort)
[ -n "$declared" ] || { echo "FAIL: no EBPC_API declaration found in $header"; exit 1; }
if [ "$exported" != "$declared" ]; then
  echo "FAIL: exported symbols differ from ebpc.h's EBPC_API functions:"
  diff <(echo "$declared") <(echo "$exported") || true
  fail=1
fi
# The test binary must take the C API from the shared library.
loads=$(ldd "$test_bin")
grep -q "libebpc\.so" <<<"$loads" || { echo "FAIL: $test_bin does not load libebpc.so"; fail=1; }
symbols=$(nm "$test_bin")
! grep -q ' T ebpc_encode$' <<<"$symbols" || { echo "FAIL: $test_bin has the C API linked in statically"; fail=1; }
"$test_bin" || fail=1
[ $fail = 0 ] && echo "libebpc.so exports the $(echo "$declared" | wc -l) C API functions and nothing else"
exit $fail

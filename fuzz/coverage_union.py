"""Unites the line coverage of several lcov files (fuzz/coverage.sh): a line is instrumented
when any file lists it, reached when any file counts it. Writes OUT/files.tsv and
OUT/uncovered.txt (file:line and the source line, for every line not reached) and
OUT/decode_side.tsv (the same without the
encoding side's functions, ENCODE_SIDE) and OUT/functions.tsv (each function never entered by any target, demangled: where the lines
not reached are whole functions, an encoder's or a file API's, say).

usage: coverage_union.py ROOT OUT a.lcov [b.lcov ...]
"""
import collections
import os
import re
import subprocess
import sys


# Functions of the encoding side in the files measured: the C API's encoders and writer,
# the arrays-to-words conversion for encoding, .npy writing, spec printing.
ENCODE_SIDE = re.compile(r"ebpc_encode\b|encode_streams|ebpc_measure|ebpc_compress|ebpc_writer_|ebpc_bound_nbytes|to_header|c_sink|"
                         r"to_c\(ebpc::CodedSize|write_npy|elements_to_word|to_words_impl|npy_to_words|codec_spec\(|"
                         r"dtype_from_name|make_npy_header|fd_sink|vector_sink")


def main():
    root, out, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    lines = collections.defaultdict(dict)  # file -> line -> reached
    funcs = collections.defaultdict(dict)  # file -> mangled name -> (first line, entered)
    for path in inputs:
        current = None
        with open(path) as f:
            for row in f:
                row = row.strip()
                if row.startswith("SF:"):
                    current = os.path.relpath(row[3:], root)
                elif row.startswith("FN:") and current is not None:
                    num, name = row[3:].split(",", 1)
                    old = funcs[current].get(name, (int(num), False))
                    funcs[current][name] = (int(num), old[1])
                elif row.startswith("FNDA:") and current is not None:
                    count, name = row[5:].split(",", 1)
                    first, entered = funcs[current].get(name, (0, False))
                    funcs[current][name] = (first, entered or int(count) > 0)
                elif row.startswith("DA:") and current is not None:
                    num, count = row[3:].split(",")[:2]
                    n = int(num)
                    lines[current][n] = lines[current].get(n, False) or int(count) > 0
    total = missed_total = 0
    with open(os.path.join(out, "files.tsv"), "w") as tsv, open(os.path.join(out, "uncovered.txt"), "w") as unc:
        tsv.write("file\tlines\tmissed\tpercent\n")
        for name in sorted(lines):
            table = lines[name]
            missed = sorted(n for n, hit in table.items() if not hit)
            total += len(table)
            missed_total += len(missed)
            tsv.write(f"{name}\t{len(table)}\t{len(missed)}\t{100.0 * (len(table) - len(missed)) / len(table):.1f}\n")
            if missed:
                with open(os.path.join(root, name)) as src:
                    text = src.read().splitlines()
                for n in missed:
                    unc.write(f"{name}:{n}: {text[n - 1].strip() if n <= len(text) else ''}\n")
        tsv.write(f"TOTAL\t{total}\t{missed_total}\t{100.0 * (total - missed_total) / max(total, 1):.1f}\n")
    # Function names, demangled (one c++filt run).
    mangled = sorted({m for name in funcs for m in funcs[name]})
    names = dict(zip(mangled, subprocess.run(["c++filt"], input="\n".join(mangled), capture_output=True,
                                             text=True).stdout.splitlines()))
    with open(os.path.join(out, "functions.tsv"), "w") as fh:
        fh.write("file\tline\tfunction never entered\n")
        for name in sorted(funcs):
            starts = {}
            for m, (first, entered) in funcs[name].items():
                starts[first] = starts.get(first, False) or entered
            for m, (first, entered) in sorted(funcs[name].items(), key=lambda kv: kv[1][0]):
                if not starts[first]:
                    fh.write(f"{name}\t{first}\t{names.get(m, m)}\n")
                    starts[first] = True  # once per source function (templates: one row)
    # The decoding side: every line but those of the functions that encode, write or convert
    # arrays for encoding (ENCODE_SIDE), which no decoder or parser target is meant to reach;
    # a line belongs to the last function that starts at or before it.
    decode_total = decode_missed = 0
    with open(os.path.join(out, "decode_side.tsv"), "w") as fh:
        fh.write("file\tlines\tmissed\tpercent\n")
        for name in sorted(lines):
            owners = sorted((first, names.get(m, m)) for m, (first, _) in funcs[name].items())
            kept = missed = 0
            for n, hit in lines[name].items():
                owner = ""
                for first, fname in owners:
                    if first <= n:
                        owner = fname
                    else:
                        break
                if ENCODE_SIDE.search(owner):
                    continue
                kept += 1
                missed += 0 if hit else 1
            if kept:
                fh.write(f"{name}\t{kept}\t{missed}\t{100.0 * (kept - missed) / kept:.1f}\n")
            decode_total += kept
            decode_missed += missed
        fh.write(f"TOTAL\t{decode_total}\t{decode_missed}\t{100.0 * (decode_total - decode_missed) / max(decode_total, 1):.1f}\n")
    print(open(os.path.join(out, "files.tsv")).read(), end="")
    print("decoding side (without the functions ENCODE_SIDE names):")
    print(open(os.path.join(out, "decode_side.tsv")).read(), end="")


if __name__ == "__main__":
    main()

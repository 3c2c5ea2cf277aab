"""Unites the line coverage of several lcov files (fuzz/coverage.sh): a line is instrumented
when any file lists it, reached when any file counts it. Writes OUT/files.tsv and
OUT/uncovered.txt (file:line and the source line, for every line not reached).

usage: coverage_union.py ROOT OUT a.lcov [b.lcov ...]
"""
import collections
import os
import sys


def main():
    root, out, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    lines = collections.defaultdict(dict)  # file -> line -> reached
    for path in inputs:
        current = None
        with open(path) as f:
            for row in f:
                row = row.strip()
                if row.startswith("SF:"):
                    current = os.path.relpath(row[3:], root)
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
    print(open(os.path.join(out, "files.tsv")).read(), end="")


if __name__ == "__main__":
    main()

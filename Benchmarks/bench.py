#!/usr/bin/env python3
"""Benchmark faultline against libyaml alone on generated topologies.

    python3 Benchmarks/bench.py [--sizes 1000,10000,50000] [--runs 5] [--out DIR]

Generates each size with ../shared/bench/gen-topology.py (seed 1), builds
../shared/bench/yamlscan.c and faultline (release, the Swift runtime linked in
as a shipped binary would have it), then runs, for each size,
`yamlscan events`, `yamlscan load` and `faultline lint --format json` in turn,
--runs rounds, and prints median wall time and peak memory (max RSS of the
child) side by side with the ratios the targets are stated in:
faultline time / libyaml event parse, peak memory / file size, and the growth
of time per megabyte from the smallest size to the largest.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")


GNU_TIME = "/usr/bin/time"


def run(argv):
    """Wall seconds and peak RSS (KiB) of one run; the exit status may be 0 or 1.

    Peak RSS comes from GNU time where it is installed: a child forked from
    Python counts the interpreter's pages in its peak before it execs, which
    would swamp small programs such as yamlscan."""
    report = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"faultline-bench-{os.getpid()}.time")
    wrapped = [GNU_TIME, "-f", "%M", "-o", report] + argv if os.path.exists(GNU_TIME) else argv
    start = time.perf_counter()
    process = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    peak = usage.ru_maxrss
    if wrapped is not argv:
        with open(report) as f:
            peak = int(f.read().split()[-1])
        os.remove(report)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(argv)} exited with {code}")
    return elapsed, peak


def measure(commands, runs):
    """Median wall time and peak memory of each command over `runs` rounds.

    The commands take turns within each round (libyaml, then faultline, then
    libyaml again...), so a busy spell on a shared machine slows all of them
    alike instead of only the one measured while it lasts: the ratios stay
    fair even when the absolute times move."""
    samples = [[] for _ in commands]
    for _ in range(runs):
        for index, argv in enumerate(commands):
            samples[index].append(run(argv))
    return [(statistics.median(s[0] for s in taken), max(s[1] for s in taken)) for taken in samples]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(ROOT, ".build-bench"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    yamlscan = os.path.join(args.out, "yamlscan")
    subprocess.run(["cc", "-O2", "-o", yamlscan, os.path.join(SHARED, "yamlscan.c"), "-lyaml"], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", os.path.join(ROOT, ".build-release")],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    faultline = os.path.join(ROOT, ".build-release", "release", "faultline")

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        topology = os.path.join(args.out, f"topology-{size}.yaml")
        if not os.path.exists(topology):
            subprocess.run([sys.executable, os.path.join(SHARED, "gen-topology.py"), "--services", str(size),
                            "--seed", "1", "--out", topology], check=True)
        megabytes = os.path.getsize(topology) / 1e6
        events, load, lint = measure([[yamlscan, "events", topology], [yamlscan, "load", topology],
                                      [faultline, "lint", "--format", "json", topology]], args.runs)
        rows.append((size, megabytes, events, load, lint))

    print(f"median of {args.runs} runs; memory is peak RSS")
    print("| services | file | libyaml events | libyaml load | faultline lint --format json | time / events | memory / file | s per MB |")
    print("|---|---|---|---|---|---|---|---|")
    for size, megabytes, events, load, lint in rows:
        print(f"| {size:,} | {megabytes:.2f} MB | {events[0] * 1000:.0f} ms / {events[1] / 1024:.0f} MiB "
              f"| {load[0] * 1000:.0f} ms / {load[1] / 1024:.0f} MiB | {lint[0] * 1000:.0f} ms / {lint[1] / 1024:.0f} MiB "
              f"| {lint[0] / events[0]:.2f} × | {lint[1] * 1024 / (megabytes * 1e6):.1f} × | {lint[0] / megabytes:.3f} |")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last[4][0] / last[1]) / (first[4][0] / first[1])
        print(f"\ntime per MB at {last[0]:,} services is {growth:.2f} × that at {first[0]:,}")


if __name__ == "__main__":
    main()

"""Run every benchmark and write bench/RESULTS.md.

    python bench/run_all.py [--sizes 1000 10000] [--limit 120] [--repeat 3]    # or: make bench

Extraction rate on one core (and instructions a policy, where valgrind is installed); build time, peak memory, second build and the store side alone
for each size; named-query latency on the largest store; the overlap query on Oxigraph and
rdflib side by side on the largest (``--rdflib-on-smallest`` for a quicker run: rdflib needs
several GiB and minutes to load 10,000 policies).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

import build_scale
import extract_instructions
import extract_rate
import query_latency
from measure import machine, speed

sys.path.insert(0, build_scale.ROOT)
from policykg.graph.store import Store  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ("targets (issue 4): extraction >= 200 policies/s on one core; 10,000 policies built in < 60 s, "
           "peak memory < 2 GB; second build < 10 % of the first; overlap at 10,000 < 0.5 s and >= 20x rdflib")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000])
    ap.add_argument("--limit", type=float, default=120, help="seconds per named query (three runs)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--repeat", type=int, default=3,
                    help="extraction runs and first builds of each size (the median is reported)")
    ap.add_argument("--rdflib-on-smallest", action="store_true", help="compare with rdflib on the smallest store")
    a = ap.parse_args()
    m0 = machine()
    started = time.strftime("%Y-%m-%d %H:%M")
    work = tempfile.mkdtemp(prefix="policykg-bench-stores-")
    lines = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)
    try:
        runs = []
        for _ in range(a.repeat):
            before = speed()
            runs.append((extract_rate.measure(200), before))
        ex = sorted(runs, key=lambda r: r[0]["extract_per_s"])[len(runs) // 2][0]
        rates = ", ".join(f"{r[0]['extract_per_s']:.1f}" for r in runs)
        speeds = ", ".join(f"{r[1]:.1f}" for r in runs)
        spread = f"median of {len(runs)}: {rates}, `measure.speed` before each {speeds} ms; " if len(runs) > 1 else ""
        say("## Extraction on one core\n")
        say(f"- {ex['extract_per_s']:.1f} policies/s reading and extracting ({spread}{ex['policies']} generated policies, "
            f"{ex['flows_per_policy']:.1f} flows each); N-Quads serialisation {ex['rdf_per_s']:.0f} policies/s "
            f"({ex['nquads_kib_per_policy']:.0f} KiB each)")
        if shutil.which("valgrind"):
            say(f"- {extract_instructions.measure(40):.2f} M instructions a policy (callgrind, 40 generated policies: "
                "unlike the rate, this does not move with the machine's speed)")
        builds = []
        say("\n## Build (`policykg build --quiet`, all cores)\n")
        for n in a.sizes:
            r = build_scale.measure(n, keep=os.path.join(work, f"store-{n}"), repeat=a.repeat)
            builds.append(r)
            say(f"- {build_scale.report(r)}")
        say("\n## Named queries on the largest store\n")
        big = builds[-1]
        say(f"{big['policies']:,} policies, {big['quads']:,} quads; each query run three times, all rows read:\n")
        say("```\n" + query_latency.report_queries(query_latency.named_queries(big["store"], a.limit)) + "\n```")
        small = builds[0] if a.rdflib_on_smallest else big
        say(f"\n## Overlap query: Oxigraph and rdflib on the same graph ({small['policies']:,} policies)\n")
        st = Store(small["store"], read_only=True)
        say("- " + query_latency.report_overlap(query_latency.overlap_vs_rdflib(st)))
        st.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m1 = machine()
    head = ["# Benchmarks", "",
            f"Written by `python bench/run_all.py` ({started}). Machine: {m0['cores']} cores ({m0['cpu']}), "
            f"{m0['memory_gib']:.0f} GiB; Python {m0['python']}, pyoxigraph {m0['pyoxigraph']}; commit {m0['commit']}. "
            f"Load average (1, 5, 15 min) at the start {', '.join(f'{x:.1f}' for x in m0['load'])}, at the end "
            f"{', '.join(f'{x:.1f}' for x in m1['load'])} (a load above about 1 means other work shared the cores). "
            f"A fixed pure-Python workload (`measure.speed`) took {m0['speed_ms']:.1f} ms at the start and "
            f"{m1['speed_ms']:.1f} ms at the end: compare runs made at different times by it.", "", TARGETS, ""]
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(head + lines) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()

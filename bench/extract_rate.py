"""Extraction speed on one core: policies per second over a generated corpus.

    python bench/extract_rate.py [N]      # default 200 policies

Prints the rate of reading + extracting (``extract_one``) and of turning the results into
N-Quads (``policy_graph``), both in this one process.
"""
from __future__ import annotations

import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from corpus import make_corpus  # noqa: E402
from policykg.build import extract_one, iter_policy_files, manifest_for, read_manifest  # noqa: E402
from policykg.graph.rdf import policy_graph  # noqa: E402


def measure(n: int = 200) -> dict:
    folder = make_corpus(n)
    try:
        man = read_manifest(os.path.join(folder, "manifest.csv"))
        files = list(iter_policy_files([folder]))
        extract_one(files[0], manifest_for(files[0], man))              # lexicon loaded before timing
        t = time.perf_counter()
        results = [extract_one(f, manifest_for(f, man)) for f in files]
        t_extract = time.perf_counter() - t
        t = time.perf_counter()
        graphs = [policy_graph(r) for r in results]
        t_rdf = time.perf_counter() - t
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"policies": n, "extract_per_s": n / t_extract, "rdf_per_s": n / t_rdf,
            "flows_per_policy": sum(len(r.flows) for r in results) / n,
            "nquads_kib_per_policy": sum(len(g.nquads) for g in graphs) / n / 1024}


if __name__ == "__main__":
    r = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(f"extraction on one core: {r['extract_per_s']:.1f} policies/s ({r['policies']} policies, "
          f"{r['flows_per_policy']:.1f} flows each); N-Quads: {r['rdf_per_s']:.0f} policies/s, "
          f"{r['nquads_kib_per_policy']:.0f} KiB each")

"""Extraction speed on one core: policies per second over a generated corpus.

    python bench/extract_rate.py [N] [--stages]      # default 200 policies

Prints the rate of reading + extracting (``extract_one``) and of turning the results into
N-Quads (``policy_graph``), both in this one process. ``--stages`` adds a second pass that
times each step of the pipeline (milliseconds per policy; the timers add a little).
"""
from __future__ import annotations

import importlib
import os
import shutil
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from corpus import make_corpus  # noqa: E402
from policykg.build import extract_one, iter_policy_files, manifest_for, read_manifest  # noqa: E402
from policykg.extract import pipeline  # noqa: E402
from policykg.graph.rdf import policy_graph  # noqa: E402

#: the steps timed by --stages: (module, function name), in pipeline order
_BUILD = importlib.import_module("policykg.build")   # (policykg.build is also a function)
STAGES = [(_BUILD, "read_path"), (pipeline, "detect_language"), (pipeline, "segment"),
          (pipeline, "find_controller"), (pipeline, "Annotated"), (pipeline, "Policy"),
          (pipeline, "find_mentions"), (pipeline, "Decider"), (pipeline, "build"),
          (pipeline, "add_table_flows"), (pipeline, "collected")]


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
    return {"policies": n, "extract_per_s": n / t_extract, "ms_per_policy": 1000 * t_extract / n,
            "rdf_per_s": n / t_rdf, "flows_per_policy": sum(len(r.flows) for r in results) / n,
            "nquads_kib_per_policy": sum(len(g.nquads) for g in graphs) / n / 1024}


def _timed(fn, name: str, spent: dict):
    def wrapper(*args, **kw):
        t = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            spent[name] += time.perf_counter() - t
    return wrapper


def stages(n: int = 200) -> dict[str, float]:
    """Milliseconds per policy spent in each step of ``extract_one`` (and the rest, under "other")."""
    folder = make_corpus(n)
    spent: dict[str, float] = defaultdict(float)
    saved = [(mod, name, getattr(mod, name)) for mod, name in STAGES]
    try:
        man = read_manifest(os.path.join(folder, "manifest.csv"))
        files = list(iter_policy_files([folder]))
        extract_one(files[0], manifest_for(files[0], man))
        for mod, name, fn in saved:
            setattr(mod, name, _timed(fn, name, spent))
        t = time.perf_counter()
        for f in files:
            extract_one(f, manifest_for(f, man))
        total = time.perf_counter() - t
    finally:
        for mod, name, fn in saved:
            setattr(mod, name, fn)
        shutil.rmtree(folder, ignore_errors=True)
    out = {name: 1000 * spent[name] / n for _mod, name in STAGES}
    out["other"] = 1000 * total / n - sum(out.values())
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    r = measure(int(args[0]) if args else 200)
    print(f"extraction on one core: {r['extract_per_s']:.1f} policies/s, {r['ms_per_policy']:.2f} ms per policy "
          f"({r['policies']} policies, {r['flows_per_policy']:.1f} flows each); N-Quads: {r['rdf_per_s']:.0f} "
          f"policies/s, {r['nquads_kib_per_policy']:.0f} KiB each")
    if "--stages" in sys.argv:
        print("ms per policy by step: " + ", ".join(f"{k} {v:.2f}" for k, v in stages(r["policies"]).items()))

"""Build time and peak memory: generated corpora built with the ``policykg build`` command.

    python bench/build_scale.py [N ...] [--jobs J] [--keep DIR] [--repeat K]   # default 1000 10000

For each N: the first build (wall time, peak resident memory of the build process and its
workers together; with ``--repeat K``, K first builds into a new store each, the median and the
range reported, with ``measure.speed`` just before each: the machines here vary by several per
cent from run to run, and more from hour to hour), the same build again (every policy
unchanged), and the store side alone: the same N policies, already serialised, loaded into an
empty store with the build's batches.
Where the mimalloc library is installed (Debian: libmimalloc2.0), the first build is also timed
with it preloaded (``LD_PRELOAD``), the setting the README suggests for large corpora.
"""
from __future__ import annotations

import argparse
import ctypes.util
import os
import re
import shutil
import sys
import tempfile
import time

from corpus import make_corpus
from measure import ROOT, run_measured, speed

sys.path.insert(0, ROOT)
from policykg.build import BATCH_BYTES, BATCH_POLICIES  # noqa: E402
from policykg.graph.rdf import ORG_GRAPH, PolicyGraph  # noqa: E402
from policykg.graph.store import HASH, Store  # noqa: E402

POLICYKG = os.path.join(os.path.dirname(sys.executable), "policykg")


def mimalloc() -> str | None:
    """The path of the installed mimalloc library, if any."""
    for path in ("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2", "/usr/lib/aarch64-linux-gnu/libmimalloc.so.2"):
        if os.path.exists(path):
            return path
    return ctypes.util.find_library("mimalloc")


def _build_cmd(corpus: str, store: str, jobs: int | None) -> list[str]:
    cmd = [POLICYKG, "build", corpus, "--manifest", os.path.join(corpus, "manifest.csv"), "--store", store, "--quiet"]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def store_only(store: str, work: str) -> dict:
    """Serialise every policy graph of ``store`` to a file, then time loading them all into an
    empty store in the build's batches (``add_graphs`` within ``loading()``; the organisations graph
    comes with the first batch): wall time and CPU time (the store's own threads included)."""
    import pyoxigraph as ox
    src = Store(store, read_only=True)
    spool = os.path.join(work, "graphs.nq")
    index = []
    with open(spool, "wb") as fh:
        for q in src.ox.quads_for_pattern(None, HASH, None, None):
            g = q.graph_name
            body = ox.serialize((x for x in src.ox.quads_for_pattern(None, None, None, g)
                                 if not (x.predicate == HASH and x.subject == g)), format=ox.RdfFormat.N_QUADS)
            index.append((g.value, fh.tell(), len(body), q.object.value))
            fh.write(body)
    orgs = ox.serialize(src.ox.quads_for_pattern(None, None, None, ox.NamedNode(ORG_GRAPH)), format=ox.RdfFormat.N_QUADS)
    org_quads = orgs.count(b"\n")
    src.close()
    dst_path = os.path.join(work, "store-only")
    t, cpu = time.perf_counter(), time.process_time()
    dst = Store(dst_path)
    dst.ensure_vocabulary()
    batch, size = [], 0
    with open(spool, "rb") as fh, dst.loading():       # as the build writes them
        for graph, _off, n, sha in index:
            batch.append(PolicyGraph(graph, fh.read(n), sha, orgs))
            orgs = b""
            size += n
            if size >= BATCH_BYTES or len(batch) >= BATCH_POLICIES:
                dst.add_graphs(batch)
                batch, size = [], 0
        if batch:
            dst.add_graphs(batch)
    dst.close()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    quads = sum(1 for _ in open(spool, "rb")) + org_quads
    os.remove(spool)
    shutil.rmtree(dst_path, ignore_errors=True)
    return {"policies": len(index), "quads": quads, "wall": wall, "cpu": cpu}


def measure(n: int, jobs: int | None = None, keep: str | None = None, repeat: int = 1) -> dict:
    work = tempfile.mkdtemp(prefix="policykg-bench-")
    corpus = make_corpus(n, os.path.join(work, "corpus"))
    store = keep or os.path.join(work, "store")
    try:
        firsts, speeds = [], []
        for _ in range(repeat):
            shutil.rmtree(store, ignore_errors=True)
            speeds.append(speed())              # how fast the machine is just then
            first = run_measured(_build_cmd(corpus, store, jobs))
            if first["rc"] != 0:
                raise SystemExit(f"build failed: {first['stderr'][-2000:]}")
            firsts.append(first)
        walls = [f["wall"] for f in firsts]
        second = run_measured(_build_cmd(corpus, store, jobs))
        m = re.search(r"stored (\d+) policies \((\d+) unchanged", second["stdout"])
        lib, preloaded = mimalloc(), None
        if lib:
            again = os.path.join(work, "store-mimalloc")
            preloaded = run_measured(_build_cmd(corpus, again, jobs), env={**os.environ, "LD_PRELOAD": lib})
            shutil.rmtree(again, ignore_errors=True)
        only = store_only(store, work)
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs)
        return {"policies": n, "jobs": jobs or len(os.sched_getaffinity(0)), "first": sorted(walls)[len(walls) // 2],
                "first_all": walls, "speeds": speeds, "peak_rss": max(f["peak_rss"] for f in firsts), "summary": first["stdout"].strip(), "second": second["wall"],
                "second_peak_rss": second["peak_rss"], "second_unchanged": int(m.group(2)) if m else None,
                "store_only": only["wall"], "store_only_cpu": only["cpu"], "quads": only["quads"], "store_bytes": size,
                "store": store, "mimalloc": preloaded and preloaded["rc"] == 0
                and {"wall": preloaded["wall"], "peak_rss": preloaded["peak_rss"]}}
    finally:
        shutil.rmtree(work, ignore_errors=True)       # the corpus, spool and store (unless kept elsewhere)


def report(r: dict) -> str:
    walls = r.get("first_all", [r["first"]])
    spread = (f" (median of {len(walls)}: {', '.join(f'{w:.1f}' for w in walls)} s, `measure.speed` before each "
              f"{', '.join(f'{x:.1f}' for x in r['speeds'])} ms)" if len(walls) > 1 else "")
    return (f"{r['policies']:,} policies, {r['jobs']} jobs: first build {r['first']:.1f} s{spread} "
            f"({r['policies'] / r['first']:.1f} policies/s), peak memory {r['peak_rss'] / 2**20:,.0f} MiB; "
            f"second build {r['second']:.1f} s ({100 * r['second'] / r['first']:.1f} % of the first, "
            f"{r['second_unchanged']} unchanged); store side alone {r['store_only']:.1f} s "
            f"({r['store_only_cpu']:.1f} s of CPU) for {r['quads']:,} quads "
            f"({r['quads'] / r['store_only']:,.0f} quads/s); store on disk {r['store_bytes'] / 2**20:,.0f} MiB"
            + (f"; first build with mimalloc preloaded {r['mimalloc']['wall']:.1f} s, peak memory "
               f"{r['mimalloc']['peak_rss'] / 2**20:,.0f} MiB" if r.get("mimalloc") else ""))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--jobs", type=int)
    ap.add_argument("--keep", help="build the last size into this store folder and keep it")
    ap.add_argument("--repeat", type=int, default=1, help="first builds of each size (the median is reported)")
    a = ap.parse_args()
    for i, n in enumerate(a.sizes):
        print(report(measure(n, a.jobs, a.keep if i == len(a.sizes) - 1 else None, a.repeat)), flush=True)

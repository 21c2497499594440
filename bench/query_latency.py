"""Named-query latency on a built store, and the overlap query side by side with rdflib.

    python bench/query_latency.py STORE [--limit SECONDS] [--rdflib] [--rdflib-limit SECONDS]

Each named query (``policykg/graph/queries/*.rq``, parameters as below) runs three times on
the on-disk Oxigraph store, all rows read, in a process of its own stopped after ``--limit``
seconds; the fastest run and the median are printed. With
``--rdflib``, the store is exported to N-Quads, loaded into an rdflib ``Dataset`` (default
graph = union of the graphs) in this same process, and the overlap query runs on both.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import resource
import signal
import statistics
import sys
import tempfile
import time

from measure import ROOT

sys.path.insert(0, ROOT)
import pyoxigraph as ox  # noqa: E402

from policykg.graph import queries  # noqa: E402
from policykg.graph.queries import rows  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.ontology import PREFIXES  # noqa: E402

PARAMS = {"recipients-of": {"company": "Novapeak"}, "companies-of": {"recipient": "Google"},
          "flows-by-data": {"dataCategory": "contact"}, "blast-radius": {"recipient": "Google"},
          "overlap": {"minControllers": 2}}


def _timed(fn, runs: int = 3) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def one_query(store: Store, name: str) -> dict:
    b = PARAMS.get(name)
    times, rs = _timed(lambda: rows(store.query(queries.get(name), b))[1])
    return {"query": name, "params": b, "best": min(times), "median": statistics.median(times), "rows": len(rs)}


def named_queries(store_path: str, limit: float = 300) -> list[dict]:
    """Each named query in a process of its own, stopped after ``limit`` seconds (three runs)."""
    out = []
    for name in sorted(queries.named()):
        try:
            r = subprocess.run([sys.executable, os.path.abspath(__file__), store_path, "--only", name],
                               capture_output=True, text=True, timeout=limit)
            out.append(json.loads(r.stdout) if r.returncode == 0 else
                       {"query": name, "params": PARAMS.get(name), "error": r.stderr.strip()[-300:]})
        except subprocess.TimeoutExpired:
            out.append({"query": name, "params": PARAMS.get(name), "timeout": limit})
    return out


class _TooSlow(Exception):
    pass


def overlap_vs_rdflib(store: Store, limit: float = 1800) -> dict:
    """The overlap query on Oxigraph and on rdflib's in-memory Dataset loaded from the export."""
    import rdflib
    sparql = queries.bind(queries.get("overlap"), PARAMS["overlap"])
    ox_times, ox_rows = _timed(lambda: rows(store.query(sparql))[1])
    fd, export = tempfile.mkstemp(suffix=".nq")
    os.close(fd)
    try:
        with open(export, "wb") as fh:
            store.dump(fh, ox.RdfFormat.N_QUADS)
        size = os.path.getsize(export)
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        ds = rdflib.Dataset(default_union=True)
        ds.parse(export, format="nquads")
        load = time.perf_counter() - t
    finally:
        os.remove(export)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    head = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())

    def alarm(*_):
        raise _TooSlow()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(int(limit))
    t = time.perf_counter()
    try:
        rd_rows = [{str(k): str(v) for k, v in r.asdict().items()} for r in ds.query(head + sparql)]
        rd_time, finished = time.perf_counter() - t, True
    except _TooSlow:
        rd_rows, rd_time, finished = [], time.perf_counter() - t, False
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    same = None
    if finished:
        key = lambda r: (str(r["organization"]), int(str(r["controllers"])))   # noqa: E731
        same = sorted(map(key, ox_rows)) == sorted(map(key, rd_rows))
    return {"oxigraph_best": min(ox_times), "oxigraph_median": statistics.median(ox_times), "rows": len(ox_rows),
            "rdflib": rd_time, "rdflib_finished": finished, "rdflib_limit": limit, "same_rows": same,
            "rdflib_load": load, "rdflib_quads": len(ds), "export_bytes": size,
            "rdflib_rss_growth": (rss1 - rss0) * 1024}


def report_queries(rs: list[dict]) -> str:
    def line(r):
        if "timeout" in r:
            return f"{r['query']:<14} over {r['timeout']:.0f} s for three runs (stopped)  {r['params'] or ''}"
        if "error" in r:
            return f"{r['query']:<14} failed: {r['error']}"
        return (f"{r['query']:<14} {r['best'] * 1000:9.1f} ms best, {r['median'] * 1000:9.1f} ms median, "
                f"{r['rows']:6} rows  {r['params'] or ''}")
    return "\n".join(map(line, rs))


def report_overlap(r: dict) -> str:
    rd = f"{r['rdflib']:.1f} s" if r["rdflib_finished"] else f"over {r['rdflib_limit']:.0f} s (stopped)"
    ratio = r["rdflib"] / r["oxigraph_best"]
    return (f"overlap: Oxigraph {r['oxigraph_best'] * 1000:.0f} ms, rdflib {rd}: "
            f"{'' if r['rdflib_finished'] else 'over '}{ratio:,.0f}x faster ({r['rows']} rows, same rows: {r['same_rows']}); "
            f"rdflib loaded {r['rdflib_quads']:,} quads ({r['export_bytes'] / 2**20:,.0f} MiB of N-Quads) in "
            f"{r['rdflib_load']:.0f} s, memory +{r['rdflib_rss_growth'] / 2**30:.1f} GiB")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--rdflib", action="store_true")
    ap.add_argument("--rdflib-limit", type=float, default=1800)
    ap.add_argument("--limit", type=float, default=300, help="seconds per named query (three runs)")
    ap.add_argument("--only", help=argparse.SUPPRESS)
    a = ap.parse_args()
    st = Store(a.store, read_only=True)
    if a.only:
        sys.exit(print(json.dumps(one_query(st, a.only))))
    print(f"{st.count_policies():,} policies")
    print(report_queries(named_queries(a.store, a.limit)), flush=True)
    if a.rdflib:
        print(report_overlap(overlap_vs_rdflib(st, a.rdflib_limit)))

"""Cross-company analysis: shared recipients, blast radius, company overlap, and the
flows as a networkx graph.

>>> from policykg.graph import Store, overlap   # doctest: +SKIP
>>> overlap(Store("out/store", read_only=True), min_controllers=3)  # doctest: +SKIP
[{'organization': 'Google', 'category': 'analytics', 'controllers': [...], 'data': [...]}, ...]
"""
from __future__ import annotations

from itertools import combinations

import networkx as nx

from . import queries
from .queries import rows


def _split(value) -> list[str]:
    return sorted(x for x in (value or "").split("|") if x)


def overlap(store, min_controllers: int = 2) -> list[dict]:
    """Organisations that at least ``min_controllers`` companies send data to, most-shared first."""
    _, rs = rows(store.query(queries.get("overlap"), {"minControllers": int(min_controllers)}))
    return [{"organization": r["organization"], "category": r["category"],
             "controllers": _split(r["controllerNames"]), "data": _split(r["data"])} for r in rs]


def blast_radius(store, recipient: str | None = None) -> list[dict]:
    """For each organisation (or one), the companies and data categories exposed if it is breached."""
    b = {"recipient": recipient} if recipient else None
    _, rs = rows(store.query(queries.get("blast-radius"), b))
    return [{"organization": r["organization"], "companies": _split(r["companyNames"]),
             "data": _split(r["data"])} for r in rs]


def flows(store) -> list[dict]:
    """Every flow as a row (controller, recipient, organisation, category, action, data, purposes, evidence)."""
    _, rs = rows(store.query(queries.get("flows")))
    _, ev = rows(store.query(queries.get("evidence")))
    by_flow: dict[str, list[dict]] = {}
    for e in ev:
        by_flow.setdefault(e["flow"], []).append({"text": e["sentence"], "start": e["start"], "end": e["end"]})
    out = []
    for r in rs:
        r = dict(r)
        r["data"] = _split(r["data"])
        r["purposes"] = _split(r["purposes"])
        r["evidence"] = sorted(by_flow.get(r["flow"], []), key=lambda e: (e["start"], e["end"]))
        out.append(r)
    return out


def company_overlap(flow_rows: list[dict]) -> list[dict]:
    """Company × company: shared named recipient organisations and their Jaccard index."""
    recips: dict[str, set[str]] = {}
    for f in flow_rows:
        if f.get("organization"):
            recips.setdefault(f["controllerLabel"], set()).add(f["organization"])
    out = []
    for a, b in combinations(sorted(recips), 2):
        shared = recips[a] & recips[b]
        union = recips[a] | recips[b]
        if shared:
            out.append({"a": a, "b": b, "shared": sorted(shared), "jaccard": round(len(shared) / len(union), 3)})
    out.sort(key=lambda r: (-r["jaccard"], -len(r["shared"]), r["a"], r["b"]))
    return out


def to_networkx(flow_rows: list[dict], named_only: bool = False) -> nx.MultiDiGraph:
    """Companies and recipients as nodes, one edge per flow (with data, action and evidence)."""
    g = nx.MultiDiGraph()
    for f in flow_rows:
        c = f["controller"]
        g.add_node(c, label=f["controllerLabel"], kind="company", country=f.get("controllerCountry") or "")
        if f.get("organization"):
            r = "org:" + f["organization"]
            g.add_node(r, label=f["organization"], kind="organization", category=f.get("category") or "other",
                       country=f.get("recipientCountry") or "")
        elif named_only:
            continue
        else:
            r = f["recipient"]
            g.add_node(r, label=f["recipientLabel"], kind="unnamed", category=f.get("category") or "other", country="")
        g.add_edge(c, r, key=f["flow"], action=f["action"], data="|".join(f["data"]),
                   purposes="|".join(f["purposes"]), via=f["recipientLabel"], cross_border=bool(f.get("crossBorder")),
                   evidence=" … ".join(e["text"] for e in f.get("evidence", [])), source=f.get("source") or "")
    for n, d in g.nodes(data=True):
        if d.get("kind") != "company":
            d["companies"] = len({u for u, _ in g.in_edges(n)})
    return g


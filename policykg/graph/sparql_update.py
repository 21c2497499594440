"""SPARQL Update requests that replace named graphs, in sensibly sized pieces.

A graph is replaced by ``DROP SILENT GRAPH`` and ``INSERT DATA`` operations in one request;
several small graphs share a request, and a graph too large for one request goes in several
(its content hash in the last, so a graph cut short is never taken for a complete one).

>>> t = ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"))
>>> print(next(replace_requests([("http://x/g", [t])])))
DROP SILENT GRAPH <http://x/g> ;
INSERT DATA { GRAPH <http://x/g> {
<http://x/s> <http://x/p> "o" .
} }
"""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

from ..ontology import PKG

#: triples per INSERT operation (Virtuoso compiles each operation; a few thousand lines
#: exhaust its parser) and per request (a bigger batch or graph goes in several requests)
OP_TRIPLES = 500
REQUEST_TRIPLES = 20_000
#: Virtuoso's pragma that passes INSERT DATA constants as data instead of compiling them
#: (about 30 times faster there); other servers get no pragma
VIRTUOSO_PROLOGUE = "define sql:big-data-const 1\n"
HASH = ox.NamedNode(PKG + "contentHash")


def _bnodes(t: ox.Triple) -> list[str]:
    return [x.value for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]


def _groups(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples in groups: those joined by blank nodes together (a blank-node label is one node
    only within one operation), every other triple alone, the content hash last."""
    parent: dict[str, str] = {}

    def root(b: str) -> str:
        while parent.setdefault(b, b) != b:
            b = parent[b]
        return b

    for t in triples:
        bn = _bnodes(t)
        for b in bn[1:]:
            parent[root(b)] = root(bn[0])
    joined: dict[str, list[ox.Triple]] = {}
    alone, last = [], []
    for t in triples:
        bn = _bnodes(t)
        if bn:
            joined.setdefault(root(bn[0]), []).append(t)
        else:
            (last if t.predicate == HASH else alone).append([t])
    return [*joined.values(), *alone, *last]


def _pack(groups: list[list], size: int) -> list[list]:
    """Consecutive groups packed into lists of about ``size`` items (a group is never split)."""
    out, cur = [], []
    for g in groups:
        if cur and len(cur) + len(g) > size:
            out.append(cur)
            cur = []
        cur.extend(g)
    return out + [cur] if cur else out


def insert_operation(graph: str, triples: list[ox.Triple]) -> str:
    body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    if any(_bnodes(t) for t in triples):
        # Virtuoso refuses blank nodes in INSERT DATA; an INSERT template is standard everywhere
        return f"INSERT {{ GRAPH <{graph}> {{\n{body}}} }} WHERE {{ }}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"


def replace_requests(graphs: Iterable[tuple[str, list[ox.Triple]]], prologue: str = "",
                     op_triples: int = OP_TRIPLES, request_triples: int = REQUEST_TRIPLES,
                     drop: bool = True) -> Iterator[str]:
    """Update requests that replace each ``(graph IRI, triples)`` (or, with ``drop=False``, add
    the triples to it); a graph that fits in one request is never split between two."""
    cur: list[str] = []
    n = 0
    for graph, triples in graphs:
        if cur and n + len(triples) > request_triples:
            yield prologue + " ;\n".join(cur)
            cur, n = [], 0
        if drop:
            cur.append(f"DROP SILENT GRAPH <{graph}>")
        for part in _pack(_groups(triples), op_triples):
            if cur and n + len(part) > request_triples:
                yield prologue + " ;\n".join(cur)
                cur, n = [], 0
            cur.append(insert_operation(graph, part))
            n += len(part)
    if cur:
        yield prologue + " ;\n".join(cur)

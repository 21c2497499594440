"""The embedded, on-disk RDF store (Oxigraph): one named graph per policy.

>>> from policykg.graph.store import Store
>>> s = Store()                      # in memory; Store("dir") is on disk
>>> s.ensure_vocabulary()
>>> s.count_policies()
0
"""
from __future__ import annotations

import os

import pyoxigraph as ox

from .. import ontology
from ..extract.model import PolicyResult
from ..ontology import ID, PKG, PREFIXES
from .rdf import policy_quads

VOCAB_GRAPH = ID + "graph/vocabulary"


class StoreError(Exception):
    """A store that cannot be opened or written; the message is one line for the user."""


class StoreLocked(StoreError):
    pass


def _open(path: str | None, read_only: bool) -> ox.Store:
    if path is None:
        return ox.Store()
    try:
        if read_only:
            if not os.path.isdir(path) or not os.listdir(path):
                raise StoreError(f"{path}: no store here (run 'policykg build' first)")
            return ox.Store.read_only(path)
        os.makedirs(path, exist_ok=True)
        return ox.Store(path)
    except OSError as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise StoreLocked(f"{path}: store is locked (another policykg process is writing to it)") from None
        raise StoreError(f"{path}: cannot open store: {msg.splitlines()[0]}") from None


class Store:
    """A policykg knowledge graph in an embedded Oxigraph store.

    Queries see the union of all graphs (every policy and the vocabulary).
    """

    def __init__(self, path: str | None = None, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        self.ox = _open(path, read_only)

    # -- writing -------------------------------------------------------------
    def ensure_vocabulary(self) -> None:
        """Load the DPV subset and policykg taxonomies (once) so queries can follow skos:broader*."""
        g = ox.NamedNode(VOCAB_GRAPH)
        if self.ox.contains_named_graph(g):
            return
        quads = []
        for name in ontology.VOCABULARY_FILES:
            with ontology.path(name).open("rb") as fh:
                for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
                    quads.append(ox.Quad(t.subject, t.predicate, t.object, g))
        self.ox.extend(quads)

    def add_result(self, result: PolicyResult) -> str:
        """Store one policy, replacing its earlier graph, in one transaction. Returns the graph IRI."""
        graph, quads = policy_quads(result)
        self.replace_graph(graph, quads)
        return graph

    def replace_graph(self, graph: str, quads: list[ox.Quad]) -> None:
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        self.ox.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    def remove_policy(self, graph: str) -> None:
        self.ox.update(f"DROP SILENT GRAPH <{graph}>")

    def flush(self) -> None:
        if self.path and not self.read_only:
            self.ox.flush()

    # -- reading -------------------------------------------------------------
    def has_hash(self, sha256: str, graph: str | None = None) -> bool:
        q = "ASK { ?d <%s> ?h }" % (PKG + "contentHash")
        subs = {ox.Variable("h"): ox.Literal(sha256)}
        if graph:
            subs[ox.Variable("d")] = ox.NamedNode(graph)
        return bool(self.ox.query(q, use_default_graph_as_union=True, substitutions=subs))

    def count_policies(self) -> int:
        q = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <%s> }" % (PKG + "PolicyDocument")
        for row in self.ox.query(q, use_default_graph_as_union=True):
            return int(row["n"].value)
        return 0

    def query(self, sparql: str, bindings: dict | None = None):
        """Run a SPARQL query over the union of all graphs; returns pyoxigraph results."""
        from .queries import bind
        return self.ox.query(bind(sparql, bindings), use_default_graph_as_union=True, prefixes=PREFIXES)

    def update(self, sparql: str) -> None:
        self.ox.update(sparql, prefixes=PREFIXES)

    def dump(self, output, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if fmt.supports_datasets and graph is None:
            self.ox.dump(output, format=fmt, prefixes=PREFIXES)
        else:
            g = ox.NamedNode(graph) if graph else None
            self._dump_union(output, fmt, g)

    def _dump_union(self, output, fmt, graph) -> None:
        triples = set()
        for q in self.ox.quads_for_pattern(None, None, None, graph):
            triples.add(ox.Triple(q.subject, q.predicate, q.object))
        ox.serialize(triples, output, format=fmt, prefixes=PREFIXES)

    def close(self) -> None:
        self.flush()
        del self.ox

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


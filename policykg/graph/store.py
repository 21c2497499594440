"""The embedded, on-disk RDF store (Oxigraph): one named graph per policy.

>>> from policykg.graph.store import Store
>>> s = Store()                      # in memory; Store("dir") is on disk
>>> s.ensure_vocabulary()
>>> s.count_policies()
0

The store interface ``policykg.build`` uses (a SPARQL-endpoint store implements the same):

- ``ensure_vocabulary()``: load the vocabulary graph unless it is there.
- ``policy_hashes() -> dict[str, str]``: graph IRI -> ``pkg:contentHash`` of every complete
  policy graph, read once at the start of a build (a graph without its hash is incomplete).
- ``add_graphs(batch: list[PolicyGraph])``: store a batch of policies (``policykg.graph.rdf.
  PolicyGraph``: ``graph`` IRI, ``nquads`` bytes holding every quad of the policy but its
  content hash, ``sha256``; ``hash_quad()`` gives the hash's N-Quads line). Each graph replaces
  any earlier graph of that IRI; the hash is written last, so a build killed halfway leaves no
  graph that the next build would take for complete.
- ``flush()``: make everything written durable.
- ``count_policies() -> int`` (the command line prints it after a build) and ``close()``.

Here a batch of new graphs goes in, with their hashes, in one transactional ``load`` (about
three times the CPU of the non-transactional ``bulk_load``, kept because a build killed at any
point must leave only whole policies). A batch of graphs already in the store (changed policies,
``--force``) is replaced by one SPARQL update (``DROP`` + ``INSERT DATA``, one transaction): a
reader sees the old graph or the new one, never half of it.
"""
from __future__ import annotations

import os

import pyoxigraph as ox

from .. import ontology
from ..extract.model import PolicyResult
from ..ontology import ID, PKG, PREFIXES
from .rdf import PolicyGraph, policy_graph

VOCAB_GRAPH = ID + "graph/vocabulary"
HASH = ox.NamedNode(PKG + "contentHash")


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
    except (OSError, RuntimeError) as exc:   # RuntimeError: a store another process is still creating
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
        self._graphs: set[str] | None = None    # named graphs present, read on the first write

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
        """Store one policy, replacing its earlier graph. Returns the graph IRI."""
        pg = policy_graph(result)
        self.add_graphs([pg])
        return pg.graph

    def add_graphs(self, batch: list[PolicyGraph]) -> None:
        """Store a batch of policies, each replacing its earlier graph (see the module doc)."""
        if self._graphs is None:
            self._graphs = {g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode)}
        new = [p for p in batch if p.graph not in self._graphs]
        old = [p for p in batch if p.graph in self._graphs]
        if new:   # one transaction: a kill leaves the batch wholly in or wholly out
            data = b"".join(p.nquads for p in new) + "".join(p.hash_quad() for p in new).encode("utf-8")
            self.ox.load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
            self._graphs.update(p.graph for p in new)
        if old:
            drops = "".join(f"DROP SILENT GRAPH <{p.graph}> ;\n" for p in old)
            inserts = "".join(f"GRAPH <{p.graph}> {{\n{_triples(p)}}}\n" for p in old)
            self.ox.update(f"{drops}INSERT DATA {{\n{inserts}}}")

    def remove_policy(self, graph: str) -> None:
        self.ox.update(f"DROP SILENT GRAPH <{graph}>")
        if self._graphs is not None:
            self._graphs.discard(graph)

    def flush(self) -> None:
        if self.path and not self.read_only:
            self.ox.flush()

    # -- reading -------------------------------------------------------------
    def policy_hashes(self) -> dict[str, str]:
        """Graph IRI -> content hash of every complete policy graph (one index scan)."""
        return {q.graph_name.value: q.object.value for q in self.ox.quads_for_pattern(None, HASH, None, None)
                if isinstance(q.graph_name, ox.NamedNode) and q.subject == q.graph_name}

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
        self._graphs = None

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



def _triples(p: PolicyGraph) -> str:
    """The policy's quads as triples for a SPARQL ``INSERT DATA`` block (hash last)."""
    suffix = f" <{p.graph}> .\n"
    return (p.nquads.decode("utf-8") + p.hash_quad()).replace(suffix, " .\n")

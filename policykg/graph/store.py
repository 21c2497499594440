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
- ``optimize()`` (optional): merge the store's files after a large build.

Here a batch of new graphs goes in by one ``bulk_load`` (the store's fast path, several times
quicker than a transactional ``load``, but not a transaction), their content hashes after it in
one small transaction. A build killed in between must not leave half a policy: before the bulk
load the batch's graph IRIs are written to a journal file in the store folder and removed after
the hashes; opening a store with a journal (for writing, or for reading when no build holds it)
drops the journal's graphs that have no hash. Within ``loading()`` (a build's writer) a batch's
hashes go into the next batch's bulk load instead, the last batch's at the end: a write beside
the bulk loads would make RocksDB flush it to a file of its own before each of them and merge
those files again (13 % of the store's CPU on 10,000 policies, bench/RESULTS.md); the journal
then names the batch waiting for its hashes too. A batch of graphs already in the store (changed
policies, ``--force``) is replaced by one SPARQL update (``DROP`` + ``INSERT DATA``, one
transaction): a reader sees the old graph or the new one, never half of it.

Facts about organisations live once in the shared organisations graph (``rdf.ORG_GRAPH``); a
batch adds the lines it needs that the store does not hold yet, and organisations no policy
names any more are pruned after graphs are replaced or removed.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

import pyoxigraph as ox

from .. import ontology
from ..extract.model import PolicyResult
from ..ontology import ID, PKG, PREFIXES
from . import organizations
from .rdf import ORG_GRAPH, PolicyGraph, policy_graph

VOCAB_GRAPH = ID + "graph/vocabulary"
HASH = ox.NamedNode(PKG + "contentHash")
#: file in the store folder naming the graphs of a bulk load under way or waiting for their hashes
JOURNAL = "policykg-loading"



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
        if read_only and path and os.path.exists(os.path.join(path, JOURNAL)):
            try:                  # a build was killed: repair first, unless one is writing now
                Store(path).close()
            except StoreLocked:
                pass
        self.ox = _open(path, read_only)
        self._graphs: set[str] | None = None    # named graphs present, read on the first write
        self._shared: set[bytes] | None = None  # ORG_GRAPH lines present, read on the first write
        self._holding = False                   # within loading(): hashes wait for the next bulk load
        self._held: list[PolicyGraph] = []      # graphs loaded whole whose hashes wait
        self._cut: list[str] = []               # graphs of bulk loads that failed (named in the journal)
        if not read_only:
            self._repair()

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
        try:
            if new:
                self._bulk_load(new)
            if old:
                shared = self._new_shared(old).decode("utf-8").replace(f" <{ORG_GRAPH}> .\n", " .\n")
                drops = "".join(f"DROP SILENT GRAPH <{p.graph}> ;\n" for p in old)
                inserts = "".join(f"GRAPH <{p.graph}> {{\n{_triples(p)}}}\n" for p in old)
                self.ox.update(f"{drops}INSERT DATA {{\nGRAPH <{ORG_GRAPH}> {{\n{shared}}}\n{inserts}}}")
                self.prune_organizations()
        except BaseException:
            self._shared = None             # some lines may not have been written
            raise

    def remove_policy(self, graph: str) -> None:
        self.ox.update(f"DROP SILENT GRAPH <{graph}>")
        if self._graphs is not None:
            self._graphs.discard(graph)
        self.prune_organizations()

    def prune_organizations(self) -> None:
        """Remove organisations no policy graph names any more from the organisations graph."""
        organizations.prune(lambda q: (tuple(t.value for t in row) for row in self.ox.query(q)), self.ox.update)
        self._shared = None

    def _new_shared(self, batch: list[PolicyGraph]) -> bytes:
        """The batch's organisations-graph lines the store does not hold yet."""
        if self._shared is None:
            g = ox.NamedNode(ORG_GRAPH)
            self._shared = {f"{q.subject} {q.predicate} {q.object} <{ORG_GRAPH}> .\n".encode("utf-8")
                            for q in self.ox.quads_for_pattern(None, None, None, g)}
        out = []
        for p in batch:
            for line in p.shared.splitlines(keepends=True):
                if line not in self._shared:
                    self._shared.add(line)
                    out.append(line)
        return b"".join(out)

    def _bulk_load(self, new: list[PolicyGraph]) -> None:
        """One bulk load of graphs not in the store, with the hashes of those held (see ``loading``)."""
        held, self._held = self._held, []
        self._journal(held + new)
        try:
            self.ox.bulk_load(self._new_shared(new) + b"".join(p.nquads for p in new) + _hashes(held),
                              format=ox.RdfFormat.N_QUADS, lenient=True)
        except BaseException:
            self._cut += [p.graph for p in new]       # dropped when the store is next opened
            try:
                self._write_hashes(held)              # those were loaded whole before
            except Exception:  # noqa: BLE001 - the load's error is the one to raise
                self._cut += [p.graph for p in held]
            raise
        self._graphs.update(p.graph for p in new)
        if self._holding:
            self._held = [PolicyGraph(p.graph, b"", p.sha256) for p in new]   # (their N-Quads not kept)
            self._journal(new)
        else:
            self._write_hashes(new)

    @contextmanager
    def loading(self):
        """Within this, each batch's content hashes are written with the next batch's bulk load and
        the last batch's on leaving (see the module doc); until then its graphs count as incomplete."""
        self._holding = True
        try:
            yield self
        finally:
            self._holding = False
            held, self._held = self._held, []
            self._write_hashes(held)

    def _write_hashes(self, graphs: list[PolicyGraph]) -> None:
        """Write the content hashes of graphs loaded whole (one transaction); then the journal has
        only graphs of loads cut short, if any."""
        if graphs:
            self.ox.load(_hashes(graphs), format=ox.RdfFormat.N_QUADS)
        self._journal([])

    def _journal(self, graphs: list[PolicyGraph]) -> None:
        """Name in the journal file ``graphs`` (being loaded, or waiting for their hashes) and the
        graphs of loads cut short; no file when there are none (on disk only)."""
        if not self.path:
            return
        path = os.path.join(self.path, JOURNAL)
        names = self._cut + [p.graph for p in graphs]
        if names:
            with open(path, "w", encoding="utf-8") as fh:   # no fsync: it guards against a killed process,
                fh.write("".join(g + "\n" for g in names))  # and an fsync here waits for the store's compactions
        elif os.path.exists(path):
            os.unlink(path)

    def _repair(self) -> None:
        """Drop the graphs of a bulk load that was cut short (those of the journal without a hash)."""
        path = os.path.join(self.path, JOURNAL) if self.path else None
        if not path or not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as fh:
            graphs = [ln.strip() for ln in fh if ln.strip()]
        cut = [g for g in graphs if not any(True for _ in self.ox.quads_for_pattern(
            ox.NamedNode(g), HASH, None, ox.NamedNode(g)))]
        if cut:
            self.ox.update("".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in cut).rstrip(" ;\n"))
            self.prune_organizations()
            self.ox.flush()
        os.unlink(path)

    def flush(self) -> None:
        if self.path and not self.read_only:
            self.ox.flush()

    def optimize(self) -> None:
        """Merge the store's files (RocksDB compaction): after large bulk loads, queries read
        about twice as fast (10,000 policies: 7-8 s on 2 cores). ``build`` does it after a large build."""
        if self.path and not self.read_only:
            self.ox.optimize()

    # -- reading -------------------------------------------------------------
    def policy_hashes(self) -> dict[str, str]:
        """Graph IRI -> content hash of every complete policy graph (one index scan)."""
        return {q.graph_name.value: q.object.value for q in self.ox.quads_for_pattern(None, HASH, None, None)
                if isinstance(q.graph_name, ox.NamedNode) and q.subject == q.graph_name}

    def count_policies(self) -> int:
        """The number of complete policy graphs (those with their content hash)."""
        return len(self.policy_hashes())

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



def _hashes(graphs: list[PolicyGraph]) -> bytes:
    """The N-Quads lines of the graphs' content hashes."""
    return "".join(p.hash_quad() for p in graphs).encode("utf-8")


def _triples(p: PolicyGraph) -> str:
    """The policy's quads as triples for a SPARQL ``INSERT DATA`` block (hash last)."""
    suffix = f" <{p.graph}> .\n"
    return (p.nquads.decode("utf-8") + p.hash_quad()).replace(suffix, " .\n")

"""A policykg graph kept in a SPARQL 1.1 server (Virtuoso, Jena Fuseki, GraphDB, Neptune).

``SparqlStore`` offers the embedded ``Store``'s interface, so ``build``, the analytics, the
named queries, exports and the page work unchanged.  One named graph per policy, replaced by
one SPARQL Update request (``DROP SILENT GRAPH`` + ``INSERT DATA``), or by a Graph Store
Protocol ``PUT`` when a GSP URL is given.  Queries run over the endpoint's default graph,
which must be the union of the named graphs: so it is on Virtuoso, GraphDB and Neptune; on
Fuseki set ``tdb2:unionDefaultGraph true`` on the dataset.

>>> st = SparqlStore("http://127.0.0.1:8890/sparql", check=False)   # doctest: +SKIP
>>> st.count_policies()                                             # doctest: +SKIP
5
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from .. import ontology
from ..extract.model import PolicyResult
from ..ontology import ID, PREFIXES
from .rdf import ORG_GRAPH, PolicyGraph, policy_graph
from .sparql_client import Endpoint, EndpointError, SparqlClient
from .sparql_update import HASH, VIRTUOSO_PROLOGUE, replace_requests
from . import organizations
from .store import VOCAB_GRAPH, StoreError

#: rows fetched per request when reading many rows (below Virtuoso's ResultSetMaxRows = 10000)
PAGE_ROWS = 5000


def with_prefixes(sparql: str) -> str:
    """The query with policykg's prefixes declared (those it does not declare itself)."""
    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", sparql)}
    head = "".join(f"PREFIX {k}: <{v}> " for k, v in PREFIXES.items() if k.lower() not in declared)
    return head + sparql        # on the query's first line, so a server's error names the right line


def vocabulary_triples() -> list[ox.Triple]:
    out = []
    for name in ontology.VOCABULARY_FILES:
        with ontology.path(name).open("rb") as fh:
            out.extend(ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(fh, format=ox.RdfFormat.TURTLE))
    return out


def graph_triples(p: PolicyGraph) -> list[ox.Triple]:
    """A policy's triples, its content hash last."""
    quads = ox.parse(p.nquads + p.hash_quad().encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


class SparqlStore:
    """The policykg store interface over a SPARQL 1.1 endpoint.

    ``query_url`` answers queries; ``update_url`` (default: the same URL) takes updates;
    ``gsp_url`` (optional) is a Graph Store Protocol endpoint that graphs are PUT to.
    ``user``/``password`` log in with HTTP ``auth`` "basic" or "digest".
    """

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str = "basic",
                 read_only: bool = False, timeout: float = 600.0, check: bool = True):
        self.endpoint = Endpoint(query_url, update_url, gsp_url, user, password, auth, timeout)
        self.path = query_url
        self.read_only = read_only
        self.client = SparqlClient(self.endpoint)
        self._shared: set[ox.Triple] | None = None    # the organisations graph, read on the first write
        if check:
            self.client.query("ASK { }")

    def __repr__(self) -> str:
        return f"SparqlStore({self.endpoint.query_url!r})"

    # -- writing -------------------------------------------------------------
    def ensure_vocabulary(self) -> None:
        """Load the DPV subset and policykg taxonomies unless the vocabulary graph holds them all."""
        triples = list(dict.fromkeys(vocabulary_triples()))
        if self._count(VOCAB_GRAPH) != len(triples):
            self.replace_graphs([(VOCAB_GRAPH, triples)])

    def add_result(self, result: PolicyResult) -> str:
        """Store one policy, replacing its earlier graph. Returns the graph IRI."""
        pg = policy_graph(result)
        self.add_graphs([pg])
        return pg.graph

    def add_graphs(self, batch: list[PolicyGraph]) -> None:
        """Store a batch of policies, each replacing its earlier graph, its content hash last;
        first the organisations-graph triples they need that the server does not hold yet."""
        self._writable()
        if self._shared is None:
            self._shared = set(self.triples(ORG_GRAPH))
        new = list(dict.fromkeys(t for p in batch for t in ox.parse(p.shared, format=ox.RdfFormat.N_QUADS)))
        new = [ox.Triple(q.subject, q.predicate, q.object) for q in new]
        new = [t for t in new if t not in self._shared]
        if new:
            self._write_graphs([(ORG_GRAPH, new)], replace=False)
            self._shared.update(new)
        values = " ".join(f"<{p.graph}>" for p in batch)
        replaced = list(self.client.query(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g ?p ?o }} }}"))
        self.replace_graphs((p.graph, graph_triples(p)) for p in batch)
        if replaced:
            self.prune_organizations()

    def prune_organizations(self) -> None:
        """Remove organisations no policy graph names any more from the organisations graph."""
        def select(q):
            return (tuple(t.value for t in row) for row in self._rows(q, "?o ?parent" if "?parent" in q else "?o"))
        organizations.prune(select, self.update)
        self._shared = None

    def replace_graphs(self, graphs) -> None:
        """Replace named graphs, given as (IRI, triples): by Graph Store Protocol PUT if there is a
        GSP URL, else by SPARQL Update (DROP SILENT GRAPH + INSERT DATA, graphs batched in requests)."""
        self._write_graphs(graphs, replace=True)

    def _write_graphs(self, graphs, replace: bool) -> None:
        """Replace (or add to) named graphs: GSP PUT (POST) or SPARQL Update."""
        self._writable()
        if self.endpoint.gsp_url:
            send = self.client.put_graph if replace else self.client.post_graph
            for graph, triples in graphs:
                body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
                send(graph, body.encode("utf-8"))
            return
        prologue = VIRTUOSO_PROLOGUE if self.client.is_virtuoso() else ""
        for request in replace_requests(graphs, prologue, drop=replace):
            self.client.update(request)

    def replace_graph(self, graph: str, quads) -> None:
        self.replace_graphs([(graph, [ox.Triple(q.subject, q.predicate, q.object) for q in quads])])

    def remove_policy(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")
        self.prune_organizations()

    def update(self, sparql: str) -> None:
        self._writable()
        self.client.update(with_prefixes(sparql))

    def flush(self) -> None:
        """Nothing to do: the server commits every request."""

    def optimize(self) -> None:
        """Nothing to do: the server looks after its own files."""

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.endpoint.query_url}: opened read-only")

    # -- reading -------------------------------------------------------------
    def policy_hashes(self) -> dict[str, str]:
        """Graph IRI -> content hash of every complete policy graph."""
        q = f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g <{HASH.value}> ?h }} }}"
        return {row["g"].value: row["h"].value for row in self._rows(q, "?g")}

    def has_hash(self, sha256: str, graph: str | None = None) -> bool:
        d = f"<{graph}>" if graph else "?d"
        return bool(self.client.query(f"ASK {{ {d} <{HASH.value}> {ox.Literal(sha256)} }}"))

    def count_policies(self) -> int:
        """The number of complete policy graphs (those with their content hash)."""
        q = f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g <{HASH.value}> ?h }} }}"
        for row in self.client.query(q):
            return int(row["n"].value)
        return 0

    def graphs(self) -> list[str]:
        """The named graphs policykg wrote (policies and the vocabulary); the server's others are left out."""
        q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), %s)) }" % ox.Literal(ID)
        return [row["g"].value for row in self._rows(q, "?g")]

    def query(self, sparql: str, bindings: dict | None = None):
        """Run a SPARQL query on the endpoint; returns pyoxigraph results like ``Store.query``."""
        from .queries import bind
        res = self.client.query(with_prefixes(bind(sparql, bindings)))
        if isinstance(res, list):
            return _query_triples(res)
        return res

    def dump(self, output, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Write policykg's graphs (or one): a dataset format keeps the graphs, others get their union."""
        names = [graph] if graph else self.graphs()
        if fmt.supports_datasets and graph is None:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in names for t in self.triples(g)]
            ox.serialize(quads, output, format=fmt, prefixes=PREFIXES)
        else:
            union = dict.fromkeys(t for g in names for t in self.triples(g))
            ox.serialize(list(union), output, format=fmt, prefixes=PREFIXES)

    def triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of a named graph (in pages if large); a server that returns fewer is an error."""
        n = self._count(graph)
        q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        if n <= PAGE_ROWS:
            out = self.client.query(q)
        else:
            out = []
            for offset in range(0, n, PAGE_ROWS):
                out += self.client.query(f"{q} ORDER BY ?s ?p ?o LIMIT {PAGE_ROWS} OFFSET {offset}")
        if len(set(out)) != n:
            raise EndpointError(f"{self.endpoint.query_url}: returned {len(set(out))} of the {n} triples of <{graph}> "
                                "(a result-size limit such as Virtuoso's ResultSetMaxRows?)")
        return out

    def _rows(self, select: str, order: str):
        """Every row of a SELECT, fetched in pages of ``PAGE_ROWS`` (ordered by ``order``)."""
        offset = 0
        while True:
            page = list(self.client.query(f"{select} ORDER BY {order} LIMIT {PAGE_ROWS} OFFSET {offset}"))
            yield from page
            if len(page) < PAGE_ROWS:
                return
            offset += PAGE_ROWS

    def _count(self, graph: str) -> int:
        for row in self.client.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
            return int(row["n"].value)
        return 0

    def close(self) -> None:
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _query_triples(triples: list[ox.Triple]) -> ox.QueryTriples:
    """CONSTRUCT / DESCRIBE answers as pyoxigraph ``QueryTriples``, the type ``Store.query`` returns."""
    tmp = ox.Store()
    tmp.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return tmp.query("CONSTRUCT WHERE { ?s ?p ?o }")

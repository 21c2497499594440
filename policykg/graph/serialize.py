"""Serialise extraction results as RDF text without a store."""
from __future__ import annotations

import pyoxigraph as ox

from ..ontology import PREFIXES
from .rdf import policy_quads

_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
            "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def results_to_rdf(results, fmt: str) -> str:
    """RDF text for extraction results: triples for ttl/nt/jsonld, quads for nq/trig."""
    f = _FORMATS[fmt]
    quads = []
    for r in results:
        quads += policy_quads(r)[1]
    if f.supports_datasets:
        data = ox.serialize(quads, format=f, prefixes=PREFIXES)
    else:
        data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=f,
                            prefixes=PREFIXES if fmt == "ttl" else None)
    return data.decode("utf-8")

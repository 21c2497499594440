"""The policykg vocabulary and taxonomies, shipped as data files beside this module.

- ``dpv-subset.ttl``: the DPV 2.3 terms policykg uses (W3C licence: ``LICENSE-DPV.md``);
- ``policykg.ttl``: policykg's own terms, only where DPV lacks one (APPI relations, cookies...);
- ``data-categories.ttl``, ``recipient-categories.ttl``, ``purposes.ttl``: SKOS taxonomies (en/ja);
- ``shapes.ttl``: SHACL shapes of a flow;
- ``organizations.json``: the organisation registry.
"""
from __future__ import annotations

from importlib import resources

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
LOC = "https://w3id.org/dpv/loc#"
PKG = "https://w3id.org/policykg#"
ID = "https://w3id.org/policykg/id/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"

PREFIXES = {
    "dpv": DPV, "pd": PD, "loc": LOC, "pkg": PKG, "prov": PROV, "oa": OA, "skos": SKOS,
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "dct": DCT, "org": ORG,
}

#: the vocabulary files loaded into every store (so queries can follow skos:broader*)
VOCABULARY_FILES = ["dpv-subset.ttl", "policykg.ttl", "data-categories.ttl", "recipient-categories.ttl", "purposes.ttl",
                    "legal-bases.ttl"]


def path(name: str):
    """A data file of this package (a Traversable; use ``.open('rb')``)."""
    return resources.files(__name__).joinpath(name)


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())

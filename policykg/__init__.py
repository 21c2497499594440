"""policykg: privacy policies (English and Japanese) into a DPV knowledge graph of data flows.

Everything the command line does is a function here::

    import policykg
    r = policykg.extract_file("examples/policies/inagora-onemall.en.txt")
    [(f.recipient.organization, [d.label for d in f.data]) for f in r.flows]

    report = policykg.build(["examples/policies"], "out/store",
                            manifest="examples/policies/manifest.csv")
    store = policykg.Store("out/store", read_only=True)
    policykg.overlap(store, min_controllers=2)      # rows: organisation, category, controllers, data
    g = policykg.to_networkx(policykg.flows(store)) # a networkx MultiDiGraph
    store.query("SELECT ...")                       # any SPARQL 1.1 query
    policykg.open_store("sparql+http://127.0.0.1:8890/sparql")   # the same, on a SPARQL server
"""
from .build import build
from .distributed import build_on_dask
from .extract import PolicyResult, ReadError, extract_file, extract_text
from .graph.analytics import blast_radius, company_overlap, flows, overlap, to_networkx
from .graph.sparql_store import SparqlStore
from .graph.store import Store
from .graph.stores import open_store

__version__ = "0.1.0"
__all__ = ["extract_text", "extract_file", "build", "build_on_dask", "Store", "SparqlStore", "open_store", "overlap",
           "blast_radius", "flows", "company_overlap", "to_networkx", "PolicyResult", "ReadError", "__version__"]

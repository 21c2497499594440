"""The graph side: store, named queries, analytics, the overlap page, exports."""
from .analytics import blast_radius, company_overlap, flows, overlap, to_networkx
from .sparql_store import SparqlStore
from .store import Store
from .stores import open_store

__all__ = ["Store", "SparqlStore", "open_store", "overlap", "blast_radius", "flows", "company_overlap", "to_networkx"]

"""The graph side: store, named queries, analytics, the overlap page, exports."""
from .analytics import blast_radius, company_overlap, flows, overlap, to_networkx
from .store import Store

__all__ = ["Store", "overlap", "blast_radius", "flows", "company_overlap", "to_networkx"]

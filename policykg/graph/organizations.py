"""The shared organisations graph: what is known about each organisation, written once.

Policy graphs name organisations (as controller, recipient or source); their type, label,
country, category and parent are kept once in ``ORG_GRAPH`` for the whole store. When policy
graphs are dropped or replaced, ``prune`` removes the organisations no policy names any more
(keeping the parents of those still named). It works through plain SPARQL, so the embedded
store and a SPARQL server share it.
"""
from __future__ import annotations

from typing import Callable, Iterable

from ..ontology import ORG
from .rdf import ORG_GRAPH

#: every organisation of the organisations graph
ALL = f"SELECT DISTINCT ?o WHERE {{ GRAPH <{ORG_GRAPH}> {{ ?o a ?type }} }}"
#: those a policy graph names
NAMED = (f"SELECT DISTINCT ?o WHERE {{ GRAPH <{ORG_GRAPH}> {{ ?o a ?type }} "
         f"GRAPH ?g {{ ?x ?p ?o }} FILTER(?g != <{ORG_GRAPH}>) }}")
#: parent links
PARENTS = f"SELECT ?o ?parent WHERE {{ GRAPH <{ORG_GRAPH}> {{ ?o <{ORG}subOrganizationOf> ?parent }} }}"
#: organisations per DELETE request
CHUNK = 500


def unused(select: Callable[[str], Iterable[tuple]]) -> list[str]:
    """The organisations no policy graph names, neither directly nor through a subsidiary or product.

    ``select(query)`` runs a SELECT and yields its rows as tuples of values (IRI strings).
    """
    everyone = {o for o, in select(ALL)}
    keep = {o for o, in select(NAMED)}
    parents: dict[str, set[str]] = {}
    for o, parent in select(PARENTS):
        parents.setdefault(o, set()).add(parent)
    todo = list(keep)
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in keep:
                keep.add(p)
                todo.append(p)
    return sorted(everyone - keep)


def delete_requests(orgs: list[str]) -> Iterable[str]:
    """SPARQL updates removing every triple of ``orgs`` from the organisations graph."""
    for i in range(0, len(orgs), CHUNK):
        values = " ".join(f"<{o}>" for o in orgs[i:i + CHUNK])
        yield (f"DELETE {{ GRAPH <{ORG_GRAPH}> {{ ?o ?p ?v }} }} "
               f"WHERE {{ VALUES ?o {{ {values} }} GRAPH <{ORG_GRAPH}> {{ ?o ?p ?v }} }}")


def prune(select: Callable[[str], Iterable[tuple]], update: Callable[[str], None]) -> int:
    """Remove the organisations no policy names any more; returns how many."""
    orgs = unused(select)
    for request in delete_requests(orgs):
        update(request)
    return len(orgs)

"""Named SPARQL queries shipped as ``.rq`` files, and how to run any query and read its rows."""
from __future__ import annotations

from importlib import resources

import pyoxigraph as ox


class QueryError(Exception):
    """A query that cannot run; the message is one line for the user."""


def named() -> dict[str, str]:
    """Named query -> its SPARQL text."""
    out = {}
    for f in resources.files(__package__).joinpath("queries").iterdir():
        if f.name.endswith(".rq"):
            out[f.name[:-3]] = f.read_text(encoding="utf-8")
    return dict(sorted(out.items()))


def get(name: str) -> str:
    q = named()
    if name not in q:
        raise QueryError(f"no named query {name!r} (known: {', '.join(q)})")
    return q[name]


def describe(name: str) -> str:
    """The first comment line of a named query."""
    for line in get(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def term_value(term) -> object:
    """A Python value for an RDF term (numbers and booleans as such)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def rows(results) -> tuple[list[str], list[dict]]:
    """(variables, rows as dicts of Python values) of SELECT results."""
    if isinstance(results, bool):
        return ["boolean"], [{"boolean": results}]
    if isinstance(results, ox.QueryTriples):
        return ["subject", "predicate", "object"], [
            {"subject": t.subject.value, "predicate": t.predicate.value, "object": term_value(t.object)} for t in results]
    names = [v.value for v in results.variables]
    out = []
    for sol in results:
        out.append({n: term_value(sol[n]) for n in names})
    return names, out


def literal(value) -> str:
    """A SPARQL literal for a Python value (numbers stay numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return str(value)
    s = str(value)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def bind(sparql: str, bindings: dict | None) -> str:
    """Bind query variables by a VALUES block at the start of every WHERE clause, subqueries'
    too (a parameter is a constant wherever the query names it).

    Works on any SPARQL endpoint; an unbound parameter leaves ``!BOUND(?x)`` filters open.

    >>> bind("SELECT * WHERE { ?s ?p ?o }", {"o": "x"})
    'SELECT * WHERE { VALUES ?o { "x" } ?s ?p ?o }'
    """
    if not bindings:
        return sparql
    import re
    def code(m):         # not in a comment
        return "#" not in sparql[sparql.rfind("\n", 0, m.start()) + 1:m.start()]
    wheres = [m for m in re.finditer(r"(?i)\bWHERE\s*\{", sparql) if code(m)]
    wheres = wheres or [m for m in re.finditer(r"\{", sparql) if code(m)][:1]
    if not wheres:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    values = "".join(f"VALUES ?{k} {{ {literal(v)} }} " for k, v in bindings.items())
    out, last = [], 0
    for m in wheres:
        rest = sparql[m.end():]
        out.append(sparql[last:m.end()] + " " + values)
        last = m.end() + len(rest) - len(rest.lstrip(" "))
    return "".join(out) + sparql[last:]


def is_update(sparql: str) -> bool:
    """True for a SPARQL Update request (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...)."""
    import re
    body = re.sub(r"(?m)#.*$", "", sparql)
    body = re.sub(r"(?is)\b(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)", " ", body)
    m = re.match(r"\s*(\w+)", body)
    return bool(m) and m.group(1).upper() in {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}

"""Write the knowledge graph out: RDF formats, GraphML/GEXF for network tools, CSV of flows."""
from __future__ import annotations

import csv
import io
import re

import networkx as nx
import pyoxigraph as ox

from .analytics import flows, to_networkx

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD,
}
FORMATS = [*RDF_FORMATS, "graphml", "gexf", "csv"]

CSV_COLUMNS = ["controller", "controller_country", "recipient", "organization", "category", "recipient_country",
               "action", "cross_border", "data", "purposes", "evidence", "start", "end", "source"]


_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula: a cell led by ``= + - @``
    (or their full-width forms), a tab or a line break gets a leading ``'``; plain numbers stay."""
    s = "" if value is None else str(value)
    if s.startswith(_FORMULA_LEAD) and not _NUMBER.fullmatch(s):
        return "'" + s
    return s


def flow_table(store) -> list[dict]:
    out = []
    for f in flows(store):
        ev = f.get("evidence") or []
        out.append({
            "controller": f["controllerLabel"], "controller_country": f.get("controllerCountry") or "",
            "recipient": f["recipientLabel"], "organization": f.get("organization") or "",
            "category": f.get("category") or "", "recipient_country": f.get("recipientCountry") or "",
            "action": f["action"], "cross_border": "yes" if f.get("crossBorder") else "no",
            "data": "; ".join(f["data"]), "purposes": "; ".join(f["purposes"]),
            "evidence": " … ".join(e["text"] for e in ev),
            "start": ev[0]["start"] if ev else "", "end": ev[0]["end"] if ev else "", "source": f.get("source") or "",
        })
    return out


def write_csv(rows: list[dict], fh, columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0]) if rows else [])
    w = csv.writer(fh)
    w.writerow(columns)
    for r in rows:
        w.writerow([safe_cell(r.get(c)) for c in columns])


def export(store, fmt: str, path: str) -> None:
    """Write the whole store (all policies and the vocabulary) to ``path`` in ``fmt``."""
    if fmt in RDF_FORMATS:
        with open(path, "wb") as fh:
            store.dump(fh, RDF_FORMATS[fmt])
    elif fmt in ("graphml", "gexf"):
        g = nx.DiGraph(to_networkx(flows(store)))  # one edge per company-recipient pair for network tools
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, path)
    elif fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            write_csv(flow_table(store), fh, CSV_COLUMNS)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def csv_text(rows: list[dict], columns: list[str] | None = None) -> str:
    buf = io.StringIO()
    write_csv(rows, buf, columns)
    return buf.getvalue()

"""Tables in a policy's text: Markdown and pipe tables (HTML tables are read as pipe rows), tab-separated rows.

A recipient table is one whose header names a company or service column; its rows name
recipients, and its other columns (data, purpose, location) say what each receives, why and where.

>>> t = find_tables("Vendor | Purpose | Location\\n|---|---|---|\\nStripe | payments | USA\\n")[0]
>>> t.roles["company"], [t.cell_text(r, t.roles["location"]) for r in t.rows]
(0, ['USA'])
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .phrases import fold

_SEPARATOR = re.compile(r"^[\s|:\-–—=+]*$")


@dataclass
class Table:
    text: str
    start: int
    end: int
    header: list[tuple[int, int]] | None
    rows: list[list[tuple[int, int]]] = field(default_factory=list)   # cells as (start, end) offsets
    row_spans: list[tuple[int, int]] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)                 # role -> column index

    def cell_text(self, row: list[tuple[int, int]], col: int | None) -> str:
        if col is None or col >= len(row):
            return ""
        a, b = row[col]
        return self.text[a:b]

    @property
    def is_recipient_table(self) -> bool:
        return "company" in self.roles or "name" in self.roles


@lru_cache(maxsize=1)
def _roles() -> list[tuple[str, re.Pattern]]:
    raw = json.loads(resources.files("policykg.extract").joinpath("tables.json").read_text(encoding="utf-8"))
    return [(role, re.compile(rf"(?:{rx})", re.I)) for role, rx in raw["roles"]]


def header_roles(cells: list[str]) -> dict[str, int]:
    """Column index of each role a header row names (the first column wins a role)."""
    out: dict[str, int] = {}
    for i, c in enumerate(cells):
        c = re.sub(r"[\s*_`#:：]+", " ", fold(c, lower=False)).strip().lower()
        if not c or len(c) > 60:
            continue
        for role, rx in _roles():
            if rx.fullmatch(c) and role not in out:
                out[role] = i
                break
    return out


def _cells(text: str, a: int, b: int, sep: str) -> list[tuple[int, int]]:
    line = text[a:b]
    parts, pos = [], 0
    for m in re.finditer(re.escape(sep), line):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, len(line)))
    if sep == "|":   # leading and trailing pipes frame the row
        if parts and not line[parts[0][0]:parts[0][1]].strip():
            parts = parts[1:]
        if parts and not line[parts[-1][0]:parts[-1][1]].strip():
            parts = parts[:-1]
    out = []
    for x, y in parts:
        seg = line[x:y]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        out.append((a + x + lead, a + x + max(trail, lead)))
    return out


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def find_tables(text: str) -> list[Table]:
    """Runs of two or more lines split into two or more cells by pipes or tabs."""
    if "|" not in text and "\t" not in text:
        return []
    out: list[Table] = []
    run: list[tuple[int, int, str]] = []   # (start, end, separator); a |---| line has separator "-"

    def close():
        if len(run) >= 2:
            out.append(_table(text, run))
        run.clear()

    for a, b in _lines(text):
        line = text[a:b]
        sep = "|" if line.count("|") >= 1 and len(line.strip()) > 1 else ("\t" if "\t" in line.strip() else None)
        if sep is None or (run and run[-1][2].replace("-", "|") != sep):
            close()
            if sep is None:
                continue
        if sep == "|" and _SEPARATOR.match(line):
            run.append((a, b, "-"))
            continue
        if len([c for c in _cells(text, a, b, sep) if c[1] > c[0]]) >= 2 or (run and sep == "|"):
            run.append((a, b, sep))
        else:
            close()
    close()
    return out


def _table(text: str, run: list[tuple[int, int, str]]) -> Table:
    sep = next(s for _a, _b, s in run if s != "-")
    lines = [(a, b) for a, b, s in run if s != "-"]
    t = Table(text=text, start=run[0][0], end=run[-1][1], header=None)
    first = _cells(text, *lines[0], sep)
    roles = header_roles([text[a:b] for a, b in first])
    body = lines
    if roles:
        t.header, t.roles, body = first, roles, lines[1:]
    for a, b in body:
        t.rows.append(_cells(text, a, b, sep))
        t.row_spans.append((a, b))
    return t

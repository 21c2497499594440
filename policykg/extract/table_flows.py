"""Flows from recipient tables: one flow per row, to the organisation the row names.

The company column wins over the service column, except where the service is a product of
that company (Googleアナリティクス | Google LLC → Google Analytics, owned by Google). The
location column gives the recipient's country; the data and purpose columns, when there,
say what it receives and why; otherwise the text before the table does.
"""
from __future__ import annotations

import re

from .controller import _clean, is_controller_name
from .flows import (Decider, FlowBuilder, Policy, _action, _group_context, _is_ancestor, _purposes, context_category,
                    registry_party)
from .lexicon import UNSPECIFIED
from .model import Evidence, Party
from .phrases import fold
from .tables import Table

_NOT_A_NAME = re.compile(r"(?i)^(?:-+|—|–|n/?a|none|なし|ー|yes|no|\d+[\d\s.,]*|https?://\S*|www\.\S*)$")


def _orgs_in(p: Policy, t: Table, row, col: int | None) -> list[str]:
    text = t.cell_text(row, col)
    if not text:
        return []
    reg = p.lex.registry
    return [oid for _a, _b, (oid, _weak) in reg.matcher.finditer(text, fold(text, lower=False))]


def _unknown_name(p: Policy, t: Table, row, col: int | None) -> str | None:
    text = _clean(re.sub(r"\s+", " ", t.cell_text(row, col)))
    if not text or len(text) > 60 or len(text.split()) > 6 or _NOT_A_NAME.match(text) or "://" in text:
        return None
    return text


def row_party(p: Policy, t: Table, row, category: str | None) -> Party | None:
    """The organisation a table row names, or None when the row names none (or a non-recipient)."""
    reg = p.lex.registry
    comp, name = t.roles.get("company"), t.roles.get("name")
    comp_ids, name_ids = _orgs_in(p, t, row, comp), _orgs_in(p, t, row, name)
    oid = None
    if comp_ids and name_ids and reg.top(name_ids[0]).id == reg.top(comp_ids[0]).id:
        oid = name_ids[0]
    else:   # a service the registry knows, under a company name it does not (a local subsidiary's)
        oid = comp_ids[0] if comp_ids else (name_ids[0] if name_ids else None)
    if oid:
        return registry_party(reg, oid, p.controller) if reg.get(oid).role == "recipient" else None
    unknown = _unknown_name(p, t, row, comp if comp is not None else name)
    if not unknown:
        return None
    return Party(name=unknown, organization=unknown, category=category or "other", known=False)


def _context(p: Policy, t: Table) -> tuple[list[int], int]:
    """The sentence that introduces the table (if any) and the block the table starts in."""
    first = p.sentence_at(t.start)
    block = p.seg.sentences[first].block
    ctx = []
    if t.start > 0:
        prev = p.sentence_at(t.start - 1)
        if p.seg.sentences[prev].end <= t.start and p.seg.blocks[p.seg.sentences[prev].block].kind != "heading":
            ctx.append(prev)
    return ctx, block


def add_table_flows(p: Policy, fb: FlowBuilder, d: Decider) -> None:
    """A flow for every row of every recipient table of the policy."""
    lex = p.lex
    own = lex.registry.find_name(p.controller.name) if p.controller.name else None
    for t in p.tables:
        ctx, block = _context(p, t)
        if any(d.negated(i) for i in ctx):
            continue
        cat = context_category(p, ctx, block)
        for row, (ra, rb) in zip(t.rows, t.row_spans):
            party = row_party(p, t, row, cat)
            if party is None:
                continue
            org = lex.registry.find_name(party.name) if party.known else None
            own_group = is_controller_name(party.name, p.controller) or (
                org is not None and own is not None and (org.id == own.id or _is_ancestor(lex.registry, own.id, org.id)))
            if own_group and not _group_context(p, d, ctx, block):
                continue
            loc = t.cell_text(row, t.roles.get("location"))
            for _a, _b, cc in lex.places.finditer(loc, fold(loc, lower=False)):
                party.country = cc
                break
            data = []
            for role in ("data", "purpose"):
                col = t.roles.get(role)
                if col is not None and col < len(row):
                    data = p.ann.data_in(*row[col])
                    if data and data != [UNSPECIFIED]:
                        break
            if not data or data == [UNSPECIFIED]:
                for i in ctx:
                    s = p.seg.sentences[i]
                    data = p.ann.data_in(s.start, s.end) or data
            col = t.roles.get("purpose")
            purposes = p.ann.purposes_in(*row[col]) if col is not None and col < len(row) else []
            purposes = purposes or _purposes(p, ctx, block)
            if not purposes and party.category in lex.category_purpose:
                purposes = [lex.category_purpose[party.category]]
            fb.add_flow(party, _action(p, ctx, block, party.category), data or [UNSPECIFIED], purposes, ctx,
                        rows=[Evidence(text=p.text[ra:rb], start=ra, end=rb)])

"""Extraction as a pipeline of small steps: read → language → segment → controller →
annotate → flows → collected categories."""
from __future__ import annotations

import hashlib
import re

from .controller import find_controller
from .datacats import Annotated
from .flows import Decider, Policy, build, find_mentions
from .language import detect_language
from .lexicon import UNSPECIFIED, load
from .model import Collected, Evidence, Party, PolicyResult
from .phrases import Folded
from .read import DEFAULT_MAX_BYTES, Document, read_bytes, read_path
from .segment import segment
from .table_flows import add_table_flows

_MAX_EVIDENCE = 3


def extract_text(text: str, source: str = "<text>", controller: str | None = None,
                 language: str | None = None) -> PolicyResult:
    """Extract flows from a policy's text.

    >>> r = extract_text("Acme Inc. (\\"we\\") uses Stripe to process your credit card number.")
    >>> r.controller.name, r.flows[0].recipient.organization, r.flows[0].data[0].label
    ('Acme Inc.', 'Stripe', 'payment card number')
    """
    lex = load()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()   # of the text as read (build compares it)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = mask_crawl_header(text)
    lang = language or detect_language(text)
    seg = segment(text)
    folded = Folded(text)
    ctrl = find_controller(text, lex, controller, folded)
    ann = Annotated(text, folded, lex)
    pol = Policy(seg, ann, lex, ctrl)
    mentions = find_mentions(pol)
    decider = Decider(pol, mentions)
    fb = build(pol, mentions, decider)
    add_table_flows(pol, fb, decider)
    result = PolicyResult(
        source=source, language=lang, controller=ctrl,
        text_sha256=digest, chars=len(text),
        flows=list(fb.flows.values()), sources=list(fb.sources.values()),
        conditions=list(fb.conditions.values()),
    )
    result.collected = collected(pol)
    if not ctrl.country and lang == "ja":
        ctrl.country = "JP"
    return result


_CRAWL_HEADER = re.compile(r"(?:[ \t]*#[ \t]*(?:source|commit|note|url|fetched|retrieved|crawled|crawl date|original)"
                           r"[ \t]*:[^\n]*\n)+", re.I)


def mask_crawl_header(text: str) -> str:
    """Blank out a crawl's metadata lines at the top (``# source: ...``), keeping every offset."""
    m = _CRAWL_HEADER.match(text)
    if not m:
        return text
    return re.sub(r"[^\n]", " ", m.group(0)) + text[m.end():]


def collected(p: Policy) -> list[Collected]:
    """Data categories the policy says are collected, each with up to three sentences."""
    cues = p.lex.cues
    seg, ann = p.seg, p.ann
    out: dict[str, Collected] = {}
    says_collect: dict[int, bool] = {}   # whether a lead-in or heading block says it collects, once per block

    def block_says_collect(i: int) -> bool:
        if i not in says_collect:
            b = seg.blocks[i]
            says_collect[i] = cues.has("collect", p.text[b.content_start:b.end])
        return says_collect[i]

    named = {p.sentence_at(a) for a, _b, _iri in ann.data} if seg.sentences else set()
    for si in sorted(named):   # the sentences that name data (the others have nothing to collect)
        s = seg.sentences[si]
        spans = ann.data_spans(s.start, s.end)
        if all(iri in out and len(out[iri].evidence) >= _MAX_EVIDENCE for _a, _b, iri in spans):
            continue   # no data, or none that needs another sentence
        blk = seg.blocks[s.block]
        t = p.text[s.start:s.end]
        found = p.cues_found(si)
        ok = cues.has("collect", t, found) and not cues.has("negation", t, found)
        if not ok and blk.kind == "item" and blk.lead >= 0:
            ok = block_says_collect(blk.lead)
        if not ok:
            ok = any(block_says_collect(h) for h in p.headings(s.block)[:2])
        if not ok:
            continue
        for _a, _b, iri in spans:
            c = out.get(iri)
            if c is None:
                con = p.lex.data.get(iri)
                c = out[iri] = Collected(label=con.label_en if con else iri, iri=iri)
            if len(c.evidence) < _MAX_EVIDENCE and all(e.start != s.start for e in c.evidence):
                c.evidence.append(Evidence(text=t, start=s.start, end=s.end))
    if len(out) > 1:
        out.pop(UNSPECIFIED, None)
    return list(out.values())


def extract_document(doc: Document, controller: str | None = None, language: str | None = None) -> PolicyResult:
    r = extract_text(doc.text, source=doc.source, controller=controller, language=language)
    r.encoding = doc.encoding
    return r


def extract_file(path: str, controller: str | None = None, language: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> PolicyResult:
    """Read and extract one policy file (.txt, .html, .md). Raises ReadError for a bad file."""
    return extract_document(read_path(path, max_bytes), controller=controller, language=language)


def extract_bytes(data: bytes, source: str, controller: str | None = None) -> PolicyResult:
    return extract_document(read_bytes(data, source), controller=controller)


__all__ = ["extract_text", "extract_file", "extract_bytes", "extract_document", "Party"]

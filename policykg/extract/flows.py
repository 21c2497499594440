"""Find the organisations a policy names, decide what each mention says, and build flows.

A mention is a flow (the controller gives it data), a source (the controller gets
data from it: social login), a condition ("we will not share ... except"), or
nothing (a browser, an opt-out body, a link). The decision reads the sentence,
then the list's lead-in, then the section heading.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .controller import _clean, company_names, is_controller_name
from .datacats import Annotated
from .lexicon import UNSPECIFIED, Lexicon, _org_key
from .literals import GatedPattern, gated
from .names import find_names, written_in_lower_case
from .model import Condition, DataItem, Evidence, Flow, Party, Source
from .segment import Segmentation
from .tables import find_tables

URL_RX = gated(r"(?:https?://|www\.)[^\s<>\"'）」\]]{1,300}|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}")
GatedPattern.share_literals([URL_RX])   # read on the whole text
_STOP_FIRST = {"the", "our", "by", "if", "when", "with", "contact", "from", "and", "please", "copyright", "all", "any",
               "such", "this", "these", "those", "its", "their", "your", "in", "at", "of", "for", "to", "or", "as"}
_GENERIC_UNKNOWN = re.compile(r"(?i)^(the )?(company|group|holding|holdings|corporation|inc|ltd|llc|limited|affiliates?)$")


@dataclass
class Mention:
    start: int
    end: int
    sentence: int
    org_id: str | None     # registry id; None for an organisation the registry does not know
    name: str


class Policy:
    """One policy's text with its segmentation, annotations and helpers."""

    def __init__(self, seg: Segmentation, ann: Annotated, lex: Lexicon, controller: Party):
        self.seg, self.ann, self.lex, self.controller = seg, ann, lex, controller
        self.text = seg.text
        self._starts = [s.start for s in seg.sentences]
        self.urls = [(m.start(), m.end()) for m in URL_RX.finditer(self.text)]
        self._url_starts = [a for a, _ in self.urls]
        self.section_end = self._section_ends()
        self.tables = [t for t in find_tables(self.text) if t.is_recipient_table]
        self.actions: dict[tuple, str] = {}   # what a context says is done (_action), once per context
        self._cues_found: dict[int, set[int]] = {}

    def in_table(self, pos: int) -> bool:
        """Inside the body of a recipient table (those rows are read as table rows, not as prose)."""
        return any(t.start <= pos < t.end for t in self.tables)

    def _section_ends(self) -> dict[int, int]:
        ends, blocks = {}, self.seg.blocks
        for i, b in enumerate(blocks):
            if b.kind != "heading":
                continue
            j = i + 1
            while j < len(blocks) and not (blocks[j].kind == "heading" and blocks[j].level <= b.level):
                j += 1
            ends[i] = j
        return ends

    def sentence_at(self, pos: int) -> int:
        i = bisect.bisect_right(self._starts, pos) - 1
        return max(i, 0)

    def in_url(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self._url_starts, a) - 1
        return i >= 0 and self.urls[i][0] <= a < self.urls[i][1]

    def stext(self, i: int) -> str:
        return self.seg.sentence_text(i)

    def cues_found(self, i: int) -> set[int]:
        """``lex.cues.scan`` of sentence i, once."""
        if i not in self._cues_found:
            self._cues_found[i] = self.lex.cues.scan(self.stext(i))
        return self._cues_found[i]

    def evidence(self, i: int) -> Evidence:
        s = self.seg.sentences[i]
        return Evidence(text=self.text[s.start:s.end], start=s.start, end=s.end)

    def lead_sentences(self, block: int) -> list[int]:
        b = self.seg.blocks[block]
        if b.kind != "item" or b.lead < 0:
            return []
        lead = self.seg.blocks[b.lead]
        return lead.sentences[-1:] if lead.sentences else []

    def siblings(self, block: int) -> list:
        """The other items of the list an item belongs to (same lead-in, same section, contiguous)."""
        blocks, me = self.seg.blocks, self.seg.blocks[block]
        same = lambda b: b.kind == "item" and b.lead == me.lead and b.section == me.section  # noqa: E731
        out, j = [], block - 1
        while j >= 0 and same(blocks[j]):
            out.append(blocks[j])
            j -= 1
        j = block + 1
        while j < len(blocks) and same(blocks[j]):
            out.append(blocks[j])
            j += 1
        return out

    def headings(self, block: int) -> list[int]:
        """Section heading blocks of a block, innermost first."""
        out, h = [], self.seg.blocks[block].section
        while h >= 0 and h not in out:
            out.append(h)
            h = self.seg.blocks[h].section
        return out

    def section_sentences(self, heading: int) -> list[int]:
        out = []
        for j in range(heading + 1, self.section_end.get(heading, heading + 1)):
            out.extend(self.seg.blocks[j].sentences)
        return out


# ---------------------------------------------------------------- mentions

class Spans:
    """Non-overlapping (start, end) spans, kept sorted, with a fast overlap test."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_left(self.starts, b) - 1
        return i >= 0 and self.ends[i] > a

    def add(self, a: int, b: int) -> None:
        i = bisect.bisect_left(self.starts, a)
        self.starts.insert(i, a)
        self.ends.insert(i, b)


def find_mentions(p: Policy) -> list[Mention]:
    """Every organisation named outside URLs, registry names first, then unknown company names."""
    text, lex = p.text, p.lex
    reg = lex.registry
    folded = p.ann.folded
    folded_case = folded.case
    taken = Spans()
    out: list[Mention] = []
    for a, b, (oid, weak) in reg.matcher.finditer(text, folded):
        if p.in_url(a, b):
            continue
        org = reg.get(oid)
        if weak and not _weak_confirmed(p, a, b, org, folded_case):
            continue
        out.append(Mention(a, b, p.sentence_at(a), oid, org.name))
        taken.add(a, b)
    for m in company_names(text):
        for a, b in _split_names(text, m.start(), m.end()):
            if p.in_url(a, b) or taken.overlaps(a, b):
                continue
            name = _clean(text[a:b])
            words = name.split()
            while words and words[0].lower() in _STOP_FIRST:
                words = words[1:]
            name = " ".join(words)
            if len(name) < 3 or _GENERIC_UNKNOWN.match(name):
                continue
            if text[b - len(name):b] == name:
                a = b - len(name)  # the name without the leading words dropped above
            org = reg.find_name(name)
            out.append(Mention(a, b, p.sentence_at(a), org.id if org else None, org.name if org else name))
            taken.add(a, b)
    for a, b, name in find_names(text, lex, p.controller, taken):
        if not p.in_url(a, b):
            out.append(Mention(a, b, p.sentence_at(a), None, name))
    out.sort(key=lambda m: m.start)
    ctrl_key = _org_key(p.controller.name) if p.controller.name else None
    return [m for m in out if _org_key(m.name) != ctrl_key
            and not (m.org_id and p.controller.organization and reg.get(m.org_id).name == p.controller.organization)]


_INNER_SUFFIX = re.compile(r"\b(?:Inc|Ltd|LLC|Corp|Co|plc|GmbH|AG|SA)\.?(,?\s+(?:and|or|&)\s+|,\s+(?!Ltd|Limited|Inc))")


def _split_names(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split "X, Inc., and Y, Inc." into its two companies."""
    out, pos = [], a
    for m in _INNER_SUFFIX.finditer(text, a, b):
        out.append((pos, m.start(1)))
        pos = m.end(1)
    out.append((pos, b))
    return [(x, y) for x, y in out if y > x]


_LABEL_PREFIX = re.compile(r"^[^\w(]*(?:[\w&/ -]{1,30}[:：]\s*)?")
_PAREN_SUFFIX = re.compile(r"\s*[(（][^)）]{0,80}[)）]?\s*$")


def _weak_confirmed(p: Policy, a: int, b: int, org, folded_case: str) -> bool:
    """A weak alias ("Crypto", "Square", "Front") counts only where it is plainly a name: alone on its line
    (after a "Label:" and before a parenthesis), with its domain nearby, written in Latin letters inside
    Japanese text, or capitalised in mid-sentence in a text that never writes the word in lower case."""
    s = p.seg.sentences[p.sentence_at(a)]
    blk = p.seg.blocks[s.block]
    word = p.text[a:b]
    if not (s.start <= a < s.end) or a < blk.content_start:
        return False   # a list or section number ("X. Changes to this policy"), not a name
    before = _LABEL_PREFIX.sub("", p.text[blk.content_start:a], count=1)
    after = _PAREN_SUFFIX.sub("", p.text[b:blk.end])
    rest = (before + after).strip(" \t:-–—,.;()")
    short = len(word) < 3 or re.fullmatch(r"[IVXLC]+", word)
    if not short and (not rest or re.fullmatch(r"(?i)[:\-–—\s]*(privacy policy|privacy notice|website|site)?[.\s]*", rest)):
        return True
    window = folded_case[max(0, a - 300):b + 300].lower()   # (only what is read is lower-cased)
    if any(re.search(r"(?<![\w.-])" + re.escape(d.lower()) + r"(?![\w-])", window) for d in org.domains):
        return True
    if short:
        return False
    prev_c, next_c = p.text[a - 1:a], p.text[b:b + 1]
    if _is_ja(prev_c) or _is_ja(next_c) or (prev_c == " " and _is_ja(p.text[a - 2:a - 1])):
        return True
    return _proper_noun(p, a, b)


def _is_ja(c: str) -> bool:
    return bool(c) and ("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" or c in "、。「」（）・")


def _proper_noun(p: Policy, a: int, b: int) -> bool:
    """Capitalised in mid-sentence, between lower-case words, and never written in lower case in the text."""
    word = p.text[a:b]
    if not word[:1].isupper() or word.isupper() and len(word) < 4:
        return False
    s = p.seg.sentences[p.sentence_at(a)]
    head = p.text[s.start:a].rstrip()
    if not head or head.endswith((":", "-", "•", "*", "|")):
        return False
    prev_word = re.findall(r"[\w'’]+", head[-40:])
    nxt = re.match(r"\s*([\w'’]+)", p.text[b:b + 40])
    if prev_word and prev_word[-1][:1].isupper() or nxt and nxt.group(1)[:1].isupper():
        return False  # part of a longer capitalised name or a title-case line
    return not written_in_lower_case(p.text, word)


# ---------------------------------------------------------------- deciding

def _masked(p: Policy, sent: int, mentions: list[Mention]) -> str:
    """The sentence with the organisations in it (``mentions`` of that sentence) written ORG."""
    s = p.seg.sentences[sent]
    t = p.text[s.start:s.end]
    for m in sorted((m for m in mentions if s.start <= m.start < s.end), key=lambda m: -m.start):
        t = t[:m.start - s.start] + "ORG" + t[min(m.end, s.end) - s.start:]
    return t


class Decider:
    """Decide what each sentence says about the organisations it names."""

    def __init__(self, p: Policy, mentions: list[Mention]):
        self.p = p
        self.mentions = mentions
        self.cues = p.lex.cues
        self._cache: dict[int, str] = {}
        self._found: dict[int, set[int]] = {}
        self._has: dict[tuple[str, int], bool] = {}
        self._decided: dict[int, tuple[str, list[int]]] = {}
        self.data_for: dict[tuple, list[str]] = {}   # _data_for's answers, once per question
        self.by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            self.by_sentence.setdefault(m.sentence, []).append(m)

    def masked(self, sent: int) -> str:
        if sent not in self._cache:
            self._cache[sent] = _masked(self.p, sent, self.by_sentence.get(sent, []))
        return self._cache[sent]

    def has(self, cue: str, sent: int) -> bool:
        key = (cue, sent)
        known = self._has.get(key)
        if known is None:
            masked = self.masked(sent)
            if sent not in self._found:   # (a sentence that names no organisation reads as it is written)
                self._found[sent] = self.cues.scan(masked) if sent in self.by_sentence else self.p.cues_found(sent)
            known = self._has[key] = self.cues.has(cue, masked, self._found[sent])
        return known

    def negated(self, sent: int) -> bool:
        return self.has("negation", sent)

    def decide(self, sent: int) -> tuple[str, list[int]]:
        """('flow'|'source'|'condition'|'none', the sentences that say so)."""
        if sent not in self._decided:
            self._decided[sent] = self._decide(sent)
        kind, ctx = self._decided[sent]
        return kind, list(ctx)

    def _decide(self, sent: int) -> tuple[str, list[int]]:
        p = self.p
        block = p.seg.sentences[sent].block
        if self.negated(sent):
            return "condition", [sent]
        leads = p.lead_sentences(block)
        for ls in leads:
            if self.negated(ls) and self.has("exception", ls):
                return "condition", [ls, sent]
        if self.has("source", sent):
            return "source", [sent]
        strong = self.has("flow", sent)
        topic = self.has("flow_topic", sent)
        blocked = self.has("not_recipient", sent)
        if strong or (topic and not blocked):
            return "flow", [sent]
        for ls in leads:
            if self.negated(ls):
                return "condition", [ls, sent]
            if self.has("source", ls):
                return "source", [ls, sent]
            short_item = p.seg.blocks[block].kind == "item" and len(self.masked(sent)) <= 40
            if (short_item or not blocked) and (self.has("flow", ls) or self.has("flow_topic", ls)):
                return "flow", [ls, sent]
        if blocked:
            return "none", []
        for h in p.headings(block)[:2]:
            hs = p.seg.blocks[h].sentences
            if hs and self.has("heading", hs[0]) and not self.has("source", hs[0]):
                return "flow", [sent]
        return "none", []


# ---------------------------------------------------------------- building

def _specific(iris: list[str]) -> list[str]:
    return [x for x in iris if x != UNSPECIFIED]


def _data_for(p: Policy, d: Decider, sent: int, ctx: list[int], skip) -> list[str]:
    """Data the text ties to a recipient: its sentence, then its list item or paragraph, then
    the list's lead-in, then (unless it is one item of a list of recipients) its section."""
    key = (sent, tuple(ctx), tuple(skip))
    if key not in d.data_for:
        d.data_for[key] = _find_data_for(p, d, sent, ctx, skip)
    return list(d.data_for[key])


def _find_data_for(p: Policy, d: Decider, sent: int, ctx: list[int], skip) -> list[str]:
    ann = p.ann
    s = p.seg.sentences[sent]
    blk = p.seg.blocks[s.block]
    general = False
    found = ann.data_in(s.start, s.end, skip)
    if _specific(found):
        return found + [x for x in _specific(_next_says(p, d, sent)) if x not in found]
    general |= bool(found)
    if sent > 0 and d.has("anaphora", sent):
        prev = p.seg.sentences[sent - 1]
        found = ann.data_in(prev.start, prev.end)
        if _specific(found):
            return found
    found = _next_says(p, d, sent)
    if _specific(found):
        return found
    found = ann.data_in(blk.content_start, blk.end, skip)
    if _specific(found):
        return found
    general |= bool(found)
    if blk.kind == "item":
        # a sibling item that lists the data: "共同して利用される個人データの項目：氏名、…"
        for sib in p.siblings(s.block):
            if d.cues["data_items"].search(p.text[sib.content_start:sib.end]):
                found = ann.data_in(sib.content_start, sib.end)
                if _specific(found):
                    return _specific(found)
    for c in ctx:
        if c != sent:
            cs = p.seg.sentences[c]
            found = ann.data_in(cs.start, cs.end)
            if _specific(found):
                return found
            general |= bool(found)
    if general:
        return [UNSPECIFIED]
    for h in p.headings(s.block)[:2]:
        # the section's paragraphs, not its list items: those name other recipients' data
        sents = [i for i in p.section_sentences(h) if p.seg.blocks[p.seg.sentences[i].block].kind == "para"]
        if len(sents) > 40:
            break
        said = [(i, _said(p, d, i)) for i in sents]
        # (a sentence that names no data adds nothing: whether it speaks of sharing is not asked)
        cued = [got for i, got in said if got and (d.has("flow", i) or d.has("flow_topic", i)) and not d.negated(i)]
        for group in (cued, [got for _i, got in said]):
            acc: list[str] = []
            for got in group:
                acc += [g for g in got if g not in acc]
            if _specific(acc):
                return _specific(acc)
            general |= bool(acc)
    return [UNSPECIFIED] if general else []


def _said(p: Policy, d: Decider, i: int) -> list[str]:
    """Data sentence ``i`` names, or the sentence before it names when it refers back to it ("such data")."""
    cs = p.seg.sentences[i]
    got = p.ann.data_in(cs.start, cs.end)
    if not got and i > 0 and d.has("anaphora", i):
        prev = p.seg.sentences[i - 1]
        got = p.ann.data_in(prev.start, prev.end)
    return got


def _next_says(p: Policy, d: Decider, sent: int) -> list[str]:
    """Data named by the next sentence when it speaks of the same thing ("This feature collects age and gender")."""
    nxt = sent + 1
    if nxt >= len(p.seg.sentences) or not d.has("anaphora", nxt):
        return []
    ns = p.seg.sentences[nxt]
    if p.seg.blocks[ns.block].kind == "heading":
        return []
    return p.ann.data_in(ns.start, ns.end)


def _action(p: Policy, ctx: list[int], block: int, category: str | None) -> str:
    if category == "government":
        return "disclose-to-authorities"
    key = (tuple(ctx), block)
    if key not in p.actions:
        texts = [p.stext(i) for i in ctx] + [p.stext(p.seg.blocks[h].sentences[0]) for h in p.headings(block)[:2]
                                             if p.seg.blocks[h].sentences]
        joined = "\n".join(texts)
        acts = p.lex.actions
        found = acts.scan(joined)
        p.actions[key] = next((name for name in acts.rx if name != "disclose-to-authorities"
                               and acts.has(name, joined, found)), "share")
    return p.actions[key]


def _purposes(p: Policy, ctx: list[int], block: int) -> list[str]:
    out: list[str] = []
    for i in ctx:
        s = p.seg.sentences[i]
        out += [x for x in p.ann.purposes_in(s.start, s.end) if x not in out]
    if not out:
        for h in p.headings(block)[:1]:
            b = p.seg.blocks[h]
            out += p.ann.purposes_in(b.content_start, b.end)
    return out


#: sentences kept as evidence of one flow, source or condition (the first ones the policy gives)
MAX_EVIDENCE = 10
#: mentions of one organisation read in one policy
MAX_MENTIONS = 50

ACTION_RANK = ["joint-use", "disclose-to-authorities", "provide-to-third-party", "sell", "entrust", "transfer", "share"]


class FlowBuilder:
    """Collects flows, sources and conditions, merging repeats of the same recipient."""

    def __init__(self, p: Policy):
        self.p = p
        self.flows: dict[tuple, Flow] = {}
        self.sources: dict[str, Source] = {}
        self.conditions: dict[int, Condition] = {}

    def _data_items(self, iris: list[str], inferred: bool = False) -> list[DataItem]:
        out = []
        for iri in iris:
            c = self.p.lex.data.get(iri)
            out.append(DataItem(label=c.label_en if c else iri.rsplit("#", 1)[-1], iri=iri, inferred=inferred))
        return out

    def add_flow(self, party: Party, action: str, data: list[str], purposes: list[str], ev: list[int],
                 rows: list[Evidence] = ()):
        """Add (or merge into) the flow to ``party``: the data the text ties to it, and, marked inferred,
        the data its kind implies (a payment processor receives card data)."""
        key = (party.name, party.organization)
        f = self.flows.get(key)
        if f is None:
            f = self.flows[key] = Flow(recipient=party, action=action)
        elif ACTION_RANK.index(action) < ACTION_RANK.index(f.action):
            f.action = action
        items = {x.iri: x for x in f.data}
        for item in self._data_items(data):
            if item.iri not in items or items[item.iri].inferred:
                items[item.iri] = item
        for item in self._data_items(self.p.lex.category_data.get(party.category or "", []), inferred=True):
            items.setdefault(item.iri, item)
        if len(items) > 1:
            items.pop(UNSPECIFIED, None)
        f.data = list(items.values())
        pur = {x["iri"] for x in f.purposes}
        for iri in purposes:
            if iri not in pur:
                c = self.p.lex.purposes.get(iri)
                f.purposes.append({"label": c.label_en if c else iri.rsplit("#", 1)[-1], "iri": iri})
                pur.add(iri)
        have = {x["iri"] for x in f.legal_bases}
        for i in ev:   # the legal basis the same sentences give ("with your consent", "本人の同意")
            s = self.p.seg.sentences[i]
            for iri in self.p.ann.legal_in(s.start, s.end):
                if iri not in have:
                    c = self.p.lex.legal_bases.get(iri)
                    f.legal_bases.append({"label": c.label_en if c else iri.rsplit("#", 1)[-1], "iri": iri})
                    have.add(iri)
        for e in rows:   # table rows: the row is the evidence, before the sentence introducing the table
            if len(f.evidence) < MAX_EVIDENCE and all((x.start, x.end) != (e.start, e.end) for x in f.evidence):
                f.evidence.append(e)
        self._add_evidence(f.evidence, ev)

    def _add_evidence(self, evs: list[Evidence], sents: list[int]):
        if len(evs) >= MAX_EVIDENCE:
            return
        have = {(e.start, e.end) for e in evs}
        for i in sents[:MAX_EVIDENCE - len(evs)]:
            e = self.p.evidence(i)
            if (e.start, e.end) not in have:
                evs.append(e)
                have.add((e.start, e.end))

    def add_source(self, party: Party, data: list[str], ev: list[int]):
        s = self.sources.get(party.name)
        if s is None:
            s = self.sources[party.name] = Source(source=party)
        have = {d.iri for d in s.data}
        s.data += [d for d in self._data_items(data) if d.iri not in have]
        self._add_evidence(s.evidence, ev)

    def add_condition(self, ev: list[int], recipient: str | None):
        c = self.conditions.get(ev[0])
        if c is None:
            c = self.conditions[ev[0]] = Condition(text=self.p.stext(ev[0]))
        if recipient and recipient not in c.recipients:
            c.recipients.append(recipient)
        self._add_evidence(c.evidence, ev)


def registry_party(reg, oid: str, controller: Party) -> Party:
    """The recipient a registry organisation stands for: a product names its company ("Google Analytics" → Google)."""
    org = reg.get(oid)
    company = reg.company(oid)
    parent = reg.orgs.get(org.parent) if org.parent else None
    if is_controller_name(reg.top(oid).name, controller):
        company, parent = org, None  # a group company of the controller stands for itself
    return Party(name=org.name, organization=company.name, category=org.category or company.category,
                 country=org.country or company.country, parent=parent.name if parent else None, known=True)


def party_for(p: Policy, m: Mention, category: str | None = None) -> Party:
    """The recipient a mention names: a registry organisation, or an unknown one of ``category``."""
    if m.org_id:
        return registry_party(p.lex.registry, m.org_id, p.controller)
    return Party(name=m.name, organization=m.name, category=category or "other", known=False)


def context_category(p: Policy, sents: list[int], block: int) -> str | None:
    """The recipient category a context names ("payment processors", "配送会社")."""
    spans = []
    for i in sents:
        s = p.seg.sentences[i]
        spans += p.ann.unnamed_in(s.start, s.end)
    if not spans:
        for h in p.headings(block)[:1]:
            b = p.seg.blocks[h]
            spans += p.ann.unnamed_in(b.content_start, b.end)
    return spans[0][2] if spans else None


def build(p: Policy, mentions: list[Mention] | None = None, d: Decider | None = None) -> FlowBuilder:
    """Flows, sources and conditions of one policy (``mentions`` from find_mentions, found here if not given)."""
    lex = p.lex
    mentions = find_mentions(p) if mentions is None else mentions
    d = d or Decider(p, mentions)
    fb = FlowBuilder(p)
    named_sents: set[int] = set()
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.org_id:
            by_sent.setdefault(m.sentence, []).append(m)
    own = lex.registry.find_name(p.controller.name) if p.controller.name else None
    times: dict[str, int] = {}
    for m in mentions:
        org = lex.registry.get(m.org_id) if m.org_id else None
        if org is not None and org.role != "recipient":
            continue
        times[m.org_id or m.name] = n = times.get(m.org_id or m.name, 0) + 1
        if n > MAX_MENTIONS:
            continue   # a name repeated thousands of times (a crawl's run-on page) says nothing new
        named_like_us = is_controller_name(m.name, p.controller)
        own_group = named_like_us or (org is not None and own is not None
                                      and (org.id == own.id or _is_ancestor(lex.registry, own.id, org.id)))
        # "Google Analytics, a service offered by Google": the product stands for its owner named after it
        if org is not None and any(o.start < m.start and _is_ancestor(lex.registry, org.id, o.org_id)
                                   for o in by_sent.get(m.sentence, ())):
            continue
        blk = p.seg.sentences[m.sentence].block
        if p.seg.blocks[blk].kind == "heading" or p.in_table(m.start):
            continue
        kind, ctx = d.decide(m.sentence)
        if kind == "none":
            continue
        if own_group and not _group_context(p, d, ctx, blk):
            continue  # the controller's own brands and products (WordPress.com in Automattic's policy)
        if named_like_us and not (_action(p, ctx, blk, None) == "joint-use"
                                  or d.has("outgoing", m.sentence) and _named_after_verb(p, d, m)):
            continue  # "X, Inc. and X Interactive, Inc. may sell assets": the group acting, not receiving
        skip = [(x.start, x.end) for x in d.by_sentence.get(m.sentence, ())]
        cat = None if org else context_category(p, ctx, blk)
        party = party_for(p, m, cat)
        if kind == "condition":
            fb.add_condition(ctx, party.organization)
            continue
        data = _data_for(p, d, m.sentence, ctx, skip)
        if kind == "source":
            s = p.seg.sentences[m.sentence]
            b = p.seg.blocks[s.block]
            src = p.ann.data_in(s.start, s.end, skip) or p.ann.data_in(b.content_start, b.end, skip) or [UNSPECIFIED]
            fb.add_source(party, src, [m.sentence])
            nxt = m.sentence + 1   # "...login with Facebook. These third parties may collect information about you"
            if not (nxt < len(p.seg.sentences) and p.seg.sentences[nxt].block == s.block and d.has("they_collect", nxt)):
                continue
            kind, ctx = "flow", [m.sentence, nxt]
            data = _data_for(p, d, nxt, ctx, skip)
        purposes = _purposes(p, ctx, blk)
        if not purposes and party.category in lex.category_purpose:
            purposes = [lex.category_purpose[party.category]]
        fb.add_flow(party, _action(p, ctx, blk, party.category), data or [UNSPECIFIED], purposes, ctx)
        named_sents.update(ctx)
    _unnamed(p, d, fb, named_sents)
    return fb


def _named_after_verb(p: Policy, d: Decider, m: Mention) -> bool:
    """The mention comes after the sentence's sharing verb (a recipient, not the subject that shares)."""
    s = p.seg.sentences[m.sentence]
    masked = d.masked(m.sentence)
    hit = d.cues["outgoing"].search(masked)
    if not hit:
        return False
    # offsets in the masked sentence differ from the text's; compare by the share of the sentence before each
    return (m.start - s.start) / max(1, s.end - s.start) > hit.start() / max(1, len(masked))


def _group_context(p: Policy, d: Decider, ctx: list[int], block: int) -> bool:
    """The context speaks of group companies or joint use (where a subsidiary is a recipient of its own)."""
    heads = [p.seg.blocks[h].sentences[0] for h in p.headings(block)[:2] if p.seg.blocks[h].sentences]
    return any(d.has("group", i) for i in [*ctx, *heads])


def _is_ancestor(reg, oid: str, other: str) -> bool:
    seen = set()
    o = reg.get(other)
    while o.parent and o.parent in reg.orgs and o.parent not in seen:
        if o.parent == oid:
            return True
        seen.add(o.parent)
        o = reg.get(o.parent)
    return False


def _unnamed(p: Policy, d: Decider, fb: FlowBuilder, named_sents: set[int]) -> None:
    """Flows to recipients the policy names only by kind: "law enforcement", "payment processors"."""
    lex = p.lex
    times: dict[str, int] = {}
    for a, b, code in p.ann.unnamed:
        times[code] = times.get(code, 0) + 1
        if times[code] > MAX_MENTIONS:
            continue
        sent = p.sentence_at(a)
        if sent in named_sents or p.in_url(a, b) or p.in_table(a):
            continue
        blk = p.seg.sentences[sent].block
        if p.seg.blocks[blk].kind == "heading":
            continue
        kind, ctx = d.decide(sent)
        if kind == "condition":
            fb.add_condition(ctx, p.text[a:b])
            continue
        if kind != "flow" or code == "other" or not d.has("outgoing", sent):
            continue
        c = lex.recipient_cats.get(code)
        party = Party(name=(c.label_en if c else p.text[a:b]), organization=None, category=code, country=None)
        skip = [(a, b)]
        data = _data_for(p, d, sent, ctx, skip) or [UNSPECIFIED]
        fb.add_flow(party, _action(p, ctx, blk, code), data, _purposes(p, ctx, blk), ctx)

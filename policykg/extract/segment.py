"""Split a policy's text into blocks (headings, list items, paragraphs) and sentences.

Every piece keeps its character offsets into the text. A list item knows its
lead-in (the sentence that introduces the list) and every block its section heading.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_BULLET = re.compile(r"^([ \t\u3000]*)([-*+•●○◦▪■□◆◇・※・]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|[①-⑳])[ \t\u3000]*")
_MD_HEADING = re.compile(r"^[ \t]*(#{1,6})[ \t]+")
_NUM_HEADING = re.compile(r"^[ \t\u3000]*(第?\d{1,2}(?:\.\d{1,2})*[.)条]?|\(\d{1,2}\)|（\d{1,2}）|[IVX]{1,5}\.|\[)[ \t\u3000]*")
_END_PUNCT = tuple(".。:：;；,、!！")
# a full stop that ends one of these (or a single capital letter) ends no sentence
_ABBREVIATIONS = ("Co.", "Ltd.", "Inc.", "Corp.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "vs.", "etc.", "Jr.",
                  "Sr.", "approx.", "incl.", "Dept.", "U.S.", "U.K.", "e.g.", "i.e.", "cf.", "al.", "Fig.")
_ABBREV = re.compile(r"(?:\b(?:" + "|".join(re.escape(a[:-1]) for a in _ABBREVIATIONS) + r")\.|\b[A-Z]\.)$")
# Longest sentence and block (a line) policykg works on: a longer stretch of text (minified
# HTML, a page with no punctuation) is cut at a space or comma, so that the work per mention
# stays bounded. The longest real sentences and paragraphs are well under these.
MAX_SENTENCE = 2000
MAX_BLOCK = 8000
_SOFT_BREAK = re.compile(r"[\s,、，;；]")
_LABEL_VALUE = re.compile(r"[:：]\s*\S")
_JA_SENTENCE_END = re.compile(r"[ぁ-ん]{2,}(?:ます|です|した|ません)$")
_URL_MAIL_PHONE = re.compile(r"https?://|@|\b\d{3}-\d{4}\b")
# a sentence's end: ". " before a capital or digit (closing quotes kept), or "。" (closers kept):
# one of _END_MARKS (each looked for with str.find: quicker than a pattern scanning the text),
# then _AFTER_END matched just after it
_END_MARKS = ".!?。！？"
_AFTER_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*(?=\s+[\"“'‘(\[]?[A-Z0-9])|(?<=[。！？])[」』）)]*")


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    block: int


@dataclass(slots=True)
class Block:
    start: int
    end: int
    kind: str                 # heading, item, para
    indent: int = 0
    level: int = 0            # heading depth, 0 for others
    section: int = -1         # index of the heading block this one falls under
    lead: int = -1            # for items: index of the block introducing the list
    sentences: list[int] = field(default_factory=list)
    content_start: int = 0    # after the bullet / heading marks


@dataclass
class Segmentation:
    text: str
    blocks: list[Block]
    sentences: list[Sentence]

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start:s.end]

    def block_text(self, i: int) -> str:
        b = self.blocks[i]
        return self.text[b.content_start:b.end]


def _is_heading(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 90:
        return False
    if _MD_HEADING.match(line):
        return True
    if stripped.endswith(_END_PUNCT) or stripped.endswith(")") and "(" not in stripped[:-1]:
        return False
    body = _NUM_HEADING.sub("", stripped, count=1).strip("[]【】「」()（） ")
    if not body:
        return False
    if stripped.endswith(("?", "？")) and len(stripped) < 70:
        return True
    if _LABEL_VALUE.search(body):
        return False  # "label: value", an item of a list
    words = body.split()
    if len(words) > 10:
        return False
    if _JA_SENTENCE_END.search(body):
        return False
    if next_line is None:
        return False
    if _URL_MAIL_PHONE.search(stripped):
        return False
    # English headings start upper-case; Japanese lines here are short noun phrases
    return body[:1].isupper() or body[:1].isdigit() or not body[:1].isascii() or stripped.startswith("[")


def sentence_ends(text: str) -> list[tuple[int, int]]:
    """Every place in the text where a sentence may end, as (start, end) of the end mark."""
    marks = []
    for ch in _END_MARKS:
        i = text.find(ch)
        while i != -1:
            marks.append(i)
            i = text.find(ch, i + 1)
    marks.sort()
    out, last, after = [], 0, _AFTER_END.match
    for i in marks:
        if i >= last:
            m = after(text, i + 1)
            if m:
                out.append((i, m.end()))
                last = m.end()
    return out


def split_sentences(text: str, start: int, end: int, ends: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as (start, end) pairs, whitespace trimmed (``ends``: the
    text's ``sentence_ends``). An end mark that reaches outside text[start:end] is not one: what
    is left of the stretch is its last sentence."""
    spans = []
    pos = start
    for i in range(bisect.bisect_left(ends, (start, start)), len(ends)):
        a, cut = ends[i]
        if cut > end:
            break
        if text[a] == "." and ("A" <= text[a - 1] <= "Z" or text.endswith(_ABBREVIATIONS, start, a + 1)) and (
                _ABBREV.search(text[max(start, cut - 12):cut].rstrip("\"'”’)]"))):   # (the pattern only where it can match)
            continue
        spans.append((pos, cut))
        pos = cut
    spans.append((pos, end))
    out = []
    if end - start > MAX_SENTENCE and any(b - a > MAX_SENTENCE for a, b in spans):
        spans = [piece for span in spans for piece in cut_long(text, *span, MAX_SENTENCE)]
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def cut_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """text[start:end] as pieces of at most ``limit`` characters, cut after a space or comma
    in the last quarter of each piece where there is one."""
    pieces = []
    while end - start > limit:
        cut = start + limit
        window = text[cut - limit // 4:cut]
        soft = None
        for soft in _SOFT_BREAK.finditer(window):
            pass
        if soft is not None:
            cut = cut - limit // 4 + soft.end()
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def segment(text: str) -> Segmentation:
    """Blocks and sentences of a policy text."""
    nonempty: list[tuple[int, int, str]] = []   # (start, end, text) of each line not blank
    pos = 0
    cont: set[int] = set()   # starts of the second and later pieces of an over-long line
    for line in text.split("\n"):
        n = len(line)
        if n > MAX_BLOCK:
            pieces = cut_long(text, pos, pos + n, MAX_BLOCK)
            nonempty.extend((a, b, text[a:b]) for a, b in pieces if not text[a:b].isspace())
            cont.update(a for a, _b in pieces[1:])
        elif line and not line.isspace():
            nonempty.append((pos, pos + n, line))
        pos += n + 1
    blocks: list[Block] = []
    sentences: list[Sentence] = []
    heading_stack: list[tuple[int, int]] = []   # (level, block index)
    list_parents: list[tuple[int, int]] = []    # (indent, block index) of open list items
    last_para = -1
    merged: set[int] = set()   # lines that are the value of the label item above them
    ends = sentence_ends(text)
    for n, (a, b, line) in enumerate(nonempty):
        if n in merged:
            continue
        nxt = nonempty[n + 1][2] if n + 1 < len(nonempty) else None
        indent = len(line) - len(line.lstrip(" \t\u3000"))
        md = _MD_HEADING.match(line)
        bullet = _BULLET.match(line)
        mark = bullet.group(2) if bullet else ""
        # whether the line reads as a heading: asked only where the answer is used
        heading = (a not in cont and not md and (not bullet or mark[0].isdigit() or mark[0] in "([")
                   and _is_heading(line, nxt))
        if a in cont:
            kind, level, cstart = "para", 0, a + indent
        elif md:
            kind, level, cstart = "heading", len(md.group(1)), a + md.end()
        elif bullet and mark not in ("[",) and not (heading and mark[0].isdigit() or mark.startswith("(") and heading):
            kind, level, cstart = "item", 0, a + bullet.end()
        elif heading:
            num = _NUM_HEADING.match(line)
            depth = 2 if num and num.group(1).startswith(("(", "（")) else 1
            kind, level, cstart = "heading", depth, a + indent
        else:
            kind, level, cstart = "para", 0, a + indent
        if kind == "item" and nxt is not None and _is_label(text[cstart:b], nxt):
            merged.add(n + 1)   # "・共同利用する者の範囲" / "ＳＧホールディングスグループの国内法人": one item
            b = nonempty[n + 1][1]
        idx = len(blocks)
        blk = Block(start=a + indent, end=b, kind=kind, indent=indent, level=level, content_start=cstart)
        if kind == "heading":
            while heading_stack and heading_stack[-1][0] >= level:
                heading_stack.pop()
            heading_stack.append((level, idx))
            list_parents = []
            last_para = -1
        blk.section = heading_stack[-1][1] if heading_stack and kind != "heading" else (
            heading_stack[-2][1] if kind == "heading" and len(heading_stack) > 1 else -1)
        if kind == "item":
            while list_parents and list_parents[-1][0] >= indent and not (
                    list_parents[-1][0] == indent and _bullet_rank(text, blocks[list_parents[-1][1]]) < _bullet_rank(text, blk)):
                list_parents.pop()
            blk.lead = list_parents[-1][1] if list_parents else last_para
            list_parents.append((indent, idx))
        else:
            if kind == "para":
                last_para = idx
                list_parents = []
        blocks.append(blk)
        for s, e in split_sentences(text, cstart, b, ends):
            blk.sentences.append(len(sentences))
            sentences.append(Sentence(s, e, idx))
    return Segmentation(text=text, blocks=blocks, sentences=sentences)


def _is_label(item: str, nxt: str) -> bool:
    """A short list item that only names a field, its value on the next line (not a bullet or heading)."""
    item = item.strip()
    if not item or len(item) > 40 or item.endswith(("。", ".", "、", ",", ";", "；")) or _LABEL_VALUE.search(item):
        return False
    if not (item.endswith((":", "：")) or re.fullmatch(r"[\u3040-\u30ff\u4e00-\u9fff（）()・\s]+", item)):
        return False   # an English item that is a name ("• Stripe"), not a field label
    return not (_BULLET.match(nxt) or _MD_HEADING.match(nxt) or _NUM_HEADING.match(nxt) or nxt.startswith((" ", "\t", "\u3000")))


_RANK = {"●": 0, "•": 0, "■": 0, "◆": 0, "-": 1, "*": 1, "○": 2, "◦": 2, "□": 2, "◇": 2, "・": 3, "※": 4}


def _bullet_rank(text: str, blk: Block) -> int:
    ch = text[blk.start:blk.start + 1]
    return _RANK.get(ch, 1)
